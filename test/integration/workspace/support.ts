/**
 * Shared helpers for the workspace tests: projects in temp folders, result drafts with valid receipts,
 * and the two ways this machine can make a folder refuse writes for real (a read-only bind mount, a
 * tiny tmpfs for "disk full").
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { PoseLibrarySchema, newId, type PoseLibrary, type Receipt } from '../../../src/domain';
import { CHANGES_FILE_NAME, readPoseLibrary } from '../../../src/library/workspace/pose-library-file';
import { createProject, openProject, type ProjectHandle } from '../../../src/library/project-store';
import { workspaceFor, type ResultDraft, type Workspace } from '../../../src/library/workspace';
import { v1Receipt } from '../../fixtures-gen/receipts';

export async function newProject(
  tempDir: () => Promise<string>,
  name = 'Test project',
): Promise<{ project: ProjectHandle; ws: Workspace; dir: string }> {
  const dir = join(await tempDir(), 'project');
  const project = await createProject(dir, name);
  return { project, ws: workspaceFor(project), dir };
}

/** Closes the project and opens it again (a new workspace: caches and the index are read anew). */
export async function reopen(
  project: ProjectHandle,
  dir: string,
): Promise<{ project: ProjectHandle; ws: Workspace }> {
  await project.close();
  const next = await openProject(dir);
  return { project: next, ws: workspaceFor(next) };
}

export function receiptFor(
  options: { seed?: number; cost?: number; prompt?: string; poseId?: string } = {},
): Receipt {
  const { cost, ...rest } = options;
  return v1Receipt({ ...rest, ...(cost === undefined ? {} : { headers: { cost } }) });
}

export function draftFor(options: {
  characterId: string;
  poseId: string;
  seed?: number;
  createdAt?: string;
  id?: string;
  prompt?: string;
}): ResultDraft {
  return {
    id: options.id ?? newId(),
    createdAt: options.createdAt ?? new Date().toISOString(),
    modelId: 'consistent-character-ai-neolemon',
    characterId: options.characterId,
    poseId: options.poseId,
    receipt: receiptFor({
      poseId: options.poseId,
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.prompt === undefined ? {} : { prompt: options.prompt }),
    }),
  };
}

/** A small JPEG standing in for a generated result. */
export async function resultJpeg(width = 64, height = 48, hue = 30): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: `hsl(${hue}, 60%, 50%)` } })
    .jpeg()
    .toBuffer();
}

/** Files in a folder that look like leftovers of an interrupted write. */
export async function tempLeftovers(dir: string): Promise<string[]> {
  const names = await readdir(dir, { recursive: true });
  return names.filter((n) => String(n).endsWith('.tmp'));
}

// -- refusing writes for real --------------------------------------------------------------------------

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: 'pipe' });

/**
 * Whether this process may mount file systems (root with CAP_SYS_ADMIN, as in this container). As root,
 * permission bits do not stop writes, so a read-only bind mount (EROFS) and a tiny tmpfs (ENOSPC) are
 * how the tests make the OS refuse a write for real. Probed once; tests that need it skip without it.
 */
export const canMount: boolean = (() => {
  if (process.platform !== 'linux') return false;
  let probe: string | undefined;
  try {
    probe = execFileSync('mktemp', ['-d', join(tmpdir(), 'ccstudio-mount-probe-XXXXXX')])
      .toString()
      .trim();
    run('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]);
    run('umount', [probe]);
    return true;
  } catch {
    return false;
  } finally {
    if (probe) execFileSync('rmdir', [probe], { stdio: 'ignore' });
  }
})();

/**
 * CI runs as root and can mount, so there these tests must run (and fail loudly if mounting broke);
 * only on a developer machine without the capability do they skip.
 */
export const skipMountTests: boolean = !canMount && process.env.CI !== 'true';

/** Makes `dir` read-only at the file-system level (writes fail with EROFS even for root). Returns undo. */
export function mountReadOnly(dir: string): () => void {
  run('mount', ['--bind', dir, dir]);
  try {
    run('mount', ['-o', 'remount,ro,bind', dir]);
  } catch (error) {
    run('umount', [dir]);
    throw error;
  }
  return () => run('umount', [dir]);
}

/** A fresh tmpfs of `bytes` capacity: a disk that really fills up. Returns its path and undo. */
export async function tinyDisk(bytes: number): Promise<{ dir: string; release: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'ccstudio-tinydisk-'));
  run('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir]);
  return {
    dir,
    release: async () => {
      run('umount', [dir]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function ensureDir(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  return dir;
}

/**
 * What the results index (.studio/results-index.sqlite) holds, read with SQLite itself (read-only,
 * beside the open project): the rows newest first, and the ids in its pending journal.
 */
export function readIndexRows(dir: string): {
  rows: { id: string; rating: number; flag: string; image_missing: number }[];
  pending: string[];
} {
  const db = new Database(join(dir, '.studio', 'results-index.sqlite'), {
    readonly: true,
    fileMustExist: true,
  });
  try {
    return {
      rows: db
        .prepare('SELECT id, rating, flag, image_missing FROM results ORDER BY t DESC, id DESC')
        .all() as {
        id: string;
        rating: number;
        flag: string;
        image_missing: number;
      }[],
      pending: db.prepare('SELECT id FROM pending').pluck().all() as string[],
    };
  } finally {
    db.close();
  }
}

/** The files of a pose library's folder that are not its images: library.json and its log of changes. */
export const LIBRARY_RECORD_FILES: readonly string[] = ['library.json', CHANGES_FILE_NAME];

/** A pose library as its files on disk say (library.json with its log of changes applied), validated. */
export async function libraryOnDisk(dir: string, libraryId: string): Promise<PoseLibrary> {
  const read = await readPoseLibrary(join(dir, 'poses', libraryId, 'library.json'), PoseLibrarySchema);
  if (!read.ok) throw new Error(`the library cannot be read: ${read.missing ? 'missing' : read.reason}`);
  return read.value;
}

/** The library's records as bytes (library.json, and its log if there is one), to prove they did not change. */
export async function libraryBytes(dir: string, libraryId: string): Promise<string> {
  const folder = join(dir, 'poses', libraryId);
  const parts = await Promise.all(
    LIBRARY_RECORD_FILES.map((name) => readFile(join(folder, name), 'utf8').catch(() => '<none>')),
  );
  return parts.join('\n--\n');
}
