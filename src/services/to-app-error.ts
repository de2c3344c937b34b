import { AppError } from '../domain/errors';

/**
 * Turns anything thrown into an AppError the person can understand. File-system errors get their own
 * codes (a full disk and a read-only folder are the person's to fix); anything unexpected is INTERNAL with
 * a generic message, so no path to a secret, stack trace or key can reach the renderer.
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new AppError('DISK_FULL', 'The disk is full. Nothing was lost: free some space and try again.');
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new AppError(
        'PERMISSION_DENIED',
        'The app is not allowed to write to this folder. Nothing was lost: check the folder’s permissions.',
      );
    case 'ENOENT':
      return new AppError('NOT_FOUND', 'A file or folder the app expected is missing.');
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
  const text =
    error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error);
  return redactKeys(text);
}

export const redactKeys = (text: string): string => text.replace(/SG_[0-9A-Za-z]{6,}/g, 'SG_[redacted]');
