import { describe, expect, it } from 'vitest';
import { capUse, formatSpend, parseCap } from '../../../renderer/src/features/spend/spend-data';
import { chartPoints } from '../../../renderer/src/features/spend/BalanceChart';
import { asyncPhase } from '../../../renderer/src/features/queue/queue-data';

describe('the spending cap as typed', () => {
  it('takes a number of credits, with decimals, rounded to Segmind’s three', () => {
    expect(parseCap('20')).toEqual({ ok: true, credits: 20 });
    expect(parseCap(' 12.5 ')).toEqual({ ok: true, credits: 12.5 });
    expect(parseCap('.25')).toEqual({ ok: true, credits: 0.25 });
    expect(parseCap('0.12345')).toEqual({ ok: true, credits: 0.123 });
    // 0 is a cap too: no more runs at all.
    expect(parseCap('0')).toEqual({ ok: true, credits: 0 });
  });

  it('refuses what is not a plain amount, saying why', () => {
    expect(parseCap('')).toEqual({
      ok: false,
      message: 'Enter the most this project may spend, in credits.',
    });
    expect(parseCap('-5')).toEqual({ ok: false, message: 'A cap cannot be below 0 credits.' });
    expect(parseCap('twenty')).toMatchObject({
      ok: false,
      message: expect.stringContaining('“twenty” is not a number'),
    });
    expect(parseCap('1e3')).toMatchObject({ ok: false });
    expect(parseCap('12.5.1')).toMatchObject({ ok: false });
    expect(parseCap('Infinity')).toMatchObject({ ok: false });
    expect(parseCap('1,000')).toMatchObject({
      ok: false,
      message: expect.stringContaining('dot for decimals'),
    });
    expect(parseCap('1000001')).toEqual({ ok: false, message: 'Enter at most 1,000,000 credits.' });
  });
});

describe('the cap’s bar', () => {
  it('counts the receipts and the runs under way, and says when the cap is near or reached', () => {
    expect(capUse({ credits: 20, spent: 12.4, underWay: 0 })).toEqual({
      used: 12.4,
      fraction: 0.62,
      over: false,
      near: false,
    });
    expect(capUse({ credits: 20, spent: 15.87, underWay: 0.26 })).toMatchObject({
      used: 16.13,
      near: true,
      over: false,
    });
    expect(capUse({ credits: 1, spent: 1.3, underWay: 0 })).toMatchObject({ fraction: 1, over: true });
    expect(capUse({ credits: 0, spent: 0, underWay: 0 })).toMatchObject({ fraction: 1, over: true });
  });

  it('shows credits with three decimals', () => {
    expect(formatSpend(12.4)).toBe('12.400');
    expect(formatSpend(0.013)).toBe('0.013');
    expect(formatSpend(1234.5)).toBe('1,234.500');
  });
});

describe('the balance chart', () => {
  it('places points by time and credits, the lowest balance at the bottom', () => {
    const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 10, minute)).toISOString();
    const xy = chartPoints([
      { at: at(0), credits: 10, resultId: 'a' },
      { at: at(1), credits: 9, resultId: 'b' },
      { at: at(10), credits: 8, resultId: 'c' },
    ]);
    expect(xy[0]!.x).toBeLessThan(xy[1]!.x);
    // A nine-minute gap takes nine times the room of a one-minute one.
    expect((xy[2]!.x - xy[1]!.x) / (xy[1]!.x - xy[0]!.x)).toBeCloseTo(9, 6);
    expect(xy[0]!.y).toBeLessThan(xy[1]!.y);
    expect(xy[1]!.y).toBeLessThan(xy[2]!.y);
  });

  it('spreads points made at one instant, and draws one point or a flat balance in the middle', () => {
    const at = new Date(Date.UTC(2026, 0, 1)).toISOString();
    const same = chartPoints([
      { at, credits: 5, resultId: 'a' },
      { at, credits: 5, resultId: 'b' },
    ]);
    expect(same[0]!.x).toBeLessThan(same[1]!.x);
    expect(same[0]!.y).toBe(same[1]!.y);
    expect(chartPoints([{ at, credits: 5, resultId: 'a' }])).toEqual([{ x: 300, y: 60 }]);
  });
});

describe('what a running async job says', () => {
  const running = { state: 'submitting' as const, api: 'v2' as const };
  it('follows Segmind’s stages from what the job records', () => {
    expect(asyncPhase(running)?.word).toBe('Sending to Segmind');
    expect(asyncPhase({ ...running, requestId: 'r1' })?.word).toBe('Waiting at Segmind');
    expect(asyncPhase({ ...running, requestId: 'r1', remoteStatus: 'QUEUED' })?.word).toBe(
      'Waiting at Segmind',
    );
    expect(asyncPhase({ ...running, requestId: 'r1', remoteStatus: 'PROCESSING' })?.word).toBe(
      'Segmind is drawing',
    );
    expect(asyncPhase({ ...running, requestId: 'r1', remoteStatus: 'COMPLETED' })?.word).toBe('Downloading');
    expect(asyncPhase({ ...running, requestId: 'r1', remoteStatus: 'STARTING' })?.word).toBe(
      'Segmind says starting',
    );
  });

  it('claims no stage for a synchronous run or a job that is not running', () => {
    expect(asyncPhase({ state: 'submitting', api: 'v1' })).toBeNull();
    expect(asyncPhase({ state: 'submitting' })).toBeNull();
    expect(asyncPhase({ state: 'queued', api: 'v2' })).toBeNull();
    expect(
      asyncPhase({ state: 'completed', api: 'v2', requestId: 'r', remoteStatus: 'COMPLETED' }),
    ).toBeNull();
  });
});
