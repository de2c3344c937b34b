import type { ReviewChange } from '../results/results-data';
import type { CommandHandlers } from '../../app/commands';

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

/** The same review actions as palette commands; none when `apply` is undefined (nothing to review). */
export function reviewCommands(apply: ((change: ReviewChange) => void) | undefined): CommandHandlers {
  if (!apply) return {};
  return {
    'review.rate0': () => apply({ rating: 0 }),
    'review.rate1': () => apply({ rating: 1 }),
    'review.rate2': () => apply({ rating: 2 }),
    'review.rate3': () => apply({ rating: 3 }),
    'review.rate4': () => apply({ rating: 4 }),
    'review.rate5': () => apply({ rating: 5 }),
    'review.pick': () => apply({ flag: 'pick' }),
    'review.reject': () => apply({ flag: 'reject' }),
    'review.unflag': () => apply({ flag: 'none' }),
  };
}
