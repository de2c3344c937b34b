// Windows is not available here, so the retry is tested with an injected rename that fails N times the
// way Windows does when a sync tool or scanner holds the target open (EPERM, EBUSY, EACCES).
import { describe, expect, it } from 'vitest';
import {
  RENAME_RETRY_BUDGET_MS,
  renameWithRetry,
  type RenameRetryDeps,
} from '../../../src/library/rename-retry';

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: rename`), { code });

/** A rename that throws `code` for its first `failures` calls, then succeeds; sleeps are recorded, not slept. */
function fakes(failures: number, code = 'EBUSY', platform: NodeJS.Platform = 'win32') {
  const calls: Array<[string, string]> = [];
  const slept: number[] = [];
  const deps: Partial<RenameRetryDeps> = {
    platform,
    rename: async (from, to) => {
      calls.push([from, to]);
      if (calls.length <= failures) throw errno(code);
    },
    sleep: async (ms) => {
      slept.push(ms);
    },
  };
  return { deps, calls, slept };
}

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

describe('renameWithRetry', () => {
  it.each(['EPERM', 'EBUSY', 'EACCES'])(
    'on win32 retries %s until the rename succeeds, with growing pauses',
    async (code) => {
      const { deps, calls, slept } = fakes(3, code);
      await renameWithRetry('a.tmp', 'a.json', deps);
      expect(calls).toHaveLength(4);
      expect(calls.every(([from, to]) => from === 'a.tmp' && to === 'a.json')).toBe(true);
      expect(slept).toHaveLength(3);
      expect(slept[1]!).toBeGreaterThan(slept[0]!);
      expect(slept[2]!).toBeGreaterThan(slept[1]!);
    },
  );

  it('gives up after about a second of waiting and throws the last error', async () => {
    const { deps, calls, slept } = fakes(Number.POSITIVE_INFINITY, 'EPERM');
    await expect(renameWithRetry('a.tmp', 'a.json', deps)).rejects.toMatchObject({ code: 'EPERM' });
    expect(sum(slept)).toBe(RENAME_RETRY_BUDGET_MS);
    expect(calls.length).toBe(slept.length + 1);
    expect(calls.length).toBeLessThan(12);
  });

  it('does not retry other errors on win32', async () => {
    const { deps, calls, slept } = fakes(1, 'ENOENT');
    await expect(renameWithRetry('a.tmp', 'a.json', deps)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(calls).toHaveLength(1);
    expect(slept).toEqual([]);
  });

  it.each(['linux', 'darwin'] as const)(
    'does not retry at all on %s (there the codes mean a real permission problem)',
    async (platform) => {
      const { deps, calls } = fakes(1, 'EPERM', platform);
      await expect(renameWithRetry('a.tmp', 'a.json', deps)).rejects.toMatchObject({ code: 'EPERM' });
      expect(calls).toHaveLength(1);
    },
  );

  it('a first-time success costs no pause', async () => {
    const { deps, calls, slept } = fakes(0);
    await renameWithRetry('a.tmp', 'a.json', deps);
    expect(calls).toHaveLength(1);
    expect(slept).toEqual([]);
  });
});
