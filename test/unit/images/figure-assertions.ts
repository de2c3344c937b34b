import { expect } from 'vitest';
import type { Box } from '../../../src/domain/pose';

/** Every found box matches the true one within `tolerance` pixels on each edge, in the same order. */
export function expectBoxesNear(found: readonly Box[], truth: readonly Box[], tolerance: number): void {
  expect(found).toHaveLength(truth.length);
  truth.forEach((t, i) => {
    const f = found[i];
    if (!f) throw new Error(`figure ${i} missing`);
    const edges = (b: Box) => [b.x, b.y, b.x + b.width, b.y + b.height];
    const diffs = edges(f).map((e, k) => Math.abs(e - (edges(t)[k] ?? 0)));
    expect(
      Math.max(...diffs),
      `figure ${i}: found ${JSON.stringify(f)}, truth ${JSON.stringify(t)}`,
    ).toBeLessThanOrEqual(tolerance);
  });
}
