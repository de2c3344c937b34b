import { randomBytes } from 'node:crypto';
import { constants, createWriteStream, type Dirent } from 'node:fs';
import { copyFile, link, lstat, open, opendir, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import { AppError } from '../../domain';
import { fsyncFolderAfterCommit, targetOfTempName } from '../atomic-write';
import { ProjectLayout } from '../project-layout';
import { renameWithRetry } from '../rename-retry';
import { storageFault } from '../storage-fault';
import { makeOutputFolder, removeWithRetry, writeRefused } from '../workspace/fs-utils';
import { refuseProjectContent } from '../workspace/export';
import type { TaskControl } from '../workspace/task-control';
import { readProjectProbe } from './project-probe';
import { progressEvery } from './progress';

/**
 * The whole project as one zip: every file and folder of the project folder except `.studio/` (the
 * rebuildable cache: thumbnails, the results index, the lock; the receipts are the truth and the index is
 * rebuilt from them when the unpacked project first opens).
 *
 * The zip library is yazl (with yauzl to read, import-archive.ts): both are small, have no native parts
 * (esbuild bundles them into main and the CLI as they are), are maintained by one author as a pair, and
 * stream. yazl writes each entry as its data goes by and keeps only the central directory (a few hundred
 * bytes an entry) in memory; archiver pulls in a dozen packages for the same, jszip and adm-zip hold the
 * whole archive in memory, fflate has no streaming reader with yauzl's size and name checks.
 *
 * Promised:
 * - Memory stays bounded whatever the project's size: files are added one at a time and the next is opened
 *   only when the last has gone into the zip, which moves only as fast as the disk takes the output.
 * - No half zip: the archive is written to a hidden temp file beside `file`, fsynced, and only then given
 *   its name (never replacing a file unless `overwrite`). A failure or a cancel removes the temp file.
 * - What is left out is said: links (never followed: the archive holds the project, not what a link
 *   points at), pipes and devices, and temp files of an interrupted save.
 * - Images are stored as they are (they are compressed already), JSON is deflated.
 *
 * Not promised: a snapshot of a project that is being changed meanwhile. Every file in the archive is
 * whole (each is read through one open handle, and the app replaces files by rename), but a result that
 * arrives during the export may or may not be in it.
 */
export interface ArchiveExportOptions {
  overwrite?: boolean | undefined;
  control?: TaskControl | undefined;
}

export interface ArchiveExportReport {
  /** The archive written (absent when cancelled). */
  file?: string;
  /** Files and folders in the archive. */
  files: number;
  folders: number;
  /** Bytes of the files before compression. */
  bytes: number;
  /** What was left out, and why (at most 100 named; `skippedCount` counts them all). */
  skipped: { file: string; reason: string }[];
  skippedCount: number;
  cancelled: boolean;
}

interface Planned {
  rel: string;
  abs: string;
  folder: boolean;
}

const STORED_AS_IS = /\.(png|jpe?g|webp|avif|gif|heic|heif|zip)$/i;
const MAX_SKIPPED_NAMED = 100;

export async function exportProjectArchive(
  projectDir: string,
  file: string,
  options: ArchiveExportOptions = {},
): Promise<ArchiveExportReport> {
  const { control } = options;
  if (!isAbsolute(file))
    throw new AppError('INVALID_INPUT', 'Choose where to save the archive (a full path).');
  const layout = new ProjectLayout(resolve(projectDir));
  await readProjectProbe(layout.root, layout.projectFile);
  const target = file.toLowerCase().endsWith('.zip') ? resolve(file) : `${resolve(file)}.zip`;
  await refuseProjectContent(layout.root, target, 'The archive');
  const dir = await makeOutputFolder(dirname(target), 'the archive');
  const existing = await lstat(target).catch(() => null);
  if (existing?.isDirectory())
    throw new AppError('INVALID_INPUT', `${target} is a folder. Choose a file name for the archive.`, {
      reason: 'not-a-file',
    });
  if (existing && !options.overwrite)
    throw new AppError('ALREADY_EXISTS', `There is already a file at ${target}. Nothing was replaced.`);

  const temp = join(dir, `.${basename(target)}.${randomBytes(6).toString('hex')}.partial`);
  const skipped: ArchiveExportReport['skipped'] = [];
  let skippedCount = 0;
  const skip = (rel: string, reason: string): undefined => {
    skippedCount++;
    if (skipped.length < MAX_SKIPPED_NAMED) skipped.push({ file: rel, reason });
  };
  const planned = await plan(layout, new Set([target, temp]), skip);
  const fileCount = planned.filter((p) => !p.folder).length;
  const report = (done: number) => control?.onProgress?.(done, fileCount, 0);
  report(0);

  const aborted = () => control?.signal?.aborted === true;
  if (aborted()) return { files: 0, folders: 0, bytes: 0, skipped, skippedCount, cancelled: true };

  const zip = new ZipFile();
  // The first error of the zip or of the output; waits below race it, so a full disk never leaves one
  // waiting for a file that the zip will no longer read.
  // (Not Promise.race over one long-lived promise: each race would leave a reaction on it, per file.)
  const waiting: Waiting = { failure: undefined, reject: undefined };
  const failed = (error: unknown) => {
    waiting.failure ??= error;
    waiting.reject?.(waiting.failure);
  };
  zip.on('error', failed);
  const onAbort = () => failed(new Cancelled());
  control?.signal?.addEventListener('abort', onAbort, { once: true });

  let files = 0;
  let folders = 0;
  let bytes = 0;
  try {
    // `flush`: the file is fsynced before it is closed, so the rename below publishes a whole file.
    const written = pipeline(
      zip.outputStream,
      createWriteStream(temp, { flags: 'wx', mode: 0o644, flush: true }),
    );
    written.catch(failed);
    const tick = progressEvery(250, () => report(files));

    for (const entry of planned) {
      if (waiting.failure !== undefined) break;
      if (entry.folder) {
        zip.addEmptyDirectory(entry.rel);
        folders++;
        continue;
      }
      const added = await addFile(zip, entry, skip, waiting);
      if (added !== undefined) bytes += added;
      files++;
      tick();
    }
    if (waiting.failure !== undefined) throw waiting.failure;
    zip.end();
    await new Promise<void>((resolveWritten, reject) => {
      waiting.reject = reject;
      if (waiting.failure !== undefined) reject(waiting.failure);
      written.then(resolveWritten, reject);
    });
    await commit(temp, target, options.overwrite === true);
    await fsyncFolderAfterCommit(dir);
    report(fileCount);
    return { file: target, files, folders, bytes, skipped, skippedCount, cancelled: false };
  } catch (error) {
    if (error instanceof Cancelled)
      return { files: 0, folders: 0, bytes: 0, skipped, skippedCount, cancelled: true };
    throw writeRefused(error, 'the archive', 'Nothing was changed', 'that folder');
  } finally {
    control?.signal?.removeEventListener('abort', onAbort);
    (zip.outputStream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
    await removeWithRetry(temp);
  }
}

class Cancelled extends Error {}

/**
 * The stream for yazl, handed over once and then forgotten. yazl keeps each entry's pump function until
 * the archive ends; with addReadStream, or a closure made inside addFile (whose scope V8 shares with the
 * other closures there), that would keep every file's stream and handle alive: 2 KB a file, measured.
 */
function handOverOnce(stream: Readable): (give: (error: null, stream: Readable) => void) => void {
  let kept: Readable | undefined = stream;
  return (give) => {
    const given = kept as Readable;
    kept = undefined;
    give(null, given);
  };
}

/** The first error of the zip or its output, and the wait it must end at once. */
interface Waiting {
  failure: unknown;
  reject: ((error: unknown) => void) | undefined;
}

/**
 * Adds one file and waits until the zip has read all of it (so at most one file is open and in memory at
 * a time). Opened without following a link, and checked on the handle: a link or a pipe swapped in since
 * the walk is left out, not read. A file gone since the walk is left out too. Returns its size, or
 * undefined when it was left out.
 */
async function addFile(
  zip: ZipFile,
  entry: Planned,
  skip: (rel: string, reason: string) => undefined,
  waiting: Waiting,
): Promise<number | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(
      entry.abs,
      constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0),
    );
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return skip(entry.rel, 'removed during the export');
    if (code === 'ELOOP') return skip(entry.rel, 'a link (links are not followed)');
    throw error;
  }
  let closeHandle = true;
  try {
    const info = await handle.stat();
    if (!info.isFile()) return skip(entry.rel, 'not a file');
    // `end` sizes the read buffers to the file: a receipt of 2 KB is read into 2 KB, not 64 KB.
    const stream = handle.createReadStream({ autoClose: true, start: 0, end: Math.max(0, info.size - 1) });
    closeHandle = false;
    // Settles when the zip has read the whole file, or at the first error of the zip or the output.
    const done = new Promise<void>((resolveDone, reject) => {
      stream.once('close', resolveDone);
      stream.once('error', reject);
      waiting.reject = reject;
      if (waiting.failure !== undefined) reject(waiting.failure);
    });
    const options = {
      size: info.size,
      mtime: info.mtime,
      mode: 0o100644,
      compress: !STORED_AS_IS.test(entry.rel),
    };
    zip.addReadStreamLazy(entry.rel, options, handOverOnce(stream));
    try {
      await done;
    } catch (error) {
      stream.destroy();
      throw error;
    }
    return info.size;
  } finally {
    if (closeHandle) await handle.close().catch(() => undefined);
  }
}

