import { describe, expect, it } from 'vitest';
import { runBudget } from '../../../renderer/src/features/queue/queue-data';

describe('the credits a run leaves, and whether it can be paid', () => {
  it('shows the real figure after this run, negative included, and refuses a run the balance cannot pay', () => {
    expect(runBudget(10, 0.13, 0)).toEqual({ after: 10 - 0.13, cannotPay: null });
    const short = runBudget(0.05, 0.13, 0);
    expect(short.after).toBeCloseTo(-0.08, 10);
    expect(short.cannotPay).toMatch(/this run costs ≈ 0\.13 and 0\.05 would be left/);
  });

  it('counts the jobs already waiting or running before this one', () => {
    const budget = runBudget(0.3, 0.13, 2);
    expect(budget.after).toBeCloseTo(0.3 - 0.39, 10);
    expect(budget.cannotPay).toMatch(/after the 2 jobs already queued \(≈ 0\.26\)/);
    expect(runBudget(0.4, 0.13, 2).cannotPay).toBeNull();
  });

  it('says nothing while the balance is unknown (offline, no key): the queue decides then', () => {
    expect(runBudget(undefined, 0.13, 3)).toEqual({ after: undefined, cannotPay: null });
  });
});
