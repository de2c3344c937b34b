import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, link, mkdir, open, readdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { AppError, isAppError } from '../../domain';
import { fsyncFolderAfterCommit } from '../atomic-write';

/** `a/b/c` relative to the project root, always with forward slashes (what the JSON and the UI use). */
export const toProjectPath = (root: string, absolute: string): string =>
  relative(root, absolute).split(sep).join('/');

/** The entries of a folder, or [] when it does not exist. */
export async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
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

/** Moves a file or folder inside the project (one file system, so a rename: atomic, nothing copied). */
export async function moveInto(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  await rename(from, to);
}

/** Removes a file, ignoring one that is already gone: used to roll back a step that failed. */
export const removeQuietly = (path: string): Promise<void> =>
  rm(path, { force: true, recursive: true }).catch(() => undefined);

/** True for errors that mean "this computer will not let us write": stop the whole operation. */
export function isEnvironmentError(error: unknown): boolean {
  if (isAppError(error)) return ['DISK_FULL', 'PERMISSION_DENIED', 'PROJECT_READ_ONLY'].includes(error.code);
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'EACCES' || code === 'EPERM' || code === 'EROFS';
}

/**
 * A write that the disk or the OS refused (see isEnvironmentError), as the error the person sees. `what` says what was being
 * saved ("the pose library", "the export"), `kept` what is still safe.
 */
export function writeRefused(error: unknown, what: string, kept = 'Nothing was lost'): AppError {
  if (isAppError(error)) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new AppError(
      'DISK_FULL',
      `The disk is full, so ${what} could not be saved. ${kept}: free some space and try again.`,
    );
  }
  if (code === 'EROFS') {
    return new AppError(
      'PERMISSION_DENIED',
      `The disk holding the project is read-only, so ${what} could not be saved. ${kept}.`,
    );
  }
  return new AppError(
    'PERMISSION_DENIED',
    `The app is not allowed to write into the project folder, so ${what} could not be saved. ${kept}: check the folder’s permissions.`,
  );
}

/** Runs `work`; a refused write becomes the person's error (DISK_FULL, PERMISSION_DENIED). */
export async function guardWrite<T>(what: string, work: () => Promise<T>, kept?: string): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isEnvironmentError(error)) throw writeRefused(error, what, kept);
    throw error;
  }
}

/**
 * Writes a file that must not replace anything: whole (temp file beside it, fsynced), then given its name
 * with link(), which fails with EEXIST when the name is taken, even by a file that appeared a moment ago,
 * where a rename would silently replace it. The temp name is then removed and the folder fsynced. On a
 * file system without hard links (FAT, exFAT, some network shares) a copy with COPYFILE_EXCL still never
 * replaces, though a reader could glimpse it half copied. On any failure the temp file is removed.
 */
export async function writeNewFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true });
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
    await rm(temp, { force: true }).catch(() => undefined);
  }
  await fsyncFolderAfterCommit(dir);
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
