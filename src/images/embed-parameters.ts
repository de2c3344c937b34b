import { AppError } from '../domain/errors';
import { isJpeg, readJpegUserComment, readWebpUserComment, withJpegUserComment } from './jpeg-exif';
import { isPng, readPngText, withPngText } from './png-text';

/** The keyword A1111 and every tool that reads its images use. */
export const PARAMETERS_KEYWORD = 'parameters';

/**
 * Embeds A1111-style "parameters" text for export, without re-encoding the image: a PNG gets a
 * tEXt/iTXt chunk named `parameters`, a JPEG an EXIF UserComment (as A1111 writes it). Any earlier
 * parameters are replaced. Throws INVALID_INPUT when the bytes are not of the stated format.
 */
export function embedParameters(
  bytes: Uint8Array,
  parametersText: string,
  options: { format: 'png' | 'jpeg' },
): Buffer {
  if (options.format === 'png') {
    if (!isPng(bytes)) throw notThatFormat('PNG');
    try {
      return withPngText(bytes, PARAMETERS_KEYWORD, parametersText);
    } catch {
      throw new AppError('INVALID_INPUT', 'The PNG is damaged, so its parameters could not be written.');
    }
  }
  if (!isJpeg(bytes)) throw notThatFormat('JPEG');
  try {
    return withJpegUserComment(bytes, parametersText);
  } catch (error) {
    if (error instanceof RangeError) {
      throw new AppError(
        'INVALID_INPUT',
        'The parameters are too long to embed in a JPEG (the limit is about 32,000 characters).',
      );
    }
    throw error;
  }
}

const notThatFormat = (label: string) =>
  new AppError(
    'INVALID_INPUT',
    `The image is not a ${label} file, so its parameters cannot be written as ${label}.`,
  );

/**
 * The "parameters" text from a PNG (text chunk), JPEG or WebP (EXIF UserComment), or undefined when
 * there is none. Reads untrusted files on import, so it never throws.
 */
export function readParameters(bytes: Uint8Array): string | undefined {
  if (isPng(bytes)) return readPngText(bytes).find((t) => t.keyword === PARAMETERS_KEYWORD)?.text;
  if (isJpeg(bytes)) return readJpegUserComment(bytes);
  return readWebpUserComment(bytes);
}
