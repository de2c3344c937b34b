/**
 * What the storage-faults suite checks on a project folder, read with the real file system (never the
 * counting proxy): a snapshot with content hashes, and an inspection of everything under its real name
 * (whole JSON that its schema accepts, images that decode to the last pixel, references that lead to
 * files), plus the temp files and leftovers a failed write may have left and where.
 */
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import type { z } from 'zod';
import { CharacterSchema, PoseLibrarySchema, ProjectFileSchema, ResultSchema } from '../../../src/domain';
import { targetOfTempName } from '../../../src/library/atomic-write';
import { TrashEntryFileSchema } from '../../../src/library/workspace/trash-store';
import {
  CHANGES_FILE_NAME,
  PoseLibraryChangeSchema,
  applyPoseLibraryChange,
} from '../../../src/library/workspace/pose-library-file';
import { real } from './fault-injector';

const run = promisify(execFile);

export interface Entry {
  kind: 'f' | 'd' | 'l';
  hash: string;
}
export type Snapshot = Map<string, Entry>;

/** Every entry under `dir` (relative path, forward slashes) with its kind and, for a file, its SHA-256. */
export async function snapshot(dir: string): Promise<Snapshot> {
  const fs = real();
  const out: Snapshot = new Map();
  const walk = async (rel: string): Promise<void> => {
    const entries = await fs.readdir(rel ? join(dir, rel) : dir, { withFileTypes: true });
    await Promise.all(
      entries.map(async (entry) => {
        const path = rel ? `${rel}/${entry.name}` : entry.name;
        if (entry.isSymbolicLink()) out.set(path, { kind: 'l', hash: await fs.readlink(join(dir, path)) });
        else if (entry.isDirectory()) {
          out.set(path, { kind: 'd', hash: '' });
          await walk(path);
        } else {
          const hash = createHash('sha256')
            .update(await fs.readFile(join(dir, path)))
            .digest('hex');
          out.set(path, { kind: 'f', hash });
        }
      }),
    );
  };
  await walk('');
  return out;
}

/** Copies a folder with its times (so the copy's caches stay valid, as the original's are). */
export async function copyTree(from: string, to: string): Promise<void> {
  await run('cp', ['-a', from, to]);
}

/** A folder held in memory (files, folders, their times), to lay down copies faster than `cp -a`. */
export interface HeldTree {
  entries: { rel: string; kind: 'd' | 'f'; data: Buffer | undefined; atime: Date; mtime: Date }[];
}

export async function holdTree(dir: string): Promise<HeldTree> {
  const fs = real();
  const entries: HeldTree['entries'] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const entry of await fs.readdir(rel ? join(dir, rel) : dir, { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      const info = await fs.lstat(join(dir, path));
      if (entry.isDirectory()) {
        entries.push({ rel: path, kind: 'd', data: undefined, atime: info.atime, mtime: info.mtime });
        await walk(path);
      } else if (entry.isFile()) {
        entries.push({
          rel: path,
          kind: 'f',
          data: await fs.readFile(join(dir, path)),
          atime: info.atime,
          mtime: info.mtime,
        });
      } else throw new Error(`holdTree: ${path} is neither a file nor a folder`);
    }
  };
  const top = await fs.lstat(dir);
  await walk('');
  entries.push({ rel: '', kind: 'd', data: undefined, atime: top.atime, mtime: top.mtime });
  return { entries };
}

/** Writes a held folder to `to` (which must not exist) with every file's and folder's times. */
export async function layDown(tree: HeldTree, to: string): Promise<void> {
  const fs = real();
  await fs.mkdir(to, { recursive: true });
  const dirs = tree.entries.filter((e) => e.kind === 'd' && e.rel !== '');
  for (const d of dirs) await fs.mkdir(join(to, d.rel), { recursive: true });
  const files = tree.entries.filter((e) => e.kind === 'f');
  await Promise.all(files.map((f) => fs.writeFile(join(to, f.rel), f.data ?? Buffer.alloc(0))));
  await Promise.all(files.map((f) => fs.utimes(join(to, f.rel), f.atime, f.mtime)));
  // Folders last, deepest first: writing into a folder moves its mtime.
  const byDepth = tree.entries
    .filter((e) => e.kind === 'd')
    .sort((a, b) => b.rel.split('/').length - a.rel.split('/').length || b.rel.length - a.rel.length);
  for (const d of byDepth) await fs.utimes(d.rel ? join(to, d.rel) : to, d.atime, d.mtime);
}

