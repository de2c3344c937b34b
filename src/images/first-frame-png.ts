import sharp from 'sharp';

/** The first frame (or page) of an image as PNG bytes, with sharp's default options. */
export function firstFrameAsPng(bytes: Uint8Array): Promise<Buffer> {
  return sharp(bytes, { pages: 1 }).png().toBuffer();
}
