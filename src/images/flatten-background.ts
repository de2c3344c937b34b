import sharp from 'sharp';
import { decodeOptions } from './decode-policy';

/**
 * The colour to flatten a transparent image onto: the one that contrasts with what is drawn on it.
 * Transparent pixels carry arbitrary colour underneath, and the API's image loader drops alpha without
 * looking, so a sheet must be flattened before it is sent (and before figures are looked for, so both
 * see the same picture). Light or coloured skeletons (the OpenPose convention is black) go onto black;
 * dark silhouettes go onto white. Decided from the alpha-weighted mean luminance of a 64 px preview.
 */
export async function contrastingBackground(bytes: Uint8Array): Promise<{ r: number; g: number; b: number }> {
  const { data, info } = await sharp(bytes, { ...decodeOptions(), pages: 1 })
    .resize(64, 64, { fit: 'inside' })
    .ensureAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  let weighted = 0;
  let weight = 0;
  for (let i = 0; i + 3 < data.length; i += info.channels) {
    const alpha = (data[i + 3] ?? 0) / 255;
    weighted += alpha * (0.2126 * (data[i] ?? 0) + 0.7152 * (data[i + 1] ?? 0) + 0.0722 * (data[i + 2] ?? 0));
    weight += alpha;
  }
  const luminance = weight > 0 ? weighted / weight : 255;
  return luminance < 100 ? { r: 255, g: 255, b: 255 } : { r: 0, g: 0, b: 0 };
}
