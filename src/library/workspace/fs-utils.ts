import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, link, mkdir, open, realpath, rename, rm, stat, statfs } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { AppError, isAppError } from '../../domain';
import { storageFault } from '../storage-fault';
import { fsyncFolderAfterCommit } from '../atomic-write';
import { assertInsideProject, isInsideProject, listFolderInside, makeFolderInside } from '../contained-fs';

/** `a/b/c` relative to the project root, always with forward slashes (what the JSON and the UI use). */
export const toProjectPath = (root: string, absolute: string): string =>
  relative(root, absolute).split(sep).join('/');

/**
 * The entries of a folder, or [] when it does not exist. A folder of an open project that leads out of it
 * through a link (or round in a loop) is never listed: PROJECT_DAMAGED (listFolderInside, contained-fs.ts).
 */
export async function listDir(dir: string): Promise<string[]> {
  return listFolderInside(dir);
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    // Only a path that is not there is "not there": an I/O or permission error must not be taken for
    // absence (trash.list would drop the entry, a restore would delete files it failed to see).
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP' || code === 'ENAMETOOLONG') return false;
    throw error;
  }
}

/**
 * Moves a file or folder inside the project (one file system, so a rename: atomic, nothing copied). Both
 * ends must really be inside the project (contained-fs.ts): a folder on either side that leads out of it
 * through a link is refused with PROJECT_DAMAGED before anything moves. The moved entry itself may be a
 * link: a rename moves the link, never what it points at.
 */
export async function moveInto(from: string, to: string): Promise<void> {
  await assertInsideProject(dirname(from));
  await makeFolderInside(dirname(to));
  await rename(from, to);
}

/**
 * Removes a file, ignoring one that is already gone: used to roll back a step that failed. A path whose
 * folder leads out of its project through a link is left alone (nothing outside is removed); the entry
 * itself may be a link, which rm removes without following.
 */
export const removeQuietly = async (path: string): Promise<void> => {
  if (!(await isInsideProject(dirname(path)).catch(() => false))) return;
  await rm(path, { force: true, recursive: true }).catch(() => undefined);
};

// -- what a file-system error means ---------------------------------------------------------------

// The errno table (storageFault) lives in library/storage-fault.ts, below the contained read path that
// needs it too; it is re-exported here, where its importers have always found it.
export { storageFault, type StorageFault } from '../storage-fault';

/** True for errors that mean "this computer will not let us write": stop the whole operation. */
export function isEnvironmentError(error: unknown): boolean {
  if (isAppError(error)) return ['DISK_FULL', 'PERMISSION_DENIED', 'PROJECT_READ_ONLY'].includes(error.code);
  const fault = storageFault(error);
  return fault === 'full' || fault === 'denied' || fault === 'read-only';
}

/**
 * A write that the disk or the OS refused, as the error the person sees. `what` says what was being
 * saved ("the pose library", "the export"), `kept` what is still safe, `place` where it was going.
 */
export function writeRefused(
  error: unknown,
  what: string,
  kept = 'Nothing was lost',
  place = 'the project folder',
): AppError {
  if (isAppError(error)) return error;
  switch (storageFault(error)) {
    case 'full':
      return new AppError(
        'DISK_FULL',
        `The disk is full, so ${what} could not be saved. ${kept}: free some space and try again.`,
      );
    case 'read-only':
      return new AppError(
        'PERMISSION_DENIED',
        `The disk holding ${place} is read-only, so ${what} could not be saved. ${kept}.`,
      );
    case 'denied':
      return new AppError(
        'PERMISSION_DENIED',
        `The app is not allowed to write into ${place}, so ${what} could not be saved. ${kept}: check the folder’s permissions.`,
      );
    case 'missing':
      return new AppError(
        'NOT_FOUND',
        `A folder was removed while ${what} was being saved. ${kept}: try again.`,
      );
    case 'name-too-long':
      return new AppError(
        'INVALID_INPUT',
        `A name is too long for the disk, so ${what} could not be saved. ${kept}: choose a shorter name or folder.`,
        { reason: 'name-too-long' },
      );
    default:
      return new AppError('IO_ERROR', `The disk could not save ${what}. ${kept}: try again.`);
  }
}

/**
 * A read the disk or the OS refused, as the error the person sees, or undefined when `error` is not a
 * file-system error (the caller rethrows it). `what` names what was read ("this result’s image");
 * `missing` is the caller's own NOT_FOUND for a file that is not there, used only for ENOENT/ENOTDIR.
 * EACCES/EPERM are PERMISSION_DENIED, ENOSPC DISK_FULL (a disk may say so when a read updates its
 * access time); every other code (EIO, EBUSY, ...) is IO_ERROR, never "missing".
 */
