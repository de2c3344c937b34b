import { lstat, readdir, realpath, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import {
  CharacterSchema,
  IdSchema,
  PoseLibrarySchema,
  ResultSchema,
  type Character,
  type PoseLibrary,
  type ProjectProblem,
} from '../../domain';
import { targetOfTempName, writeJsonAtomic } from '../atomic-write';
import { readJsonFile, readJsonValue, type JsonRead } from '../json-file';
import type { ProjectLayout } from '../project-layout';
import { exists, listDir, moveInto, removeQuietly, toProjectPath } from './fs-utils';
import { idOfFileName, isInFlight } from './in-flight';
import { extensionFor } from './paths';
import { readPoseLibrary } from './pose-library-file';
import { RESULT_FILE, hasFineMtime } from './result-index-file';

/**
 * Settles what a crash left in a project, when it opens: temp files of atomic writes, result images whose
 * receipt was never written, character and pose library folders without their JSON, trash folders
 * without their entry, and pose and reference images that their library.json / character.json does not
 * name (an import writes the image first and records it second). What is complete is adopted (a temp
 * file holding a whole, valid JSON whose target was never renamed into place); everything else is moved
 * into .studio/leftovers/<when>/<its path> and reported once, on this open. Nothing is deleted but empty
 * folders and the temp files of the cache in .studio/ and .studio/thumbs/ (they are rebuilt).
 *
 * Only call it while holding the project lock, before anything else in this process writes to the
 * project: a result image without a receipt is exactly what a commit looks like half way, and only at
 * open is it certain that no commit is under way. openProject calls it so, before it hands the project
 * out. The one exception is work started on an earlier handle of the same project in this process (the
 * project closed and opened again while an import ran on): what such work holds in flight (in-flight.ts)
 * is left alone, and each decision reads the folder before the JSON, so an image recorded meanwhile is
 * seen recorded. An image that a trash entry names is the trash's (a restore that had moved it back when
 * the app stopped): left alone too.
 *
 * Left alone: anything whose JSON is in quarantine (its folder and images wait for the person to repair
 * it), and files the app did not name (a result image is `<id>.<ext>`; other names are the person's).
 * results/ can hold 20,000 files, so it is listed only when its mtime moved since the last check.
 */
export async function reconcileLeftovers(
  layout: ProjectLayout,
  quarantined: ReadonlySet<string>,
): Promise<ProjectProblem[]> {
  const aside = new MoveAside(layout);
  // Read before anything moves. Null when an entry could not be read: then no unrecorded image is moved.
  const trashed = await namedByTrash(layout).catch(() => null);
  const references: UnrecordedImages = {
    folder: 'refs',
    recorded: (value) => (value as Character).referenceImages.map((image) => image.file),
    trashed,
  };
  const poses: UnrecordedImages = {
    folder: '',
    recorded: (value) => (value as PoseLibrary).poses.map((pose) => pose.image.file),
    trashed,
    read: readPoseLibrary,
  };
  const outcomes = await Promise.allSettled([
    dropCacheTemps(aside),
    settleTemps(aside, ''),
    settleIdFolders(
      aside,
      quarantined,
      'characters',
      'character.json',
      CharacterSchema,
      ['refs'],
      references,
    ),
    settleIdFolders(aside, quarantined, 'poses', 'library.json', PoseLibrarySchema, [], poses),
    settleIdFolders(aside, quarantined, 'trash', 'entry.json', undefined, [], undefined, ['files']),
    settleResults(aside, quarantined),
  ]);
  // One part failing (a folder the app may not read) must not hide what the others already moved.
  for (const outcome of outcomes) {
    if (outcome.status === 'rejected') {
      console.warn('[ccstudio] settling leftovers stopped early:', (outcome.reason as Error)?.message);
    }
  }
  return aside.problems;
}

const UNFINISHED =
  'An unfinished save, left when the app stopped while writing it (the saved file, if any, is as it was before).';

/** Moves project paths into .studio/leftovers/<this open>/<the same path>, recording one problem each. */
class MoveAside {
  readonly problems: ProjectProblem[] = [];
  /** Moves that failed: their leftovers are still in place, for the next open to try again. */
  failures = 0;
  private readonly folder: string;
  constructor(readonly layout: ProjectLayout) {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    this.folder = `${toProjectPath(layout.root, layout.leftoversDir)}/${stamp}`;
  }

  abs(rel: string): string {
    return join(this.layout.root, ...rel.split('/'));
  }

  async move(rel: string, reason: string): Promise<void> {
    const keptAs = `${this.folder}/${rel}`;
    try {
      await moveInto(this.abs(rel), this.abs(keptAs));
      this.problems.push({ file: rel, reason: `${reason} Moved aside, not deleted.`, quarantinedAs: keptAs });
    } catch (error) {
      // Gone since it was listed (the temp file of a write that has just finished): nothing to settle.
      const gone =
        (error as NodeJS.ErrnoException).code === 'ENOENT' &&
        !(await exists(this.abs(rel)).catch(() => true));
      if (gone) return;
      // Left in place: the next open tries again. Opening the project matters more.
      this.failures++;
      console.warn(`[ccstudio] could not move the leftover ${rel} aside:`, (error as Error).message);
    }
  }
}

const tempNames = (names: readonly string[]): string[] =>
  names.filter((name) => targetOfTempName(name) !== undefined);

/**
 * The cache's own temp files (the index, this check's record, thumbnails): rebuildable, so simply removed;
 * except a thumbnail an import in flight is making (in-flight.ts).
 */
async function dropCacheTemps(aside: MoveAside): Promise<void> {
  const drop = async (rel: string) => {
    if (!(await isPlainFolder(aside, rel))) return; // not there, or elsewhere through a link
    const names = tempNames(await listDir(aside.abs(rel))).filter(
      (name) => !isInFlight(idOfFileName(targetOfTempName(name) ?? '')),
    );
    await Promise.all(names.map((name) => removeQuietly(aside.abs(`${rel}/${name}`))));
  };
  const studio = toProjectPath(aside.layout.root, aside.layout.studioDir);
  await Promise.all([drop(studio), drop(toProjectPath(aside.layout.root, aside.layout.thumbsDir))]);
}

/** Moves every temp file directly in `rel` aside, except those `adopt` renames into place. */
async function settleTemps(
  aside: MoveAside,
  rel: string,
  adopt?: (temp: string, target: string) => Promise<boolean>,
): Promise<void> {
  const prefix = rel === '' ? '' : `${rel}/`;
  for (const name of tempNames(await listDir(aside.abs(rel)))) {
    const target = targetOfTempName(name) ?? '';
    if (isInFlight(idOfFileName(target))) continue; // an image an import is writing now
    if (adopt && (await adopt(`${prefix}${name}`, `${prefix}${target}`))) continue;
    await aside.move(`${prefix}${name}`, UNFINISHED);
  }
}

/** Renames a temp file into place when its target is missing and it holds a whole file `schema` accepts. */
async function adoptIfWhole(
  aside: MoveAside,
  temp: string,
  target: string,
  schema: z.ZodType,
  alsoNeeds: (value: unknown) => Promise<boolean> = async () => true,
): Promise<boolean> {
  if (await exists(aside.abs(target))) return false;
  const read = await readJsonFile(aside.abs(temp), schema).catch(() => null);
  if (!read?.ok || !(await alsoNeeds(read.value))) return false;
  return rename(aside.abs(temp), aside.abs(target)).then(
    () => true,
    () => false, // then it is moved aside like any other temp file
  );
}

/**
 * characters/<id>/, poses/<id>/ and trash/<id>/, each defined by its one JSON. A folder without it (and
 * without a whole temp file of it to adopt) was left by an interrupted create, copy or empty: moved aside
 * whole, unless it holds no file at all (removed: a create that failed or stopped after its mkdir) or its
 * JSON is in quarantine (kept for the person to repair), or this process is making it right now.
 * With `images`, the images in a folder whose JSON is whole but does not name them are moved aside.
 */
async function settleIdFolders(
  aside: MoveAside,
  quarantined: ReadonlySet<string>,
  parent: string,
  jsonName: string,
  schema: z.ZodType | undefined,
  subfolders: readonly string[],
  images?: UnrecordedImages,
  /** Folders whose temp files are settled at every depth (a trash entry's files: a write racing the move). */
  trees: readonly string[] = [],
): Promise<void> {
  const ids = (await listDir(aside.abs(parent))).filter((name) => IdSchema.safeParse(name).success);
  await Promise.all(
    ids.map(async (id) => {
      const rel = `${parent}/${id}`;
      const jsonRel = `${rel}/${jsonName}`;
      const names = await listDir(aside.abs(rel)).catch(() => null);
      if (names === null) return; // not a folder: not one of ours
      if (!names.includes(jsonName) && !quarantined.has(jsonRel)) {
        // Made by this process right now (a create, or a new library's first image): not a leftover. Its
        // JSON is looked for again after that check, as it may have been written in between.
        if (isInFlight(id) || names.some((name) => isInFlight(idOfFileName(name)))) return;
        if (await exists(aside.abs(jsonRel)).catch(() => true)) return;
        const temp = schema && names.find((name) => targetOfTempName(name) === jsonName);
        if (!(temp && (await adoptIfWhole(aside, `${rel}/${temp}`, jsonRel, schema)))) {
          if (await holdsNoFile(aside.abs(rel))) await removeQuietly(aside.abs(rel));
          else await aside.move(rel, `A folder without its ${jsonName}, left by an interrupted save.`);
          return;
        }
      }
      await settleTemps(aside, rel);
      for (const sub of subfolders) await settleTemps(aside, `${rel}/${sub}`);
      for (const tree of trees) await settleTempsEverywhere(aside, `${rel}/${tree}`);
      if (images && schema && !quarantined.has(jsonRel))
        await settleUnrecorded(aside, rel, jsonRel, schema, images);
    }),
  );
}

/** settleTemps in `rel` and every folder below it (links are not followed). */
async function settleTempsEverywhere(aside: MoveAside, rel: string, top = true): Promise<void> {
  if (top && !(await isPlainFolder(aside, rel))) return;
  const entries = await readdir(aside.abs(rel), { withFileTypes: true }).catch(() => []);
  await settleTemps(aside, rel);
  for (const entry of entries) {
    if (entry.isDirectory()) await settleTempsEverywhere(aside, `${rel}/${entry.name}`, false);
  }
}

/** True when `dir` holds nothing but (possibly nested) empty folders. Links and unreadable folders count as files. */
async function holdsNoFile(dir: string): Promise<boolean> {
  const info = await lstat(dir).catch(() => null);
  if (!info?.isDirectory()) return false; // a link is the person's, even to an empty folder
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => null);
  if (entries === null) return false;
  for (const entry of entries) {
    if (!entry.isDirectory() || !(await holdsNoFile(join(dir, entry.name)))) return false;
  }
  return true;
}

