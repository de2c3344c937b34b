import type { ReviewChange } from '../results/results-data';

/**
 * The review keys of UI.md, the same in the grid, the loupe and every review view: digits always rate
 * (0 clears), P picks, X rejects, U unflags. Spread into a useKeyMap table; `apply` decides what they act on.
 */
export function reviewKeys(apply: (change: ReviewChange) => void): Record<string, () => void> {
  const keys: Record<string, () => void> = {
    p: () => apply({ flag: 'pick' }),
    x: () => apply({ flag: 'reject' }),
    u: () => apply({ flag: 'none' }),
  };
  for (let rating = 0; rating <= 5; rating++) keys[String(rating)] = () => apply({ rating });
  return keys;
}
