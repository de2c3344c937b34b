import sharp from 'sharp';
import { decodeOptions } from './decode-policy';
import { contrastingBackground } from './flatten-background';
import { rejectingUnreadable } from './image-rejection';
import { sha256 } from './sha256';

export interface NormaliseOptions {
  /** The longest side after normalising; larger sheets are scaled down, smaller ones kept. Default 2048. */
  maxSide?: number;
  /** Above this the PNG is swapped for a JPEG, to keep the base64 JSON body sane. Default 6 MB. */
  maxPngBytes?: number;
}

export interface NormalisedImage {
  bytes: Buffer;
  width: number;
  height: number;
  format: 'png' | 'jpeg';
  sha256: string;
}

export const DEFAULT_UPLOAD_MAX_SIDE = 2048;
const DEFAULT_MAX_PNG_BYTES = 6 * 1024 * 1024;

/**
 * Turns a pose sheet into exactly what goes out as the API's `image` field, so the server sees what the
 * person sees: EXIF orientation applied, first frame only, longest side at most `maxSide` (aspect kept),
 * metadata stripped (a phone photo's GPS position has no business leaving the machine), and any
 * transparency flattened. Lossless PNG unless that would be huge, then JPEG at high quality.
 *
 * The result's width and height are the "sheet size" that the result image is `upscale_by` times, so
 * figure boxes for cutting must be found on these bytes (or scaled to them), not on the original file.
 */
export async function normaliseForUpload(
  bytes: Uint8Array,
  options: NormaliseOptions = {},
): Promise<NormalisedImage> {
  return rejectingUnreadable('The pose sheet', () => normalise(bytes, options));
}

async function normalise(bytes: Uint8Array, options: NormaliseOptions): Promise<NormalisedImage> {
  const maxPngBytes = options.maxPngBytes ?? DEFAULT_MAX_PNG_BYTES;
  const { data, info } = await decodeForUpload(bytes, {
    maxSide: options.maxSide ?? DEFAULT_UPLOAD_MAX_SIDE,
  });
  const raw = { raw: { width: info.width, height: info.height, channels: info.channels } } as const;

  let out = await sharp(data, raw).png({ compressionLevel: 6, adaptiveFiltering: true }).toBuffer();
  let format: NormalisedImage['format'] = 'png';
  if (out.length > maxPngBytes) {
    out = await sharp(data, raw).jpeg({ quality: 92, chromaSubsampling: '4:4:4', mozjpeg: true }).toBuffer();
    format = 'jpeg';
  }
  return { bytes: out, width: info.width, height: info.height, format, sha256: sha256(out) };
}

/**
 * An image decoded to raw pixels, row-major from the top left as a person sees it (sharp's raw output
 * and its info). What decodeForUpload gives, and what findFiguresInPixels and makeThumbnail take, so an
 * import decodes each file once.
 */
export interface DecodedPixels {
  data: Buffer;
  info: { width: number; height: number; channels: 1 | 2 | 3 | 4 };
}

/**
 * The upload's decode: first frame, oriented, scaled to fit `maxSide`, flattened, sRGB, as raw pixels,
 * under the one decoding policy. inspectImage runs this very function as its full decode, so an image
 * the import accepted is one the upload can read: the two cannot drift apart. (sharp's stats(), used
 * before, reports some failed decodes as empty statistics instead of an error.) Memory stays bounded by
 * `maxSide`, whatever the file's size. Throws sharp's error for an image that cannot be decoded.
 */
export async function decodeForUpload(
  bytes: Uint8Array,
  options: {
    maxSide?: number;
    maxPixels?: number;
    /** The header's hasAlpha, when the caller has read it already (it is not read again). */
    hasAlpha?: boolean;
  } = {},
): Promise<DecodedPixels> {
  const maxSide = options.maxSide ?? DEFAULT_UPLOAD_MAX_SIDE;
  const hasAlpha = options.hasAlpha ?? (await sharp(bytes, decodeOptions(0)).metadata()).hasAlpha;
  let pipeline = sharp(bytes, { ...decodeOptions(options.maxPixels), pages: 1, autoOrient: true }).resize({
    width: maxSide,
    height: maxSide,
    fit: 'inside',
    withoutEnlargement: true,
  });
  if (hasAlpha) pipeline = pipeline.flatten({ background: await contrastingBackground(bytes) });
  // Decode and resize once; the encoders start from these pixels.
  return pipeline.toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
}