/** Which images of an id folder its JSON names, and where they are kept. */
interface UnrecordedImages {
  /** The images' folder inside the id folder ('' for the folder itself). */
  folder: string;
  /** The project paths the JSON names. */
  recorded(value: unknown): string[];
  /** What the trash entries name, or null if they could not all be read (then nothing is moved). */
  trashed: ReadonlySet<string> | null;
  /** How the JSON is read, when it is more than one file (a pose library and its log). */
  read?: (file: string, schema: z.ZodType) => Promise<JsonRead<unknown>>;
}

/** `<id>.<ext>` with an extension the app stores images under: other names are the person's. */
const STORED_IMAGE = new RegExp(
  `^[a-z0-9]{8,40}\\.(${[...new Set(Object.values(extensionFor))].join('|')})$`,
);

/**
 * Moves aside the images in an id folder that its (whole, valid) JSON does not name: an import writes the
 * image, then records it, so a crash in between leaves an image nothing refers to, which no list shows
 * and nothing would ever remove. The folder is listed before the JSON is read, and an image is passed
 * over while an import holds it (in-flight.ts): an image recorded in between is seen recorded.
 */
async function settleUnrecorded(
  aside: MoveAside,
  rel: string,
  jsonRel: string,
  schema: z.ZodType,
  images: UnrecordedImages,
): Promise<void> {
  if (!images.trashed) return;
  const dir = images.folder ? `${rel}/${images.folder}` : rel;
  if (!(await isPlainFolder(aside, dir))) return;
  const candidates = (await listDir(aside.abs(dir)).catch(() => [] as string[])).filter(
    (name) => STORED_IMAGE.test(name) && !isInFlight(idOfFileName(name)),
  );
  if (candidates.length === 0) return;
  const read = await (images.read ?? readJsonFile)(aside.abs(jsonRel), schema).catch(() => null);
  if (!read?.ok) return; // damaged or unreadable: its images wait with it
  const recorded = new Set(images.recorded(read.value));
  for (const name of candidates) {
    const path = `${dir}/${name}`;
    if (recorded.has(path) || isNamedBy(images.trashed, path)) continue;
    await aside.move(
      path,
      'An image that nothing in the project refers to, left when the app stopped before recording it.',
    );
  }
}

