import type { Box } from '../../../src/domain/pose';

/** Intersection over union of two boxes: 1 when identical, 0 when apart. */
export function iou(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (a.width * a.height + b.width * b.height - inter);
}

/**
 * For each true box, the found box that overlaps it best (each found box used once, best pairs first),
 * so a test measures framing without depending on the order boxes come back in.
 */
export function matchBoxes(truth: readonly Box[], found: readonly Box[]): (Box | undefined)[] {
  const pairs = truth
    .flatMap((t, i) => found.map((f, j) => ({ i, j, score: iou(t, f) })))
    .filter((p) => p.score > 0)
    .sort((a, b) => b.score - a.score);
  const out: (Box | undefined)[] = truth.map(() => undefined);
  const used = new Set<number>();
  for (const p of pairs) {
    if (out[p.i] || used.has(p.j)) continue;
    out[p.i] = found[p.j];
    used.add(p.j);
  }
  return out;
}
