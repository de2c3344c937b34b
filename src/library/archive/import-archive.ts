import { randomBytes } from 'node:crypto';
import { close, constants, createWriteStream, fstat, open as fsOpen } from 'node:fs';
import { lstat, mkdir, readdir, rm, rmdir, stat, statfs } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import { promisify } from 'node:util';
import { fromFdPromise, type Entry, type ZipFile } from 'yauzl';
import { AppError, isAppError } from '../../domain';
import { defaultImageConcurrency, inspectImage } from '../../images';
import { fsyncFolder, fsyncFolderAfterCommit } from '../atomic-write';
import { projectRootOf } from '../contained-fs';
import { renameWithRetry } from '../rename-retry';
import { storageFault } from '../storage-fault';
import { makeOutputFolder, readFault, writeRefused } from '../workspace/fs-utils';
import { IMAGE_FILE_NAME } from '../workspace/paths';
import type { TaskControl } from '../workspace/task-control';
import {
  DEFAULT_ARCHIVE_LIMITS,
  PER_FILE_OVERHEAD_BYTES,
  RATIO_CHECK_FROM_BYTES,
  type ArchiveLimits,
} from './archive-limits';
import { checkEntryName, collisionKey, type EntryNameRefusal } from './entry-name';
import { probeProjectFile } from './project-probe';
import { progressEvery } from './progress';

/**
 * Unpacks a project archive into a new folder. The archive is untrusted (it came from elsewhere), so:
 *
 * 1. Before anything is written, the whole central directory is read and judged (see refuse() below for
 *    the reasons and their messages): the declared entry count, every name (entry-name.ts: nothing may
 *    land outside the folder), every entry's kind (links, devices and encrypted entries are refused),
 *    its declared size and compression ratio, the total against the limits and the disk's free space,
 *    names that collide on a disk that ignores case, and that it is a project (a `project.json` at its
 *    top, or in the one folder everything is in). `.studio/` (the cache) and `__MACOSX/` (Finder's
 *    resource forks) are skipped: the cache is rebuilt from the receipts when the project opens.
 * 2. Entries are unpacked one at a time into a hidden temp folder beside the target, each into a new
 *    file (never through anything already there: the folder is the import's own), its bytes counted
 *    against its declared size as they come (yauzl checks the CRC and the size; the count stops a bomb
 *    even where a declared size lies). Every image in the project's content folders is checked as an
 *    import checks one (inspectImage: format, header, a full decode), a few at a time while unpacking
 *    goes on; the first one refused stops the import and names the file.
 * 3. Only when all of it passed is the temp folder renamed to the target (one rename: the project
 *    appears whole or not at all). The target must not exist or be an empty folder (refused up front
 *    otherwise); its missing parent folders are made and removed again on failure.
 *
 * On any refusal, failure or cancel nothing is left behind: the temp folder is removed, folders the
 * import made are removed, an empty target that was there is there again. Refusals are INVALID_INPUT
 * with detail.reason, a refused image IMAGE_REJECTED (its message names the file), disk trouble
 * DISK_FULL, PERMISSION_DENIED or IO_ERROR.
 *
 * The unpacked project keeps its id: an archive is the same project moved or restored. Open it to use it
 * (the results index is rebuilt from the receipts then).
 */
export interface ArchiveImportOptions {
  control?: TaskControl | undefined;
  limits?: Partial<ArchiveLimits> | undefined;
  /** Whose file-name rules apply (entry-name.ts); the running one by default. */
  platform?: NodeJS.Platform | undefined;
}

export interface ArchiveImportReport {
  /** The project folder made (absent when cancelled). */
  dir?: string;
  /** The project's name, from its project.json. */
  name?: string;
  files: number;
  folders: number;
  bytes: number;
  /** Images checked. */
  images: number;
  /** Entries left out: the `.studio/` cache and `__MACOSX/` resource forks. */
  skipped: number;
  cancelled: boolean;
}

/** The project's content folders: every image in them is checked, since the app reads and decodes them. */
const CONTENT_FOLDERS = new Set(['characters', 'poses', 'results', 'trash']);
/** Top-level folders never unpacked: the rebuildable cache, and macOS Finder's resource forks. */
const SKIPPED_FOLDERS = new Set(['.studio', '__MACOSX']);

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

interface Planned {
  entry: Entry;
  parts: string[];
  isFolder: boolean;
}