/** Where .studio keeps rebuildable caches: replaced whole by the app at any time. */
export const isCache = (rel: string): boolean =>
  rel.startsWith('.studio/') &&
  rel !== '.studio/lock.json' &&
  !rel.startsWith('.studio/quarantine') &&
  !rel.startsWith('.studio/leftovers');

/**
 * Pre-existing entries that are not exactly as they were: changed or missing files and missing folders,
 * outside the caches (whose files may be replaced, whole: inspect() checks that).
 */
export function changedOriginals(
  before: Snapshot,
  after: Snapshot,
  allowed: ReadonlySet<string> = new Set(),
): string[] {
  const out: string[] = [];
  for (const [path, entry] of before) {
    if (isCache(path) || allowed.has(path)) continue;
    const now = after.get(path);
    if (!now) out.push(`missing: ${path}`);
    else if (now.kind !== entry.kind || now.hash !== entry.hash) out.push(`changed: ${path}`);
  }
  return out;
}

export const isTempName = (name: string): boolean => targetOfTempName(name) !== undefined;
const IMAGE = /\.(png|jpe?g|webp)$/i;
const RESULT_IMAGE = /^results\/([a-z0-9]{8,40})\.(?!json$)[a-z0-9]{2,5}$/;

export interface Inspection {
  /** Broken: a half-written or invalid file under its real name, a reference to a file that is not there. */
  broken: string[];
  /** Temp files of interrupted writes, by path. */
  temps: string[];
  /** Files and folders nothing refers to (a result image without receipt, a pose image no pose names...). */
  orphans: string[];
}

/** Hashes of images already decoded whole: the same bytes need not be decoded again. */
const goodImages = new Set<string>();

function schemaFor(rel: string): z.ZodType | undefined {
  if (rel === 'project.json') return ProjectFileSchema;
  if (/^characters\/[^/]+\/character\.json$/.test(rel)) return CharacterSchema;
  if (/^poses\/[^/]+\/library\.json$/.test(rel)) return PoseLibrarySchema;
  if (/^results\/[^/]+\.json$/.test(rel)) return ResultSchema;
  if (/^trash\/[^/]+\/entry\.json$/.test(rel)) return TrashEntryFileSchema;
  return undefined;
}

/**
 * Inspects a project folder (and, with `extraRoots`, output folders such as an export's): every file
 * under its real name is whole; temps and orphans are listed, not judged (the caller knows what the
 * flow may leave). Folders the app moved out of the way (.studio/leftovers, .studio/quarantine) are
 * looked at only for temps.
 */
