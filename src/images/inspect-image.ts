import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import sharp, { type Metadata } from 'sharp';
import { isAppError } from '../domain/errors';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS, decodeOptions } from './decode-policy';
import { formatBytes, formatMegapixels, rejectImage } from './image-rejection';
import { decodeForUpload, type DecodedPixels } from './normalise-for-upload';
import { sha256 } from './sha256';
import { formatLabel, sniffFormat, type ImageFormat } from './sniff-format';

export interface InspectOptions {
  /** Files larger than this are refused before they are read. Default 200 MB. */
  maxBytes?: number;
  /** width x height from the header above this is refused before any decoding. Default 100 MP. */
  maxPixels?: number;
  /** The name used in messages; defaults to the path's base name, or "The image" for bytes. */
  fileName?: string;
  /**
   * The longest side the full decode scales to (decodeForUpload's maxSide), which is the size of the
   * pixels inspectAndDecode hands back. Default: the upload's own, DEFAULT_UPLOAD_MAX_SIDE. The verdict
   * does not depend on it: the same decoder reads the same data under the same policy, a JPEG or WebP
   * merely shrinking as it decodes. An import asks for the figure analysis size, so that one decode
   * serves the check, the figures and the thumbnail.
   */
  decodeSide?: number;
}

/** What the app records about an accepted image (the StoredImage fields that come from the bytes). */
export interface ImageFacts {
  format: ImageFormat;
  /**
   * Of the first frame as a person sees it: EXIF orientation applied, the same coordinates that
   * normaliseForUpload, findFigures and the thumbnails use.
   */
  width: number;
  height: number;
  bytes: number;
  sha256: string;
  hasAlpha: boolean;
  /** Frames of an animated GIF/WebP or pages of a TIFF; only the first is ever used. */
  pages: number;
}

const ACCEPTED = 'PNG, JPEG, WebP, AVIF, TIFF or GIF';

/**
 * The gate every imported image passes before it enters a project. In order, each step cheaper than
 * the next: size on disk, magic numbers, header dimensions, then one full decode of the first frame by
 * the upload's own decode (decodeForUpload) under the strict decoding policy. Throws
 * AppError('IMAGE_REJECTED') with a message that names the file.
 */
export async function inspectImage(
  input: Uint8Array | string,
  options: InspectOptions = {},
): Promise<ImageFacts> {
  return (await inspectAndDecode(input, options)).facts;
}

/** An accepted image's facts, and the pixels its check decoded. */
export interface InspectedImage {
  facts: ImageFacts;
  /**
   * The first frame as the upload decodes it (decodeForUpload): oriented, flattened, sRGB, its longest
   * side at most `decodeSide`. An import finds figures and makes the thumbnail from these instead of
   * decoding the file again.
   */
  pixels: DecodedPixels;
}

/** inspectImage, keeping the pixels of its full decode for the caller. */
export async function inspectAndDecode(
  input: Uint8Array | string,
  options: InspectOptions = {},
): Promise<InspectedImage> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const file = options.fileName ?? (typeof input === 'string' ? basename(input) : 'The image');
  const name = `“${file}”`;

  const bytes = typeof input === 'string' ? await readCapped(input, file, maxBytes) : input;
  if (bytes.length === 0)
    throw rejectImage(file, 'empty', `${name} is empty (0 bytes): there is no picture in it.`);
  if (bytes.length > maxBytes) throw tooLarge(file, bytes.length, maxBytes);

  const sniffed = sniffFormat(bytes);
  if (sniffed.kind === 'heic') {
    throw rejectImage(file, 'heic', `${name}: HEIC photos are not supported yet: export as PNG or JPEG.`);
  }
  if (sniffed.kind === 'other') {
    throw rejectImage(
      file,
      'unsupported-format',
      `${name} is ${sniffed.what}, not an image the app can use. Export it as PNG or JPEG.`,
      { what: sniffed.what },
    );
  }
  if (sniffed.kind === 'unknown') {
    throw rejectImage(
      file,
      'not-an-image',
      `${name} is not an image the app can read (it takes ${ACCEPTED}).`,
    );
  }
  const format = sniffed.format;

  // The header alone: libvips reads dimensions without touching pixel data.
  let meta: Metadata;
  try {
    meta = await sharp(bytes, decodeOptions(0)).metadata();
  } catch {
    throw damaged(file, format);
  }
  const pixelCount = meta.width * meta.height;
  if (pixelCount > maxPixels) {
    throw rejectImage(
      file,
      'too-many-pixels',
      `${name} is ${meta.width} × ${meta.height} pixels (${formatMegapixels(pixelCount)}); ` +
        `images can be at most ${formatMegapixels(maxPixels)}. Make it smaller and import it again.`,
      { width: meta.width, height: meta.height, maxPixels },
    );
  }
  if (meta.format === 'heif' && meta.compression === 'hevc') {
    throw rejectImage(file, 'heic', `${name}: HEIC photos are not supported yet: export as PNG or JPEG.`);
  }

  // A full decode of the first frame, the very one the upload does: the only way to know a file is not
  // truncated or corrupt, and the promise that whatever is imported can be generated from.
  let pixels: DecodedPixels;
  try {
    pixels = await decodeForUpload(bytes, {
      maxPixels,
      hasAlpha: meta.hasAlpha,
      ...(options.decodeSide === undefined ? {} : { maxSide: options.decodeSide }),
    });
  } catch {
    throw damaged(file, format);
  }

  return {
    facts: {
      format,
      width: meta.autoOrient.width,
      height: meta.autoOrient.height,
      bytes: bytes.length,
      sha256: sha256(bytes),
      hasAlpha: meta.hasAlpha,
      pages: meta.pages ?? 1,
    },
    pixels,
  };
}

/** Reads a file, refusing before the read when it is over the cap (a 4 GB "photo" is never loaded). */
async function readCapped(path: string, file: string, maxBytes: number): Promise<Uint8Array> {
  let handle;
  try {
    // O_NONBLOCK: a named pipe opens at once (and is refused below as not a file) instead of waiting
    // for a writer for ever, holding a thread of the pool. It changes nothing for a regular file.
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw unreadable(file, error);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw rejectImage(file, 'unreadable', `“${file}” is not a file.`);
    if (stat.size > maxBytes) throw tooLarge(file, stat.size, maxBytes);
    // Read at most one byte past the cap, in case the file grew since stat().
    const buffer = Buffer.allocUnsafe(Math.min(stat.size, maxBytes) + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return buffer.subarray(0, length);
  } catch (error) {
    if (isAppError(error)) throw error;
    throw unreadable(file, error);
  } finally {
    await handle.close();
  }
}

const tooLarge = (file: string, size: number, maxBytes: number) =>
  rejectImage(
    file,
    'too-large',
    `“${file}” is ${formatBytes(size)}; images can be at most ${formatBytes(maxBytes)}.`,
    { bytes: size, maxBytes },
  );

const damaged = (file: string, format: ImageFormat) =>
  rejectImage(
    file,
    'damaged',
    `“${file}” looks like a ${formatLabel[format]} file but is damaged or incomplete (it may not have ` +
      `finished downloading or saving), so it cannot be read.`,
    { format },
  );

function unreadable(file: string, error: unknown) {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const why =
    code === 'ENOENT'
      ? 'it no longer exists'
      : code === 'EACCES' || code === 'EPERM'
        ? 'the app is not allowed to read it'
        : code === 'EISDIR'
          ? 'it is a folder'
          : 'the disk did not return it';
  return rejectImage(file, 'unreadable', `“${file}” could not be read: ${why}.`, { errno: code });
}
