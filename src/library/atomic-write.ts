import { open, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { makeFolderInside } from './contained-fs';
import { renameWithRetry } from './rename-retry';

/** `.<name>.<12 hex>.tmp`: hidden, unique per write, and recognisable afterwards (targetOfTempName). */
const tempNameFor = (name: string): string => `.${name}.${randomBytes(6).toString('hex')}.tmp`;
const TEMP_NAME = /^\.(.+)\.[0-9a-f]{12}\.tmp$/;

/**
 * The file a temp file left by an interrupted writeFileAtomic was meant to become (its name in the same
 * folder), or undefined for any other name. Only a crash leaves one: a failed write removes its own.
 */
export function targetOfTempName(name: string): string | undefined {
  return TEMP_NAME.exec(name)?.[1];
}

/**
 * The one way the app writes a file it cares about: write a temp file beside the target, fsync it,
 * rename it over the target, then fsync the folder so the rename itself survives a power cut.
 * A reader therefore sees the old file or the new one, never half of one. On failure (a full disk,
 * a read-only folder) the temp file is removed and the old file is untouched. In an open project, a
 * folder that leads out of it through a link is neither created nor written into (PROJECT_DAMAGED,
 * contained-fs.ts); a link in the target's own place is replaced by the file, never written through.
 */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  options: {
    mode?: number;
    dirMode?: number;
    /**
     * False: the caller fsyncs the folder itself, once, before anything records the file (an import
     * writes a batch of images into one folder, then one folder fsync covers every rename in it).
     */
    syncFolder?: boolean;
  } = {},
): Promise<void> {
  const dir = dirname(file);
  await makeFolderInside(dir, options.dirMode);
  const temp = join(dir, tempNameFor(basename(file)));
  try {
    const handle = await open(temp, 'wx', options.mode ?? 0o644);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    // Retried briefly on Windows, where a sync tool or scanner holding the target open blocks it.
    await renameWithRetry(temp, file);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
  if (options.syncFolder !== false) await fsyncFolderAfterCommit(dir);
}

export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * The folder fsync that follows a rename or link which has already happened. The new file is in place
 * and every reader sees it, so a failure here (EIO, EBUSY, a full disk) must not be reported as a failed
 * write: the caller would roll back its other steps around a file that is in fact committed (a pose
 * library naming an image the import then removed). It is logged; the only thing at risk is that a power
 * cut in the next moments could undo the rename, which the crash reconciliation at open already settles.
 */
export async function fsyncFolderAfterCommit(dir: string): Promise<void> {
  try {
    await fsyncFolder(dir);
  } catch (error) {
    console.warn(
      '[ccstudio] a folder could not be synced after a write (the write itself is kept):',
      (error as Error).message,
    );
  }
}

/** Folders cannot be opened for fsync on Windows; there the rename is already durable enough. */
export async function fsyncFolder(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') throw error;
  } finally {
    await handle?.close();
  }
}
