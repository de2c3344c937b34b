import { readFile, rename, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import {
  CharacterSchema,
  IdSchema,
  PoseLibrarySchema,
  ResultSchema,
  type ProjectProblem,
} from '../../domain';
import { targetOfTempName, writeJsonAtomic } from '../atomic-write';
import { readJsonFile } from '../json-file';
import type { ProjectLayout } from '../project-layout';
import { exists, listDir, moveInto, removeQuietly, toProjectPath } from './fs-utils';
import { RESULT_FILE, hasFineMtime } from './result-index-file';

/**
 * Settles what a crash left in a project, when it opens: temp files of atomic writes, result images whose
 * receipt was never written, character and pose library folders without their JSON, trash folders
 * without their entry. What is complete is adopted (a temp file holding a whole, valid JSON whose target
 * was never renamed into place); everything else is moved into .studio/leftovers/<when>/<its path> and
 * reported once, on this open. Nothing is deleted but empty folders and the temp files of the cache in
 * .studio/ (they are rebuilt).
 *
 * Only call it while holding the project lock, before anything else in this process writes to the
 * project: a result image without a receipt is exactly what a commit looks like half way, and only at
 * open is it certain that no commit is under way.
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
  const outcomes = await Promise.allSettled([
    dropCacheTemps(layout),
    settleTemps(aside, ''),
    settleIdFolders(aside, quarantined, 'characters', 'character.json', CharacterSchema, ['refs']),
    settleIdFolders(aside, quarantined, 'poses', 'library.json', PoseLibrarySchema, []),
    settleIdFolders(aside, quarantined, 'trash', 'entry.json', undefined, []),
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
      // Left in place: the next open tries again. Opening the project matters more.
      this.failures++;
      console.warn(`[ccstudio] could not move the leftover ${rel} aside:`, (error as Error).message);
    }
  }
}

const tempNames = (names: readonly string[]): string[] =>
  names.filter((name) => targetOfTempName(name) !== undefined);

/** The cache's own temp files (the index, this check's record): rebuildable, so simply removed. */
async function dropCacheTemps(layout: ProjectLayout): Promise<void> {
  const names = tempNames(await listDir(layout.studioDir));
  await Promise.all(names.map((name) => removeQuietly(join(layout.studioDir, name))));
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
 * whole, unless it is empty (removed) or its JSON is in quarantine (kept for the person to repair).
 */
async function settleIdFolders(
  aside: MoveAside,
  quarantined: ReadonlySet<string>,
  parent: string,
  jsonName: string,
  schema: z.ZodType | undefined,
  subfolders: readonly string[],
): Promise<void> {
  const ids = (await listDir(aside.abs(parent))).filter((name) => IdSchema.safeParse(name).success);
  await Promise.all(
    ids.map(async (id) => {
      const rel = `${parent}/${id}`;
      const jsonRel = `${rel}/${jsonName}`;
      const names = await listDir(aside.abs(rel)).catch(() => null);
      if (names === null) return; // not a folder: not one of ours
      if (!names.includes(jsonName) && !quarantined.has(jsonRel)) {
        const temp = schema && names.find((name) => targetOfTempName(name) === jsonName);
        if (!(temp && (await adoptIfWhole(aside, `${rel}/${temp}`, jsonRel, schema)))) {
          if (names.length === 0) await rmdir(aside.abs(rel)).catch(() => undefined);
          else await aside.move(rel, `A folder without its ${jsonName}, left by an interrupted save.`);
          return;
        }
      }
      await settleTemps(aside, rel);
      for (const sub of subfolders) await settleTemps(aside, `${rel}/${sub}`);
    }),
  );
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
  const checked = await readFile(layout.leftoversCheckFile, 'utf8')
    .then((text) => (JSON.parse(text) as { resultsDirMtimeMs?: unknown }).resultsDirMtimeMs)
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
