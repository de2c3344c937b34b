/**
 * Where each figure of a sheet is cut: its box, padded, kept inside the image and out of its neighbours'
 * way. Pure geometry, isomorphic on purpose: the core's cut (src/images/cut-figures.ts) and the cut
 * editor's live preview both call `cropRects`, so the preview shows exactly the pixels the cut will take.
 */
import type { Box } from './pose';

export interface Size {
  width: number;
  height: number;
}

/** The padding the cut uses when none is chosen: 6% of the figure's longer side, because the model draws
 * clothes, hair and shadows a little beyond the skeleton's joints. */
export function defaultPadding(box: Box): number {
  return Math.round(0.06 * Math.max(box.width, box.height));
}

/**
 * A box scaled by (scaleX, scaleY), rounded outwards to whole pixels so the scaled box never loses an
 * edge of the figure to rounding.
 */
export function scaleBoxOutward(box: Box, scaleX: number, scaleY: number): Box {
  const x = Math.floor(box.x * scaleX + 1e-9);
  const y = Math.floor(box.y * scaleY + 1e-9);
  const right = Math.ceil((box.x + box.width) * scaleX - 1e-9);
  const bottom = Math.ceil((box.y + box.height) * scaleY - 1e-9);
  return { x, y, width: Math.max(1, right - x), height: Math.max(1, bottom - y) };
}

/** The part of `box` inside an image of `size`; undefined when nothing of it is. */
export function clampToImage(box: Box, size: Size): Box | undefined {
  const x = Math.max(0, box.x);
  const y = Math.max(0, box.y);
  const right = Math.min(size.width, box.x + box.width);
  const bottom = Math.min(size.height, box.y + box.height);
  if (right <= x || bottom <= y) return undefined;
  return { x, y, width: right - x, height: bottom - y };
}

interface Edges {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

const edgesOf = (b: Box): Edges => ({ left: b.x, top: b.y, right: b.x + b.width, bottom: b.y + b.height });

/**
 * Keeps the padded crop `crop` of `own` out of `other`'s way. The gap between two boxes is shared: the
 * crop may grow at most to the middle of it, not to the neighbour's edge, because the neighbour's drawing
 * spills into the gap just as this figure's does (the reason for padding at all), and half the gap is
 * the most either side can take without the other's spill showing in its crop.
 *
 * A neighbour that overlaps the box itself on both axes cannot be avoided without cutting into the
 * figure, so it is left alone (the editor shows such boxes and the person decides).
 */
function keepClearOf(crop: Edges, own: Edges, other: Edges): void {
  const rightOf = other.left >= own.right;
  const leftOf = other.right <= own.left;
  const below = other.top >= own.bottom;
  const above = other.bottom <= own.top;
  const limits: { edge: keyof Edges; value: number }[] = [];
  if (rightOf)
    limits.push({ edge: 'right', value: Math.max(own.right, Math.floor((own.right + other.left) / 2)) });
  if (leftOf)
    limits.push({ edge: 'left', value: Math.min(own.left, Math.ceil((other.right + own.left) / 2)) });
  if (below)
    limits.push({ edge: 'bottom', value: Math.max(own.bottom, Math.floor((own.bottom + other.top) / 2)) });
  if (above) limits.push({ edge: 'top', value: Math.min(own.top, Math.ceil((other.bottom + own.top) / 2)) });
  if (limits.length === 0) return;

  // The neighbour's share of the gap: its box grown by the half gap towards this one.
  const zone: Edges = { ...other };
  for (const l of limits) {
    if (l.edge === 'right') zone.left = l.value;
    if (l.edge === 'left') zone.right = l.value;
    if (l.edge === 'bottom') zone.top = l.value;
    if (l.edge === 'top') zone.bottom = l.value;
  }
  const overlaps =
    crop.left < zone.right && zone.left < crop.right && crop.top < zone.bottom && zone.top < crop.bottom;
  if (!overlaps) return;

  // Pulling back any one edge that faces the neighbour clears it; a neighbour off to a diagonal faces two
  // edges, and the one that keeps more of the crop is pulled back.
  const area = (e: Edges): number => (e.right - e.left) * (e.bottom - e.top);
  const best = limits.reduce((a, b) => (area(pulledBack(crop, b)) > area(pulledBack(crop, a)) ? b : a));
  Object.assign(crop, pulledBack(crop, best));
}

/** The crop with one edge pulled back to `limit` (never pushed out). */
function pulledBack(crop: Edges, limit: { edge: keyof Edges; value: number }): Edges {
  const grows = limit.edge === 'right' || limit.edge === 'bottom';
  const value = grows ? Math.min(crop[limit.edge], limit.value) : Math.max(crop[limit.edge], limit.value);
  return { ...crop, [limit.edge]: value };
}

/**
 * Every box's crop: padded by `padding` pixels (default: `defaultPadding` of each box), clamped to the
 * image, and kept clear of every other box by `keepClearOf`. Boxes and the result are in the same pixels
 * (the image being cut). An entry is undefined when its box lies wholly outside the image.
 */
export function cropRects(boxes: readonly Box[], size: Size, padding?: number): (Box | undefined)[] {
  const all = boxes.map(edgesOf);
  return boxes.map((box, i) => {
    const pad = Math.max(0, Math.round(padding ?? defaultPadding(box)));
    const own = all[i] as Edges;
    if (!clampToImage(box, size)) return undefined;
    // Clamped to the image first, so a neighbour off to a diagonal is judged on the crop that can exist.
    const crop: Edges = {
      left: Math.max(0, own.left - pad),
      top: Math.max(0, own.top - pad),
      right: Math.min(size.width, own.right + pad),
      bottom: Math.min(size.height, own.bottom + pad),
    };
    all.forEach((other, j) => {
      if (j !== i) keepClearOf(crop, own, other);
    });
    return clampToImage(
      { x: crop.left, y: crop.top, width: crop.right - crop.left, height: crop.bottom - crop.top },
      size,
    );
  });
}