export async function importProjectArchive(
  file: string,
  dir: string,
  options: ArchiveImportOptions = {},
): Promise<ArchiveImportReport> {
  const limits: ArchiveLimits = { ...DEFAULT_ARCHIVE_LIMITS, ...options.limits };
  const { control } = options;
  if (!isAbsolute(file)) throw new AppError('INVALID_INPUT', 'Choose the archive to import (a full path).');
  if (!isAbsolute(dir))
    throw new AppError('INVALID_INPUT', 'Choose the folder for the imported project (a full path).');
  const archiveName = `“${basename(file)}”`;
  const target = resolve(dir);
  const targetWasEmpty = await checkTarget(target);

  const zip = await openArchive(file, archiveName);
  let temp: string | undefined;
  let madeFolders: string[] = [];
  let removedEmptyTarget = false;
  let committed = false;
  try {
    const { planned, total, skipped } = await readDirectory(zip, archiveName, limits, options.platform);

    const parent = dirname(target);
    madeFolders = await missingFolders(parent);
    await makeOutputFolder(parent, 'the imported project');
    await checkFreeSpace(parent, total, planned.length);

    temp = join(parent, `.${basename(target)}.${randomBytes(6).toString('hex')}.importing`);
    await mkdir(temp, { mode: 0o755 });
    const unpacked = await unpack(zip, planned, temp, archiveName, control);
    if (unpacked === 'cancelled') return cancelledReport(skipped);

    const project = await probeProjectFile(join(temp, 'project.json'));
    if (!project.ok)
      throw refuse(
        'not-a-project',
        `${archiveName} is not a project archive: its project.json ${project.missing ? 'is missing' : `cannot be used (${project.why})`}.`,
      );
    if (control?.signal?.aborted) return cancelledReport(skipped);

    // The commit: one rename. An empty target folder that was there gives way to it.
    await fsyncFolder(temp).catch(() => undefined);
    if (targetWasEmpty) {
      await rmdir(target);
      removedEmptyTarget = true;
    }
    try {
      await renameWithRetry(temp, target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' || code === 'ENOTEMPTY')
        throw new AppError(
          'ALREADY_EXISTS',
          `Something was put at ${target} while the archive was being imported. Nothing was imported.`,
        );
      throw error;
    }
    committed = true;
    await fsyncFolderAfterCommit(parent);
    control?.onProgress?.(unpacked.files, unpacked.files, 0);
    return {
      dir: target,
      name: project.project.name,
      files: unpacked.files,
      folders: unpacked.folders,
      bytes: unpacked.bytes,
      images: unpacked.images,
      skipped,
      cancelled: false,
    };
  } catch (error) {
    if (isAppError(error)) throw error;
    if (storageFault(error) !== undefined)
      throw writeRefused(error, 'the imported project', 'Nothing was imported', 'that folder');
    throw error;
  } finally {
    zip.close();
    if (!committed) {
      if (temp) await rm(temp, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
      if (removedEmptyTarget) await mkdir(target).catch(() => undefined);
      for (const folder of madeFolders.reverse()) await rmdir(folder).catch(() => undefined);
    }
  }
}

const cancelledReport = (skipped: number): ArchiveImportReport => ({
  files: 0,
  folders: 0,
  bytes: 0,
  images: 0,
  skipped,
  cancelled: true,
});

/** A refusal of the archive: INVALID_INPUT with the reason in detail, the message for the person. */
function refuse(reason: string, message: string, detail: Record<string, unknown> = {}): AppError {
  return new AppError('INVALID_INPUT', message, { reason, ...detail });
}

const megabytes = (bytes: number): string =>
  bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GB` : `${Math.ceil(bytes / 1024 ** 2)} MB`;

const NAME_REFUSALS: Record<EntryNameRefusal, string> = {
  outside: 'would land outside the project folder',
  malformed: 'has a name no archiver writes',
  'too-long': 'has a name too long or too deep for the disk',
  'not-portable': 'has a name this computer’s disk cannot hold',
};

/** True when the target is an empty folder; nothing there is fine; anything else is refused up front. */
async function checkTarget(target: string): Promise<boolean> {
  if (projectRootOf(target) !== undefined)
    throw refuse('inside-project', `${target} is inside an open project. Choose a folder outside it.`);
  const info = await lstat(target).catch((error: unknown) => {
    if (storageFault(error) === 'missing') return null;
    throw readFault(error, 'the folder chosen for the project') ?? error;
  });
  if (!info) return false;
  if (!info.isDirectory())
    throw refuse('not-a-folder', `${target} is not a folder. Choose a new folder for the imported project.`);
  if ((await readdir(target)).length > 0)
    throw new AppError(
      'ALREADY_EXISTS',
      `The folder ${target} is not empty. Choose an empty folder, or a new folder name, for the imported project.`,
    );
  return true;
}

/** The folders from `dir` up that are not there yet, outermost first (made by makeOutputFolder). */
async function missingFolders(dir: string): Promise<string[]> {
  const missing: string[] = [];
  for (let current = resolve(dir); ; current = dirname(current)) {
    const there = await stat(current).then(
      () => true,
      () => false,
    );
    if (there || dirname(current) === current) break;
    missing.unshift(current);
  }
  return missing;
}

/**
 * Opens the archive: a regular file only (opened without waiting, so a pipe or a device named as the
 * archive is refused at once), read by yauzl from that very handle.
 */
async function openArchive(file: string, archiveName: string): Promise<ZipFile> {
  // A plain descriptor, not a FileHandle: yauzl closes it when the zip is closed.
  let fd: number;
  try {
    fd = await openFd(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw (
      readFault(error, archiveName, () => new AppError('NOT_FOUND', `There is no file at ${file}.`)) ?? error
    );
  }
  try {
    const info = await fstatFd(fd);
    if (!info.isFile()) throw refuse('not-a-file', `${archiveName} is not a file. Choose a .zip archive.`);
    return await fromFdPromise(fd, {
      lazyEntries: true,
      autoClose: false,
      decodeStrings: true,
      validateEntrySizes: true,
      strictFileNames: false,
    }).catch((error: unknown) => {
      throw damaged(archiveName, error);
    });
  } catch (error) {
    await closeFd(fd).catch(() => undefined);
    throw error;
  }
}

const openFd = promisify(fsOpen);
const fstatFd = promisify(fstat);
const closeFd = promisify(close);

/** A yauzl complaint as the person's error: a damaged archive, or a name that escapes the folder. */
function damaged(archiveName: string, error: unknown): AppError {
  if (isAppError(error)) return error;
  const fault = readFault(error, archiveName);
  if (fault) return fault;
  const said = error instanceof Error ? error.message : String(error);
  if (/^(absolute path|invalid relative path): /.test(said))
    return refuse(
      'unsafe-entry',
      `${archiveName} was refused: an entry would land outside the project folder (“${said.replace(/^[^:]+: /, '').slice(0, 200)}”). Nothing was imported.`,
      { entry: said.replace(/^[^:]+: /, '').slice(0, 1024) },
    );
  if (/too many bytes in the stream|too few bytes|unexpected number of bytes/.test(said))
    return refuse(
      'size-mismatch',
      `${archiveName} was refused: an entry holds a different amount of data than it declares (a damaged archive, or a zip bomb). Nothing was imported.`,
    );
  return refuse(
    'damaged',
    `${archiveName} cannot be read as a zip archive: it is damaged or cut short (${said.slice(0, 200)}). Nothing was imported.`,
  );
}

/**
 * Reads and judges the whole central directory before anything is written. Returns what to unpack (the
 * project's own entries, any top folder stripped), the declared total and how many entries were skipped.
 */
async function readDirectory(
  zip: ZipFile,
  archiveName: string,
  limits: ArchiveLimits,
  platform: NodeJS.Platform | undefined,
): Promise<{ planned: Planned[]; total: number; skipped: number }> {
  if (zip.entryCount > limits.maxEntries)
    throw refuse(
      'too-many-entries',
      `${archiveName} was refused: it declares ${zip.entryCount.toLocaleString('en')} entries, more than a project archive holds (at most ${limits.maxEntries.toLocaleString('en')}). Nothing was imported.`,
      { entries: zip.entryCount, maxEntries: limits.maxEntries },
    );
  const all: Planned[] = [];
  let total = 0;
  const unsafe = (name: string, why: string, reason = 'unsafe-entry') =>
    refuse(
      reason,
      `${archiveName} was refused: the entry “${name.slice(0, 200)}” ${why}. Nothing was imported.`,
      {
        entry: name.slice(0, 1024),
      },
    );
  try {
    for await (const entry of zip.eachEntry()) {
      const name = entry.fileName;
      const checked = checkEntryName(name, platform);
      if (!checked.ok) throw unsafe(name, NAME_REFUSALS[checked.reason]);
      const type = (entry.externalFileAttributes >>> 16) & S_IFMT;
      if (type === S_IFLNK) throw unsafe(name, 'is a link (an archive may hold only files and folders)');
      if (type !== 0 && type !== S_IFREG && type !== S_IFDIR)
        throw unsafe(name, 'is a device or other special file (an archive may hold only files and folders)');
      if (type === S_IFDIR && !checked.isFolder) throw unsafe(name, 'is a folder without a folder’s name');
      if (entry.isEncrypted()) throw unsafe(name, 'is encrypted', 'unsupported-entry');
      if (!entry.canDecodeFileData())
        throw unsafe(
          name,
          'is compressed in a way the app cannot read (only stored and deflated)',
          'unsupported-entry',
        );
      if (!checked.isFolder) {
        const size = entry.uncompressedSize;
        if (size > limits.maxEntryBytes)
          throw unsafe(
            name,
            `declares ${megabytes(size)}, more than any file of a project (at most ${megabytes(limits.maxEntryBytes)})`,
            'too-large',
          );
        if (
          size >= RATIO_CHECK_FROM_BYTES &&
          size > Math.max(1, entry.compressedSize) * limits.maxCompressionRatio
        )
          throw unsafe(
            name,
            `inflates ${Math.round(size / Math.max(1, entry.compressedSize))} times over (a zip bomb; project files inflate at most ${limits.maxCompressionRatio} times)`,
            'too-large',
          );
        total += size;
        if (total > limits.maxTotalBytes)
          throw refuse(
            'too-large',
            `${archiveName} was refused: it unpacks to more than ${megabytes(limits.maxTotalBytes)}, more than the app unpacks. Nothing was imported.`,
            { maxTotalBytes: limits.maxTotalBytes },
          );
      }
      all.push({ entry, parts: checked.parts, isFolder: checked.isFolder });
    }
  } catch (error) {
    throw damaged(archiveName, error);
  }

  // A project at the top, or in the one folder that holds everything (a folder zipped by hand).
  const isProjectFile = (p: Planned) => !p.isFolder && p.parts.length === 1 && p.parts[0] === 'project.json';
  let strip = 0;
  if (!all.some(isProjectFile)) {
    const top = all[0]?.parts[0];
    const oneFolder =
      top !== undefined &&
      all.every((p) => p.parts[0] === top && (p.parts.length > 1 || p.isFolder)) &&
      all.some((p) => !p.isFolder && p.parts.length === 2 && p.parts[1] === 'project.json');
    if (!oneFolder)
      throw refuse(
        'not-a-project',
        `${archiveName} is not a project archive: there is no project.json at its top. Nothing was imported.`,
      );
    strip = 1;
  }

  const planned: Planned[] = [];
  let skipped = 0;
  const files = new Set<string>();
  const folders = new Set<string>();
  for (const p of all) {
    const parts = p.parts.slice(strip);
    if (parts.length === 0) continue;
    if (SKIPPED_FOLDERS.has(parts[0] as string)) {
      skipped++;
      continue;
    }
    const key = collisionKey(parts);
    if (p.isFolder) {
      if (files.has(key)) throw unsafe(p.entry.fileName, 'is both a file and a folder');
      folders.add(key);
    } else {
      if (files.has(key))
        throw unsafe(
          p.entry.fileName,
          'is in the archive twice (or twice in letters that differ only in case)',
        );
      if (folders.has(key)) throw unsafe(p.entry.fileName, 'is both a file and a folder');
      files.add(key);
    }
    for (let depth = 1; depth < parts.length; depth++) folders.add(collisionKey(parts.slice(0, depth)));
    planned.push({ ...p, parts });
  }
  // A file whose name a later entry uses as a folder.
  for (const key of files) if (folders.has(key)) throw unsafe(key, 'is both a file and a folder');
  return { planned, total, skipped };
}

/** Refuses an archive larger than the free space of the disk it would go to, before writing any of it. */
async function checkFreeSpace(parent: string, total: number, entries: number): Promise<void> {
  const fs = await statfs(parent).catch(() => null);
  if (!fs) return;
  const free = fs.bavail * fs.bsize;
  const needed = total + entries * PER_FILE_OVERHEAD_BYTES;
  if (needed > free)
    throw new AppError(
      'DISK_FULL',
      `The archive unpacks to ${megabytes(needed)} and the disk has ${megabytes(free)} free. Nothing was imported: free some space, or choose another disk.`,
    );
}

interface Unpacked {
  files: number;
  folders: number;
  bytes: number;
  images: number;
}

/**
 * Unpacks the planned entries into `root` (the import's own new folder), checking images as they land.
 * 'cancelled' when the signal fired (the caller removes the folder).
 */
async function unpack(
  zip: ZipFile,
  planned: Planned[],
  root: string,
  archiveName: string,
  control: TaskControl | undefined,
): Promise<Unpacked | 'cancelled'> {
  const signal = control?.signal;
  const fileCount = planned.filter((p) => !p.isFolder).length;
  const done: Unpacked = { files: 0, folders: 0, bytes: 0, images: 0 };
  const tick = progressEvery(250, () => control?.onProgress?.(done.files, fileCount, 0));
  tick();
  const made = new Set<string>();
  const makeFolders = async (parts: string[]) => {
    for (let depth = 1; depth <= parts.length; depth++) {
      const rel = parts.slice(0, depth).join('/');
      if (made.has(rel)) continue;
      await mkdir(join(root, ...parts.slice(0, depth)), { mode: 0o755 }).catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      });
      made.add(rel);
    }
  };

  // Image checks run a few at a time beside the unpacking; the first refusal stops everything.
  const checks = new Set<Promise<void>>();
  let refused: unknown;
  const check = async (path: string, rel: string) => {
    while (checks.size >= defaultImageConcurrency()) await Promise.race(checks);
    const running: Promise<void> = inspectImage(path, { fileName: rel })
      .then(() => {
        done.images++;
      })
      .catch((error: unknown) => {
        refused ??= error;
      })
      .finally(() => checks.delete(running));
    checks.add(running);
  };
  const throwIfRefused = () => {
    if (refused === undefined) return;
    if (isAppError(refused) && refused.code === 'IMAGE_REJECTED')
      throw new AppError(
        'IMAGE_REJECTED',
        `${archiveName} was not imported: ${refused.message}`,
        refused.detail,
      );
    throw refused;
  };

  try {
    for (const p of planned) {
      if (signal?.aborted) return 'cancelled';
      throwIfRefused();
      if (p.isFolder) {
        await makeFolders(p.parts);
        done.folders++;
        continue;
      }
      await makeFolders(p.parts.slice(0, -1));
      const path = join(root, ...p.parts);
      const rel = p.parts.join('/');
      const written = await writeEntry(zip, p.entry, path, signal);
      if (written === 'cancelled') return 'cancelled';
      done.bytes += written;
      done.files++;
      tick();
      if (CONTENT_FOLDERS.has(p.parts[0] as string) && IMAGE_FILE_NAME.test(rel)) await check(path, rel);
    }
    await Promise.all(checks);
    throwIfRefused();
    return signal?.aborted ? 'cancelled' : done;
  } catch (error) {
    if (signal?.aborted) return 'cancelled';
    // The disk refusing a write is said as such by the caller; anything else is the archive's fault.
    if (storageFault(error) !== undefined) throw error;
    throw damaged(archiveName, error);
  } finally {
    await Promise.all(checks);
  }
}

/**
 * One entry into a new file (O_EXCL: never through anything already there), fsynced. The bytes are
 * counted as they come: more than declared stops at once, whatever the archive's headers say; and their
 * CRC-32 must be the one the archive recorded.
 */
async function writeEntry(
  zip: ZipFile,
  entry: Entry,
  path: string,
  signal: AbortSignal | undefined,
): Promise<number | 'cancelled'> {
  const declared = entry.uncompressedSize;
  const source = await zip.openReadStreamPromise(entry);
  let count = 0;
  let crc = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      count += chunk.length;
      if (count > declared) return callback(new Error('too many bytes in the stream'));
      crc = crc32(chunk, crc);
      callback(null, chunk);
    },
  });
  try {
    // 'wx': a new file, never through anything already there; `flush`: fsynced before it is closed.
    const out = createWriteStream(path, { flags: 'wx', mode: 0o644, flush: true });
    await pipeline(source, limit, out, signal ? { signal } : {});
  } catch (error) {
    if (signal?.aborted) return 'cancelled';
    throw error;
  }
  if (count !== declared) throw new Error('too few bytes in the stream');
  // yauzl does not check the CRC: a flipped bit in a receipt would otherwise get in unnoticed.
  if (crc !== entry.crc32) throw new Error('the checksum of an entry does not match its data');
  return count;
}
