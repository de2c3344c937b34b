import { AppError, isAppError } from '../domain/errors';

/** Why an image was turned away; kept in `detail.reason` so the UI and tests need not parse messages. */
export type RejectionReason =
  | 'empty'
  | 'too-large'
  | 'too-many-pixels'
  | 'heic'
  | 'not-an-image'
  | 'unsupported-format'
  | 'damaged'
  | 'unreadable';

/** An IMAGE_REJECTED error whose message names the file and says what is wrong in plain words. */
export function rejectImage(
  file: string,
  reason: RejectionReason,
  message: string,
  extra: Record<string, unknown> = {},
): AppError {
  return new AppError('IMAGE_REJECTED', message, { file, reason, ...extra });
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

export const formatMegapixels = (pixels: number): string => `${Math.round(pixels / 100_000) / 10} megapixels`;

/**
 * Runs image work and turns a decoder failure (a libvips error, which would otherwise surface as
 * INTERNAL) into IMAGE_REJECTED naming the image. File-system errors and AppErrors pass through as they
 * are, so a full disk is still reported as a full disk.
 */
export async function rejectingUnreadable<T>(name: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isAppError(error) || typeof (error as NodeJS.ErrnoException | undefined)?.code === 'string')
      throw error;
    throw rejectImage(
      name,
      'damaged',
      `“${name}” could not be read as an image: it may be damaged or too large.`,
    );
  }
}
