import sharp from 'sharp';

/** Small valid images in each accepted format, with something drawn on them so encoders keep detail. */

export type SimpleFormat = 'png' | 'jpeg' | 'webp' | 'avif' | 'tiff' | 'gif';

export function patternSvg(width: number, height: number, hue = 200): Buffer {
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
      `<rect width="100%" height="100%" fill="hsl(${hue},60%,55%)"/>` +
      `<circle cx="${width / 3}" cy="${height / 2}" r="${Math.min(width, height) / 4}" fill="hsl(${(hue + 120) % 360},70%,40%)"/>` +
      `<rect x="${width / 2}" y="${height / 5}" width="${width / 3}" height="${height / 2}" fill="#fff" opacity="0.7"/>` +
      `</svg>`,
  );
}

export async function makeImage(
  format: SimpleFormat,
  width = 320,
  height = 200,
  options: { alpha?: boolean; hue?: number } = {},
): Promise<Buffer> {
  let image = sharp(patternSvg(width, height, options.hue));
  if (!options.alpha) image = image.removeAlpha();
  else image = image.ensureAlpha(0.5);
  switch (format) {
    case 'png':
      return image.png().toBuffer();
    case 'jpeg':
      return image.jpeg({ quality: 90 }).toBuffer();
    case 'webp':
      return image.webp().toBuffer();
    case 'avif':
      return image.avif({ effort: 0 }).toBuffer();
    case 'tiff':
      return image.tiff().toBuffer();
    case 'gif':
      return image.gif().toBuffer();
  }
}

/** An animated GIF of `frames` frames of different colours (first frame red). */
export async function makeAnimatedGif(frames = 3, width = 64, height = 48): Promise<Buffer> {
  const colours = ['#ff0000', '#00ff00', '#0000ff', '#ffff00', '#00ffff'];
  const inputs = await Promise.all(
    Array.from({ length: frames }, (_, i) =>
      sharp({
        create: { width, height, channels: 3, background: colours[i % colours.length] ?? '#000' },
      })
        .png()
        .toBuffer(),
    ),
  );
  return sharp(inputs, { join: { animated: true } })
    .gif({ delay: Array(frames).fill(100) as number[], loop: 0 })
    .toBuffer();
}

/** A JPEG whose EXIF says "rotate 90° clockwise to display" (orientation 6): stored landscape, shown portrait. */
export async function makeRotatedJpeg(width = 300, height = 200): Promise<Buffer> {
  return sharp(patternSvg(width, height)).removeAlpha().jpeg().withMetadata({ orientation: 6 }).toBuffer();
}
