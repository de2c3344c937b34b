/**
 * Draws the stand-in's "character sheet": the pose sheet scaled by `upscale_by`, with every figure turned
 * into a solid coloured silhouette on a light background, exactly where the sheet's figure was. That is
 * the property the app relies on (SEGMIND_API.md section 1): figure i of the sheet maps to the same region,
 * scaled, of the result, so a result can be cut back into single poses.
 *
 * The colours follow the seed and prompt, so different seeds give visibly different results to compare.
 */
import sharp from 'sharp';

export interface RenderInput {
  readonly sheet: Buffer;
  readonly upscaleBy: number;
  readonly seed: number;
  readonly prompt: string;
}

export interface RenderedSheet {
  readonly jpeg: Buffer;
  readonly width: number;
  readonly height: number;
}

/** How far a pixel must be from the sheet's background colour to count as part of a figure. */
const FIGURE_THRESHOLD = 48;

export async function renderCharacterSheet({
  sheet,
  upscaleBy,
  seed,
  prompt,
}: RenderInput): Promise<RenderedSheet> {
  // Transparent sheets count as skeletons on black, the usual OpenPose look.
  const { data, info } = await sharp(sheet)
    .flatten({ background: '#000000' })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height, channels } = info;
  const background = cornerColour(data, width, height, channels);

  const mask = Buffer.alloc(width * height);
  for (let i = 0; i < width * height; i++) {
    let diff = 0;
    for (let c = 0; c < 3; c++)
      diff = Math.max(diff, Math.abs((data[i * channels + c] ?? 0) - (background[c] ?? 0)));
    mask[i] = diff > FIGURE_THRESHOLD ? 255 : 0;
  }

  const outWidth = width * upscaleBy;
  const outHeight = height * upscaleBy;
  // Scaling the mask, then blurring it, fleshes thin skeleton lines out into bodies that stay in place.
  const grown = await sharp(mask, { raw: { width, height, channels: 1 } })
    .resize(outWidth, outHeight, { kernel: 'nearest' })
    .blur(Math.max(1, 1.5 * upscaleBy))
    .raw()
    .toBuffer({ resolveWithObject: true });

  const hash = fnv1a(`${seed}|${prompt}`);
  const ink = hslToRgb((hash % 360) / 360, 0.55, 0.42);
  const paper = hslToRgb(((hash >>> 9) % 360) / 360, 0.25, 0.93);
  const out = Buffer.alloc(outWidth * outHeight * 3);
  const step = grown.info.channels;
  for (let i = 0; i < outWidth * outHeight; i++) {
    const t = Math.min(1, (grown.data[i * step] ?? 0) / 40);
    for (let c = 0; c < 3; c++) out[i * 3 + c] = Math.round((paper[c] ?? 0) * (1 - t) + (ink[c] ?? 0) * t);
  }
  const jpeg = await sharp(out, { raw: { width: outWidth, height: outHeight, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
  return { jpeg, width: outWidth, height: outHeight };
}

/** The sheet's background: the most common of its four corner colours (a figure may touch one corner). */
function cornerColour(data: Buffer, width: number, height: number, channels: number): number[] {
  const at = (x: number, y: number): number[] => {
    const i = (y * width + x) * channels;
    return [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0];
  };
  const corners = [at(0, 0), at(width - 1, 0), at(0, height - 1), at(width - 1, height - 1)];
  const key = (c: number[]): string => c.join(',');
  const counts = new Map<string, number>();
  for (const c of corners) counts.set(key(c), (counts.get(key(c)) ?? 0) + 1);
  return corners.reduce((best, c) => ((counts.get(key(c)) ?? 0) > (counts.get(key(best)) ?? 0) ? c : best));
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

function hslToRgb(h: number, s: number, l: number): number[] {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number): number => {
    const k = (n + h * 12) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}
