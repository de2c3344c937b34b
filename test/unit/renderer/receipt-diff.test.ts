import { describe, expect, it } from 'vitest';
import type { Result } from '../../../src/domain';
import type { ResultSummary } from '../../../src/contract/calls/workspace';
import { diffReceipts, type Comparable } from '../../../renderer/src/features/compare/receipt-diff';
import { v1Receipt } from '../../fixtures-gen/receipts';

const format = {
  credits: (n: number) => n.toFixed(2),
  duration: (ms: number) => `${(ms / 1000).toFixed(1)} s`,
  date: (iso: string) => iso.slice(0, 10),
};

function comparable(patch: {
  seed?: number;
  steps?: number;
  durationMs?: number;
  createdAt?: string;
  pose?: string;
}): Comparable {
  const receipt = v1Receipt({});
  const request = { ...receipt.request, seed: patch.seed ?? 1, num_inference_steps: patch.steps ?? 20 };
  const result = {
    id: 'r',
    createdAt: patch.createdAt ?? '2026-11-30T10:00:00.000Z',
    file: 'results/r.jpg',
    width: 2048,
    height: 1024,
    modelId: receipt.modelId,
    characterId: 'c',
    poseId: 'p',
    receipt: {
      ...receipt,
      request,
      response: {
        ...receipt.response,
        headers: { ...receipt.response.headers, seed: patch.seed ?? 1, cost: 0.13 },
      },
      timings: { ...receipt.timings, durationMs: patch.durationMs ?? 38_200 },
    },
    review: { rating: 0, flag: 'none', tags: [] },
  } as Result;
  const summary = { characterName: 'Mira', poseName: patch.pose ?? 'Arms up' } as ResultSummary;
  return { result, summary };
}

describe('the compare panel lists only what differs', () => {
  it('two results that differ in seed and steps give exactly those two rows', () => {
    const diff = diffReceipts(comparable({ seed: 1, steps: 20 }), comparable({ seed: 2, steps: 30 }), format);
    expect(diff.rows.map((r) => r.key).sort()).toEqual(['param:num_inference_steps', 'seed']);
    expect(diff.rows.find((r) => r.key === 'seed')).toMatchObject({
      label: 'Seed used',
      select: '1',
      candidate: '2',
    });
    expect(diff.same).toBeGreaterThan(5);
  });

  it('counts everything as the same for two identical receipts', () => {
    const diff = diffReceipts(comparable({}), comparable({}), format);
    expect(diff.rows).toEqual([]);
  });

  it('treats durations within the same second and results of the same day as the same', () => {
    const a = comparable({ durationMs: 38_200, createdAt: '2026-11-30T10:00:00.000Z' });
    const b = comparable({ durationMs: 38_400, createdAt: '2026-11-30T10:07:00.000Z' });
    expect(diffReceipts(a, b, format).rows).toEqual([]);
    const c = comparable({ durationMs: 52_000, createdAt: '2026-12-01T09:00:00.000Z', pose: 'Running' });
    expect(
      diffReceipts(a, c, format)
        .rows.map((r) => r.key)
        .sort(),
    ).toEqual(['date', 'duration', 'pose']);
  });
});