/** True when `path` or a folder above it is in `paths`. */
function isNamedBy(paths: ReadonlySet<string>, path: string): boolean {
  for (let at = path; at !== ''; at = at.includes('/') ? at.slice(0, at.lastIndexOf('/')) : '') {
    if (paths.has(at)) return true;
  }
  return false;
}

/**
 * Every project path a trash entry names (`moves`). Read loosely: only that list matters here. An entry
 * that exists but cannot be read throws, and then no unrecorded image is moved on this open.
 */
async function namedByTrash(layout: ProjectLayout): Promise<Set<string>> {
  const named = new Set<string>();
  const ids = (await listDir(layout.trashDir)).filter((name) => IdSchema.safeParse(name).success);
  await Promise.all(
    ids.map(async (id) => {
      // The one JSON reader (a link out of the project, a pipe or /dev/zero in its place is refused).
      const read = await readJsonFile(join(layout.trashDir, id, 'entry.json'), TrashMovesSchema);
      if (!read.ok && read.missing) return; // no entry: its folder is settled as a leftover
      if (!read.ok) throw new Error(`trash entry ${id} cannot be read: ${read.reason}`);
      for (const move of read.value.moves) named.add(move);
    }),
  );
  return named;
}

/** All this needs of a trash entry (trash-store.ts owns the rest). */
const TrashMovesSchema = z.object({ moves: z.array(z.string()) });