export function readFault(
  error: unknown,
  what: string,
  missing?: () => AppError,
  kept = 'Nothing was changed',
): AppError | undefined {
  if (isAppError(error)) return error;
  const fault = storageFault(error);
  if (fault === undefined) return undefined;
  if (fault === 'missing' && missing) return missing();
  if (fault === 'denied')
    return new AppError(
      'PERMISSION_DENIED',
      `The app is not allowed to read ${what}. ${kept}: check the file’s permissions.`,
    );
  if (fault === 'full')
    return new AppError(
      'DISK_FULL',
      `The disk is full, so ${what} could not be read. ${kept}: free some space and try again.`,
    );
  return diskCouldNotRead(what, kept);
}

const diskCouldNotRead = (what: string, kept = 'Nothing was changed'): AppError =>
  new AppError('IO_ERROR', `The disk could not read ${what}. ${kept}: try again.`);

/** Runs `work`; a refused write becomes the person's error (DISK_FULL, PERMISSION_DENIED, IO_ERROR). */
export async function guardWrite<T>(what: string, work: () => Promise<T>, kept?: string): Promise<T> {
  try {
    return await work();
  } catch (error) {
    // Missing and taken names pass through as they are: callers catch ENOENT and EEXIST themselves.
    if (isEnvironmentError(error) || storageFault(error) === 'io') throw writeRefused(error, what, kept);
    throw error;
  }
}

/**
 * Writes a file that must not replace anything: whole (temp file beside it, fsynced), then given its name
 * with link(), which fails with EEXIST when the name is taken, even by a file that appeared a moment ago,
 * where a rename would silently replace it. The temp name is then removed and the folder fsynced. On a
 * file system without hard links (FAT, exFAT, some network shares) a copy with COPYFILE_EXCL still never
 * replaces, though a reader could glimpse it half copied. On any failure the temp file is removed
 * (removeWithRetry); one that still cannot be removed is added to `leftovers`, for the caller to sweep
 * when its work is done (the folder is the person's: no hidden temp file may stay there).
 */
