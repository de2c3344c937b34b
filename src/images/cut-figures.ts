import sharp from 'sharp';
import { cropRects, scaleBoxOutward } from '../domain/figure-crops';
import type { Box } from '../domain/pose';
import { decodeOptions } from './decode-policy';
import { rejectingUnreadable } from './image-rejection';

export interface CutOptions {
  /**
   * Margin added around each figure, in the result's pixels. Default: 6% of the figure's longer side,
   * because the model draws clothes, hair and shadows a little beyond the skeleton's joints. Whatever the
   * padding, a crop never reaches past the middle of the gap to another box (see cropRects).
   */
  padding?: number;
  /**
   * Indexes of the boxes to cut (default: all). The others are still the neighbours every crop keeps
   * clear of: cutting figure 2 alone must take the same pixels as cutting all of them.
   */
  only?: readonly number[];
}

export interface CutFigure {
  /** 0-based index into the boxes given (reading order when they came from findFigures). */
  index: number;
  /** Where the cut was taken, in the result's pixels (scaled, padded and clamped). */
  box: Box;
  png: Buffer;
}

/**
 * How the sheet relates to the result: either the factor itself (`upscale_by`), or the size of the sheet
 * that was sent, from which the factor is measured per axis against the result's real size. The second
 * is safer: a server that rounds its output to a multiple of 8 or 64 still gets every box in place.
 * Boxes already in the result's pixels (drawn in the cut editor) use a factor of 1.
 */
export type SheetScale = number | { width: number; height: number };

/**
 * Cuts a result sheet into single poses. The result is the sheet drawn again at `upscale_by` times its
 * size with every figure in the same place (SEGMIND_API.md, "What V1 does"), so each box found on the
 * sheet, scaled, padded and clamped to the result, frames that figure's new drawing.
 */
export async function cutFigures(
  resultBytes: Uint8Array,
  boxes: readonly Box[],
  scale: SheetScale,
  options: CutOptions = {},
): Promise<CutFigure[]> {
  // Decode once; every cut is then a cheap extract from memory instead of a fresh decode.
  const { data, info } = await rejectingUnreadable('The result image', () =>
    sharp(resultBytes, { ...decodeOptions(), pages: 1, autoOrient: true })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true }),
  );
  const raw = { raw: { width: info.width, height: info.height, channels: info.channels } } as const;
  const scaleX = typeof scale === 'number' ? scale : info.width / scale.width;
  const scaleY = typeof scale === 'number' ? scale : info.height / scale.height;
  const scaled = boxes.map((b) => scaleBoxOutward(b, scaleX, scaleY));
  const crops = cropRects(scaled, { width: info.width, height: info.height }, options.padding);
  const wanted = new Set(options.only ?? boxes.map((_, i) => i));

  const cuts: CutFigure[] = [];
  for (const [index, box] of crops.entries()) {
    if (!box || !wanted.has(index)) continue;
    const png = await sharp(data, raw)
      .extract({ left: box.x, top: box.y, width: box.width, height: box.height })
      .png()
      .toBuffer();
    cuts.push({ index, box, png });
  }
  return cuts;
}

/**
 * One sheet box in result pixels, padded and clamped to the result, on its own (no neighbours to keep
 * clear of); undefined when it lies wholly outside the result.
 */
export function scaleBox(
  box: Box,
  scaleX: number,
  scaleY: number,
  width: number,
  height: number,
  padding?: number,
): Box | undefined {
  return cropRects([scaleBoxOutward(box, scaleX, scaleY)], { width, height }, padding)[0];
}