/**
 * Everything the archive will hold, in a stable order (folders before what is in them, names sorted), as
 * `/`-separated paths relative to the project root. Left out: `.studio/`, the archive itself and its temp
 * file (an archive may be saved inside the project folder, "My book/Backups"), links, special files and
 * atomic-write temp files a crash left behind.
 */
async function plan(
  layout: ProjectLayout,
  leaveOut: Set<string>,
  skip: (rel: string, reason: string) => void,
): Promise<Planned[]> {
  const planned: Planned[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    const entries: Dirent[] = [];
    const handle = await opendir(dir);
    for await (const entry of handle) entries.push(entry);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const abs = join(dir, entry.name);
      const rel = `${prefix}${entry.name}`;
      if (abs === layout.studioDir || leaveOut.has(abs)) continue;
      if (entry.isSymbolicLink()) {
        skip(rel, 'a link (links are not followed)');
      } else if (entry.isDirectory()) {
        planned.push({ rel, abs, folder: true });
        await walk(abs, `${rel}/`);
      } else if (!entry.isFile()) {
        skip(rel, 'not a file (a pipe, socket or device)');
      } else if (targetOfTempName(entry.name) !== undefined) {
        skip(rel, 'left by an interrupted save');
      } else {
        planned.push({ rel, abs, folder: false });
      }
    }
  };
  try {
    await walk(layout.root, '');
  } catch (error) {
    if (storageFault(error) === 'missing')
      throw new AppError('NOT_FOUND', 'A folder of the project was removed while the export was starting.');
    throw error;
  }
  return planned;
}

/**
 * Gives the finished temp file its name. Without `overwrite`, link() refuses a name taken even a moment
 * ago (a rename would replace it); a disk without hard links gets an exclusive copy instead.
 */
async function commit(temp: string, target: string, overwrite: boolean): Promise<void> {
  if (overwrite) return renameWithRetry(temp, target);
  try {
    await link(temp, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST')
      throw new AppError('ALREADY_EXISTS', `There is already a file at ${target}. Nothing was replaced.`);
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'].includes(code)) throw error;
    await copyFile(temp, target, constants.COPYFILE_EXCL);
  }
  await rm(temp, { force: true });
}
