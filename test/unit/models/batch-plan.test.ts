/** The batch plan's figures: runs, pictures, cost per model and in total, time at the rate limit, balance. */
import { describe, expect, it } from 'vitest';
import { describePlan, estimateDurationMs, planBatch } from '../../../src/services/generation/batch-plan';

const ID = (n: number) => `00000000${n}`.slice(-9) + 'aaaaaaaa';

describe('planBatch', () => {
  it('multiplies models x characters x sheets x seeds, and prices each model', () => {
    const plan = planBatch(
      {
        modelIds: ['consistent-character-ai-neolemon', 'consistent-character'],
        characterIds: [ID(1), ID(2)],
        poseIds: [ID(3), ID(4), ID(5)],
        seeds: [1, 2],
        params: { number_of_outputs: 2 },
      },
      { requestsPerMinute: 50, concurrency: 8, balance: 10 },
    );
    expect(plan.runs).toBe(24);
    // consistent-character makes 2 poses x 1 picture a run here.
    expect(plan.pictures).toBe(12 + 24);
    expect(plan.perModel.map((m) => [m.modelId, m.runs, m.cost])).toEqual([
      ['consistent-character-ai-neolemon', 12, 1.56],
      ['consistent-character', 12, 1.02],
    ]);
    expect(plan.totalCost).toBe(2.58);
    expect(plan.covers).toBe(true);
  });

  it('draws N new seeds once, and says when the balance does not cover it', () => {
    let n = 0;
    const plan = planBatch(
      {
        modelIds: ['consistent-character-AI-neolemon-v3'],
        characterIds: [ID(1)],
        poseIds: [ID(3)],
        seeds: { count: 3 },
        params: {},
      },
      { requestsPerMinute: 5, concurrency: 2, balance: 1 },
      () => [0.1, 0.2, 0.3][n++] ?? 0,
    );
    expect(plan.seeds).toEqual([429496729, 858993459, 1288490188]);
    expect(plan.totalCost).toBe(1.74);
    expect(plan.covers).toBe(false);
    expect(describePlan(plan).join('\n')).toContain('does NOT cover it (short by 0.740)');
  });

  it('refuses a batch over 1000 runs and an unknown model', () => {
    const base = { characterIds: [ID(1)], poseIds: [ID(3)], params: {} };
    const limits = { requestsPerMinute: 5, concurrency: 2, balance: null };
    expect(() =>
      planBatch({ ...base, modelIds: ['consistent-character-ai-neolemon'], seeds: { count: 1001 } }, limits),
    ).toThrow(/at most 1000/);
    expect(() => planBatch({ ...base, modelIds: ['nope'], seeds: [1] }, limits)).toThrow(
      /no model named nope/,
    );
  });
});

describe('estimateDurationMs', () => {
  it('is bound by the rate limit when lanes are plenty: 12 runs at 5 a minute end 84 s + one run', () => {
    expect(estimateDurationMs(Array(12).fill(40_000), 5, 8)).toBe(84_000 + 40_000);
  });
  it('is bound by concurrency when the limit is generous: 12 runs two at a time take six rounds', () => {
    expect(estimateDurationMs(Array(12).fill(40_000), 600, 2)).toBe(240_000);
  });
});
