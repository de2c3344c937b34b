/**
 * The rules for following an async (v2) run, as pure decisions: how often to poll, when Segmind's record
 * of a run is surely gone, and what a retired model's error offers instead.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_POLL_BACKOFF,
  expiredRunError,
  nextPollDelay,
  outputFileName,
  retiredModelError,
  withinRecordLifetime,
} from '../../../src/jobs/async-run';
import { defaultSegmindApi, segmindApiFor, defaultSettings } from '../../../src/domain';
import { consistentCharacterV1, consistentCharacterV3 } from '../../../src/models';

describe('polling an accepted run', () => {
  it('backs off from the first delay to the ceiling and stays there', () => {
    const delays: number[] = [];
    let delay: number | undefined;
    for (let i = 0; i < 12; i++) delays.push((delay = nextPollDelay(delay, DEFAULT_POLL_BACKOFF)));
    expect(delays[0]).toBe(DEFAULT_POLL_BACKOFF.firstMs);
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]!);
    expect(delays.at(-1)).toBe(DEFAULT_POLL_BACKOFF.maxMs);
    // Over a typical 40 s run the status is asked a handful of times, not hundreds.
    let total = 0;
    let polls = 0;
    delay = undefined;
    while (total < 40_000) {
      total += delay = nextPollDelay(delay, DEFAULT_POLL_BACKOFF);
      polls++;
    }
    expect(polls).toBeLessThan(12);
  });

  it('gives up on a record only after its hour (and a margin) has passed', () => {
    const submittedAt = '2026-01-01T10:00:00.000Z';
    const at = (iso: string) => Date.parse(iso);
    expect(withinRecordLifetime({ submittedAt }, at('2026-01-01T10:59:00.000Z'))).toBe(true);
    expect(withinRecordLifetime({ submittedAt }, at('2026-01-01T11:02:00.000Z'))).toBe(true);
    expect(withinRecordLifetime({ submittedAt }, at('2026-01-01T11:06:00.000Z'))).toBe(false);
    expect(withinRecordLifetime({}, Date.now())).toBe(false);
    expect(expiredRunError({ requestId: 'r1', submittedAt }).detail).toMatchObject({
      reason: 'expired',
      requestId: 'r1',
    });
  });

  it('names the outputs so that only the first is taken for the paid image', () => {
    expect(outputFileName(0, 'jpeg')).toBe('output.jpg');
    expect(outputFileName(1, 'png')).toBe('output-2.png');
  });
});

describe('a retired model', () => {
  it('offers every other model the app can generate with, by name', () => {
    const error = retiredModelError(consistentCharacterV1.id, {
      code: 'MODEL_RETIRED',
      message: 'Segmind has retired this model, so it can no longer be used. Nothing was charged.',
      detail: { status: 410 },
    });
    const alternatives = error.detail?.alternatives as { id: string; name: string }[];
    expect(alternatives.map((a) => a.id)).toContain(consistentCharacterV3.id);
    expect(alternatives.map((a) => a.id)).not.toContain(consistentCharacterV1.id);
    expect(error.message).toContain(consistentCharacterV3.name);
    expect(error.message).toContain('Nothing was charged');
    expect(error.detail).toMatchObject({ status: 410, modelId: consistentCharacterV1.id });
  });
});

describe('which API a model uses', () => {
  it('keeps V1 on v1 by default, the others on v2, and follows the person’s choice', () => {
    const settings = defaultSettings();
    expect(defaultSegmindApi(consistentCharacterV1.id)).toBe('v1');
    expect(segmindApiFor(settings, consistentCharacterV1.id)).toBe('v1');
    expect(segmindApiFor(settings, consistentCharacterV3.id)).toBe('v2');
    const chosen = { ...settings, segmindApiByModel: { [consistentCharacterV1.id]: 'v2' as const } };
    expect(segmindApiFor(chosen, consistentCharacterV1.id)).toBe('v2');
    // A name that is not a model of its own is never found on Object.prototype.
    expect(segmindApiFor(settings, 'constructor')).toBe('v2');
  });
});
