import type { SharpOptions } from 'sharp';

/**
 * One decoding policy for every image the app reads, so a file that passed the import check cannot
 * behave differently later on.
 *
 * - `failOn: 'error'` aborts on truncated and corrupt pixel data. The stricter 'warning' would also
 *   refuse harmless oddities that many real exports carry (an "incorrect sRGB profile" warning from
 *   libpng, a few extraneous bytes between JPEG markers), which illustrators could do nothing about.
 *   Never 'none': a half-decoded image must not enter a project looking valid.
 * - `limitInputPixels` is checked by libvips from the header before any pixel memory is allocated, so
 *   a decompression bomb fails fast even where the caller skipped `inspectImage`.
 *
 * The options alone are not enough: the import check's full decode is `decodeForUpload` itself, the
 * upload's own pipeline, so "imported" always means "can be generated from".
 */
export const DEFAULT_MAX_PIXELS = 100_000_000; // 10,000 x 10,000: far above any pose sheet or result
export const DEFAULT_MAX_BYTES = 200 * 1024 * 1024;

export function decodeOptions(maxPixels: number = DEFAULT_MAX_PIXELS): SharpOptions {
  return { failOn: 'error', limitInputPixels: maxPixels };
}
