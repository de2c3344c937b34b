import { AppError } from '../domain/errors';
import { storageFault } from '../library/workspace/fs-utils';

/**
 * Turns anything thrown into an AppError the person can understand. File-system errors get their codes
 * from the one errno table (storageFault in library/workspace/fs-utils): a full disk and a refused
 * folder are the person's to fix, a disk that failed a read or write is IO_ERROR (try again), and only
 * ENOENT/ENOTDIR say that something is missing. Anything unexpected is INTERNAL with a generic message,
 * so no path to a secret, stack trace or key can reach the renderer.
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  switch (storageFault(error)) {
    case 'full':
      return new AppError('DISK_FULL', 'The disk is full. Nothing was lost: free some space and try again.');
    case 'denied':
      return new AppError(
        'PERMISSION_DENIED',
        'The app is not allowed to use this file or folder. Nothing was lost: check the folder’s permissions.',
      );
    case 'read-only':
      return new AppError(
        'PERMISSION_DENIED',
        'The disk is read-only, so nothing could be saved there. Nothing was lost.',
      );
    case 'missing':
      return new AppError('NOT_FOUND', 'A file or folder the app expected is missing.');
    case 'exists':
      return new AppError(
        'ALREADY_EXISTS',
        'A file or folder with that name is already there. Nothing was replaced.',
      );
    case 'name-too-long':
      return new AppError(
        'INVALID_INPUT',
        'A file or folder name is too long for the disk. Choose a shorter name.',
        { reason: 'name-too-long' },
      );
    case 'io':
      console.warn('[ccstudio] the disk failed a call:', redactForLog(error));
      return new AppError(
        'IO_ERROR',
        'The disk could not read or write a file. Nothing was lost: try again.',
      );
    default:
      console.error('[ccstudio] unexpected error:', redactForLog(error));
      return new AppError(
        'INTERNAL',
        'Something went wrong inside the app. Nothing was lost; please try again.',
      );
  }
}

/** Logged errors keep their message and stack, minus anything that looks like a Segmind key. */
export function redactForLog(error: unknown): string {
  let text: string;
  try {
    text = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error);
  } catch {
    text = '(an error that cannot be shown)';
  }
  return redactKeys(text);
}

export const redactKeys = (text: string): string => text.replace(/SG_[0-9A-Za-z]{6,}/g, 'SG_[redacted]');