/**
 * True when the folder `rel` is really where it seems, with no link on the way from the project's root:
 * images are moved out of a folder only then (never out of a folder that lies elsewhere).
 */
async function isPlainFolder(aside: MoveAside, rel: string): Promise<boolean> {
  try {
    const [realRoot, realDir] = await Promise.all([realpath(aside.layout.root), realpath(aside.abs(rel))]);
    return realDir === join(realRoot, ...rel.split('/'));
  } catch {
    return false;
  }
}

const RESULT_IMAGE = /^([a-z0-9]{8,40})\.(?!json$)[a-z0-9]{2,5}$/;

/**
 * results/: a receipt's temp file is adopted when it is whole and its image is there (the image is
 * always written first); other temp files, and `<id>.<ext>` images with no `<id>.json`, are moved aside.
 */
async function settleResults(aside: MoveAside, quarantined: ReadonlySet<string>): Promise<void> {
  const layout = aside.layout;
  const before = await stat(layout.resultsDir).catch(() => null);
  if (!before) return;
  // The contained read: a pipe or device in place of the check file answers at once (and counts as no
  // check), where a plain readFile would wait on it for ever with the project half open.
  const checked = await readJsonValue(layout.leftoversCheckFile)
    .then((read) =>
      read.ok && typeof read.value === 'object' && read.value !== null
        ? (read.value as { resultsDirMtimeMs?: unknown }).resultsDirMtimeMs
        : undefined,
    )
    .catch(() => undefined);
  if (checked === before.mtimeMs && hasFineMtime(before.mtimeMs)) return;

  const imageExists = async (value: unknown) => {
    const file = (value as z.output<typeof ResultSchema>).file;
    return RESULT_FILE.test(file) && exists(aside.abs(file));
  };
  await settleTemps(aside, 'results', (temp, target) =>
    /^results\/[a-z0-9]{8,40}\.json$/.test(target)
      ? adoptIfWhole(aside, temp, target, ResultSchema, imageExists)
      : Promise.resolve(false),
  );
  const names = new Set(await listDir(layout.resultsDir));
  for (const name of names) {
    const id = RESULT_IMAGE.exec(name)?.[1];
    if (!id || names.has(`${id}.json`) || quarantined.has(`results/${id}.json`)) continue;
    await aside.move(
      `results/${name}`,
      'A result image without its receipt, left when the app stopped before the receipt was written.',
    );
  }

  if (aside.failures > 0) return; // listed again next time
  const after = await stat(layout.resultsDir);
  await writeJsonAtomic(layout.leftoversCheckFile, { resultsDirMtimeMs: after.mtimeMs }).catch(
    () => undefined,
  );
}