export async function writeNewFileAtomic(
  file: string,
  data: string | Uint8Array,
  options: { leftovers?: Set<string> } = {},
): Promise<void> {
  const dir = dirname(file);
  await makeFolderInside(dir);
  const temp = join(dir, `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await link(temp, file).catch(async (error: NodeJS.ErrnoException) => {
      if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'].includes(error.code ?? '')) throw error;
      await copyFile(temp, file, constants.COPYFILE_EXCL);
    });
  } finally {
    if (!(await removeWithRetry(temp))) options.leftovers?.add(temp);
  }
  await fsyncFolderAfterCommit(dir);
}

/**
 * Removes a file (one that is already gone counts as removed), trying again twice after a short pause when
 * the removal fails: a virus scanner or sync tool holding the file, a disk that failed one call. False
 * when it could not be removed; never throws.
 */
export async function removeWithRetry(
  path: string,
  pausesMs: readonly number[] = [10, 50],
): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rm(path, { force: true });
      return true;
    } catch {
      const pause = pausesMs[attempt];
      if (pause === undefined) return false;
      await new Promise((done) => setTimeout(done, pause));
    }
  }
}

/**
 * Where `path` really is, though it (or its folders) may not exist yet: the real path of its nearest
 * existing ancestor, links resolved, with the rest appended. What an output path must be judged by, so a
 * link to a folder cannot smuggle a write somewhere else.
 */
export async function realLocation(path: string): Promise<string> {
  const absolute = resolve(path);
  const rest: string[] = [];
  let current = absolute;
  for (;;) {
    try {
      return join(await realpath(current), ...rest);
    } catch (error) {
      const parent = dirname(current);
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === current) return absolute;
      rest.unshift(basename(current));
      current = parent;
    }
  }
}

// -- output folders the person chose ---------------------------------------------------------------

/** At most this many missing folders are created for one output path (each level is one mkdir). */
export const MAX_NEW_OUTPUT_FOLDERS = 32;

/**
 * Linux file systems that show the kernel's state as files (f_type from statfs): no output belongs there,
 * and some answer mkdir in ways Node's recursive mkdir never gets out of.
 */
const KERNEL_FILE_SYSTEMS = new Map<number, string>([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x1cd1, 'devpts'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0xcafe4a11, 'bpf'],
  [0x6165676c, 'pstore'],
  [0x62656570, 'configfs'],
  [0xde5e81e4, 'efivarfs'],
  [0xf97cff8c, 'selinuxfs'],
  [0x42494e4d, 'binfmt_misc'],
  [0x65735543, 'fusectl'],
  [0x19800202, 'mqueue'],
  [0x6e736673, 'nsfs'],
]);

/**
 * Makes sure `dir`, a folder the person chose for output (an export, a contact sheet's folder, a new
 * project), is there and is a folder on a real disk, creating what is missing one level at a time.
 * Returns its absolute path. Node's `mkdir({ recursive: true })` is not used: under /proc a mkdir answers
 * ENOENT though the parent exists, and Node's recursion goes back up and down for ever (a thread spinning
 * at 100%). Here every step is bounded and every refusal is typed:
 * - a file, device or pipe where a folder belongs: INVALID_INPUT, detail.reason 'not-a-folder';
 * - a folder on a kernel file system (/proc, /sys, ...): INVALID_INPUT, 'special-file-system';
 * - a parent that is there but takes no new folder (mkdir answers ENOENT): INVALID_INPUT, 'cannot-create';
 * - a name too long for the disk: INVALID_INPUT, 'name-too-long'; more than MAX_NEW_OUTPUT_FOLDERS
 *   missing levels: INVALID_INPUT, 'too-deep'; a link loop: INVALID_INPUT, 'link-loop';
 * - a refused or failed write: DISK_FULL, PERMISSION_DENIED or IO_ERROR (writeRefused).
 * `what` names the output ("the export", "the contact sheet", "the project"); `kept` what is still safe.
 */
export async function makeOutputFolder(
  dir: string,
  what: string,
  kept = 'Nothing was changed',
): Promise<string> {
  const absolute = resolve(dir);
  const refuse = (reason: string, message: string, path = absolute) =>
    new AppError('INVALID_INPUT', message, { reason, path });
  const failed = (error: unknown, path: string): AppError => {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP')
      return refuse('link-loop', `“${path}” is a link that leads round in a circle. Choose another folder.`);
    if (storageFault(error) === 'name-too-long')
      return refuse(
        'name-too-long',
        `A folder name in “${shorten(absolute)}” is too long for the disk. Choose a shorter name.`,
      );
    return writeRefused(error, what, kept, 'that folder');
  };

  // Up from `absolute` to the nearest thing that is there.
  const toMake: string[] = [];
  let current = absolute;
  for (;;) {
    let info: Awaited<ReturnType<typeof stat>> | undefined;
    try {
      info = await stat(current);
    } catch (error) {
      if (storageFault(error) !== 'missing') throw failed(error, current);
    }
    if (info) {
      if (!info.isDirectory())
        throw refuse(
          'not-a-folder',
          `“${shorten(current)}” is a file, not a folder, so ${what} cannot go there. Choose a folder.`,
          current,
        );
      break;
    }
    const parent = dirname(current);
    if (parent === current) throw refuse('cannot-create', `There is no folder at “${shorten(absolute)}”.`);
    toMake.unshift(current);
    if (toMake.length > MAX_NEW_OUTPUT_FOLDERS)
      throw refuse(
        'too-deep',
        `“${shorten(absolute)}” needs more than ${MAX_NEW_OUTPUT_FOLDERS} new folders. Choose a folder nearer one that exists.`,
      );
    current = parent;
  }
  await refuseKernelFileSystem(current, what, refuse);

  for (const level of toMake) {
    try {
      await mkdir(level);
    } catch (error) {
      const fault = storageFault(error);
      if (fault === 'exists') {
        // Made meanwhile (another window, the person): fine if it is a folder.
        const info = await stat(level).catch((e: unknown) => {
          throw failed(e, level);
        });
        if (info.isDirectory()) continue;
        throw refuse(
          'not-a-folder',
          `“${shorten(level)}” is a file, not a folder, so ${what} cannot go there. Choose a folder.`,
          level,
        );
      }
      if (fault === 'missing')
        throw refuse(
          'cannot-create',
          `No folder can be made in “${shorten(dirname(level))}”. Choose a folder on a disk.`,
          level,
        );
      throw failed(error, level);
    }
  }
  return absolute;
}

async function refuseKernelFileSystem(
  existing: string,
  what: string,
  refuse: (reason: string, message: string, path?: string) => AppError,
): Promise<void> {
  if (process.platform !== 'linux') return;
  const info = await statfs(existing).catch(() => undefined); // unknown: let the writes answer
  const kind = info ? KERNEL_FILE_SYSTEMS.get(Number(info.type)) : undefined;
  if (kind === undefined) return;
  throw refuse(
    'special-file-system',
    `“${shorten(existing)}” is not on a disk (it is the system’s ${kind} file system), so ${what} cannot go there. Choose another folder.`,
    existing,
  );
}

/** A path as a message shows it: at most about 120 characters, its end kept (the part the person chose). */
const shorten = (path: string): string => (path.length <= 120 ? path : `…${path.slice(-119)}`);
