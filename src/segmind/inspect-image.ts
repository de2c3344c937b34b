import sharp from 'sharp';
import type { DecodedImageInfo } from './types';

/**
 * Whether the bytes are an image that decodes to the end. A 200 can carry an HTML error page or a cut-off
 * JPEG, and paid output must be recognised as broken before it is filed as a result. Decoding to a small
 * size is enough to read every byte (and JPEG shrink-on-load keeps it cheap); `failOn: 'truncated'`
 * turns a premature end of data into an error instead of a grey bottom half.
 */
export async function inspectImage(bytes: Buffer): Promise<DecodedImageInfo | null> {
  if (bytes.length === 0) return null;
  try {
    const meta = await sharp(bytes, { failOn: 'truncated' }).metadata();
    if (meta.format === undefined || meta.width === undefined || meta.height === undefined) return null;
    await sharp(bytes, { failOn: 'truncated' }).resize(64, 64, { fit: 'inside' }).raw().toBuffer();
    return { format: meta.format, width: meta.width, height: meta.height };
  } catch {
    return null;
  }
}
