/**
 * The one errno table (storageFault): what a failed file-system call means, by its code. A module of its
 * own, with nothing but the domain's errors below it, so that everything that reads or writes files
 * (the contained read path, the job queue, the workspace) can ask it without an import cycle.
 * workspace/fs-utils.ts re-exports it and builds the person's messages on it (writeRefused, readFault).
 */
import { isAppError } from '../domain/errors';

/**
 * What a failed file-system call means for the person, judged by its errno code. The one table the app
 * maps file-system errors by: toAppError, writeRefused, readFault, guardWrite, makeOutputFolder, the
 * contained read path (contained-path.ts) and the generation queue's job errors all ask it, so a code
 * cannot mean one thing in one place and another elsewhere.
 * - `missing` (ENOENT, ENOTDIR): the path is not there. The only codes that may be reported as missing.
 * - `full` (ENOSPC, EDQUOT), `read-only` (EROFS), `denied` (EACCES, EPERM): the person's to fix.
 * - `exists` (EEXIST), `name-too-long` (ENAMETOOLONG): the name chosen.
 * - `io`: any other errno code (EIO, EBUSY, ESTALE, ETIMEDOUT on a path, ...): the disk failed the call
 *   for a reason of its own. The file may well be there, and trying again may work.
 * undefined: not a file-system error (an AppError, a bug, a network error): the caller decides.
 */
export type StorageFault = 'missing' | 'full' | 'read-only' | 'denied' | 'exists' | 'name-too-long' | 'io';

/** Codes a socket answers; they are a file system's only when the error names a path (a network mount). */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENETRESET',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EADDRINUSE',
  'EADDRNOTAVAIL',
  'EPROTO',
  'ETIMEDOUT',
]);

export function storageFault(error: unknown): StorageFault | undefined {
  if (isAppError(error) || typeof error !== 'object' || error === null) return undefined;
  let code: unknown;
  let path: unknown;
  try {
    ({ code, path } = error as NodeJS.ErrnoException);
  } catch {
    return undefined; // a thrown object whose fields cannot be read is no errno error
  }
  if (typeof code !== 'string' || !/^E[A-Z0-9]+$/.test(code)) return undefined;
  if (NETWORK_CODES.has(code) && typeof path !== 'string') return undefined;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return 'missing';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'full';
    case 'EROFS':
      return 'read-only';
    case 'EACCES':
    case 'EPERM':
      return 'denied';
    case 'EEXIST':
      return 'exists';
    case 'ENAMETOOLONG':
      return 'name-too-long';
    default:
      return 'io';
  }
}