export async function inspect(dir: string, after?: Snapshot): Promise<Inspection> {
  const fs = real();
  const tree = after ?? (await snapshot(dir));
  const out: Inspection = { broken: [], temps: [], orphans: [] };
  const files = [...tree].filter(([, e]) => e.kind === 'f').map(([p]) => p);
  const parsed = new Map<string, unknown>();

  for (const rel of files) {
    const name = rel.slice(rel.lastIndexOf('/') + 1);
    if (isTempName(name)) {
      out.temps.push(rel);
      continue;
    }
    if (rel.startsWith('.studio/leftovers/') || rel.startsWith('.studio/quarantine/')) continue;
    const abs = join(dir, rel);
    if (rel.endsWith('.json')) {
      let value: unknown;
      try {
        value = JSON.parse(await fs.readFile(abs, 'utf8'));
      } catch (error) {
        out.broken.push(`not whole JSON: ${rel} (${(error as Error).message.slice(0, 80)})`);
        continue;
      }
      const schema = schemaFor(rel);
      if (schema) {
        const checked = schema.safeParse(value);
        if (!checked.success) {
          out.broken.push(`invalid ${rel}: ${checked.error.issues[0]?.message ?? ''}`);
          continue;
        }
        parsed.set(rel, checked.data);
      }
    } else if (rel.endsWith(`/${CHANGES_FILE_NAME}`)) {
      // A library's log: every line but a torn last one is a whole change (pose-library-file.ts).
      const lines = (await fs.readFile(abs, 'utf8')).split('\n').slice(0, -1);
      for (const [i, line] of lines.entries()) {
        let change;
        try {
          change = PoseLibraryChangeSchema.safeParse(JSON.parse(line));
        } catch {
          change = undefined;
        }
        if (!change?.success) out.broken.push(`not a whole change: ${rel} line ${i + 1}`);
      }
    } else if (IMAGE.test(rel)) {
      const hash = tree.get(rel)?.hash ?? '';
      if (goodImages.has(hash)) continue;
      try {
        await sharp(await fs.readFile(abs), { failOn: 'truncated' })
          .raw()
          .toBuffer();
        goodImages.add(hash);
      } catch (error) {
        out.broken.push(`not a whole image: ${rel} (${(error as Error).message.slice(0, 80)})`);
      }
    }
  }

  // References, and what nothing refers to.
  const referenced = new Set<string>();
  const needs = (owner: string, file: string) => {
    referenced.add(file);
    if (tree.get(file)?.kind !== 'f') out.broken.push(`${owner} names ${file}, which is not there`);
  };
  // A library is library.json with its log applied: what it names is what the app lists.
  for (const [rel, value] of parsed) {
    if (!rel.startsWith('poses/')) continue;
    const log = `${rel.slice(0, rel.lastIndexOf('/'))}/${CHANGES_FILE_NAME}`;
    if (tree.get(log)?.kind !== 'f') continue;
    const lines = (await fs.readFile(join(dir, log), 'utf8')).split('\n').slice(0, -1);
    let library: unknown = value;
    for (const line of lines) {
      let change;
      try {
        change = PoseLibraryChangeSchema.safeParse(JSON.parse(line));
      } catch {
        break; // reported above; the app stops reading the log there too
      }
      if (change.success) library = applyPoseLibraryChange(library, change.data);
    }
    const checked = PoseLibrarySchema.safeParse(library);
    if (checked.success) parsed.set(rel, checked.data);
    else out.broken.push(`invalid ${rel} with its log: ${checked.error.issues[0]?.message ?? ''}`);
  }
  for (const [rel, value] of parsed) {
    if (rel.startsWith('characters/')) {
      for (const image of (value as z.output<typeof CharacterSchema>).referenceImages) needs(rel, image.file);
    } else if (rel.startsWith('poses/')) {
      for (const pose of (value as z.output<typeof PoseLibrarySchema>).poses) needs(rel, pose.image.file);
    } else if (rel.startsWith('results/')) {
      needs(rel, (value as z.output<typeof ResultSchema>).file);
    }
    // A trash entry whose files never moved (a trash that failed before its first move) is stale: the
    // product's own trash.list drops it, so it is not counted as an orphan here.
  }
  for (const rel of files) {
    if (isTempName(rel.slice(rel.lastIndexOf('/') + 1))) continue;
    if (/^characters\/[^/]+\/refs\/[^/]+$/.test(rel) && !referenced.has(rel))
      out.orphans.push(`reference image no character names: ${rel}`);
    if (
      /^poses\/[^/]+\/[^/]+$/.test(rel) &&
      !rel.endsWith('/library.json') &&
      !rel.endsWith(`/${CHANGES_FILE_NAME}`) &&
      !referenced.has(rel)
    ) {
      out.orphans.push(`pose image no pose names: ${rel}`);
    }
    const id = RESULT_IMAGE.exec(rel)?.[1];
    if (id && !tree.has(`results/${id}.json`)) out.orphans.push(`result image without receipt: ${rel}`);
  }
  for (const [rel, entry] of tree) {
    if (entry.kind !== 'd') continue;
    const m = /^(characters|poses|trash)\/([^/]+)$/.exec(rel);
    if (!m) continue;
    const json = m[1] === 'characters' ? 'character.json' : m[1] === 'poses' ? 'library.json' : 'entry.json';
    if (!tree.has(`${rel}/${json}`)) out.orphans.push(`folder without its ${json}: ${rel}`);
  }
  return out;
}

/** Temps and orphans that no open of the project would settle: what reconcileLeftovers leaves in place. */
export function unsettled(inspection: Inspection): string[] {
  return [
    ...inspection.temps.filter((t) => !t.startsWith('.studio/leftovers/')).map((t) => `temp file: ${t}`),
    ...inspection.orphans,
  ];
}
