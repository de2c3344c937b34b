/**
 * A job whose pose sheet the disk fails to read from the outbox fails with the error the one errno table
 * gives that fault (IO_ERROR for EIO/EBUSY/EISDIR, PERMISSION_DENIED for EACCES, NOT_FOUND for ENOENT),
 * never INTERNAL, and nothing is sent. The real runtime and the stand-in; one injected fault per job on
 * the read of its `input.*` (everything else goes to the real node:fs/promises).
 */
import { describe, expect, it, vi } from 'vitest';

interface Rule {
  op: string;
  path: RegExp;
  code: string;
  times: number;
}
const faults = vi.hoisted(() => ({ rules: [] as Rule[], fired: [] as string[] }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<Record<string, unknown>>();
  const wrapped: Record<string, unknown> = { ...actual };
  for (const op of ['readFile']) {
    const real = actual[op] as (...args: unknown[]) => Promise<unknown>;
    wrapped[op] = async (...args: unknown[]) => {
      const path = String(args[0]);
      const rule = faults.rules.find((r) => r.op === op && r.times > 0 && r.path.test(path));
      if (rule) {
        rule.times--;
        faults.fired.push(`${op} ${path}`);
        throw Object.assign(new Error(`${rule.code}: injected, ${op} '${path}'`), {
          code: rule.code,
          errno: -5,
          syscall: op,
          path,
        });
      }
      return real(...args);
    };
  }
  return { ...wrapped, default: wrapped };
});

import { enqueue, isSettled, seedExample, standIn, startApp } from './support';

const INPUT = /[/\\]outbox[/\\][a-z0-9]+[/\\]input\.[a-z]+$/;

describe('the outbox read of a job’s pose sheet fails', () => {
  it.each([
    ['EIO', 'IO_ERROR'],
    ['EBUSY', 'IO_ERROR'],
    ['EISDIR', 'IO_ERROR'],
    ['EACCES', 'PERMISSION_DENIED'],
    ['ENOENT', 'NOT_FOUND'],
  ])('with %s: the job fails with %s, not INTERNAL, and nothing is sent', async (code, expected) => {
    faults.rules.length = 0;
    faults.fired.length = 0;
    const server = await standIn({ credits: 10 });
    const app = await startApp({ segmindBaseUrl: server.url, key: server.key });
    const seeded = await seedExample(app);
    faults.rules.push({ op: 'readFile', path: INPUT, code, times: 1 });

    const queued = await enqueue(app, seeded);
    const job = await app.waitForJob(queued.id, isSettled, 5000, 'settled');
    expect(faults.fired).toHaveLength(1);
    expect(job.state).toBe('failed');
    expect(job.error?.code).toBe(expected);
    expect(job.error?.message).toMatch(/pose sheet could not be read from the outbox/);
    expect(server.postCount).toBe(0);
  });
});
