import { describe, expect, it } from 'vitest';
import { CommitBatches, type BatchPolicy } from '../../../src/library/workspace/commit-batches';

/** An idle signal the test gives by hand. */
function idleSwitch() {
  let waiters: (() => void)[] = [];
  return {
    idle: () => new Promise<void>((resolve) => waiters.push(resolve)),
    fire() {
      const woken = waiters;
      waiters = [];
      for (const wake of woken) wake();
    },
  };
}

const policy = (changes: Partial<BatchPolicy> = {}): BatchPolicy => ({
  minSize: 4,
  maxBytes: 1_000_000,
  interval: 60_000,
  ...changes,
});

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('CommitBatches', () => {
  it('writes what waits in one write, in order, once nothing else is under way', async () => {
    const writes: string[][] = [];
    const { idle, fire } = idleSwitch();
    const batches = new CommitBatches<string>(
      async (values) => (writes.push(values), values.length),
      idle,
      0,
      policy(),
    );
    const done = ['a', 'b', 'c'].map((v) => batches.add(v));
    await tick();
    expect(writes).toEqual([]); // under the batch size, and not idle yet
    fire();
    await Promise.all(done);
    expect(writes).toEqual([['a', 'b', 'c']]);
  });

  it('writes a full batch at once, and the batch grows with the list (half of it)', async () => {
    const writes: number[][] = [];
    const { idle, fire } = idleSwitch();
    let listed = 10;
    const batches = new CommitBatches<number>(
      async (values) => {
        writes.push(values);
        listed += values.length;
        return listed;
      },
      idle,
      listed,
      policy(),
    );
    // Half of 10 is 5: the fifth value triggers the write.
    const first = [1, 2, 3, 4, 5].map((v) => batches.add(v));
    await Promise.all(first);
    expect(writes).toEqual([[1, 2, 3, 4, 5]]);
    // Now 15 are listed: 8 make a batch; 7 wait for the idle signal.
    const second = [6, 7, 8, 9, 10, 11, 12].map((v) => batches.add(v));
    await tick();
    expect(writes).toHaveLength(1);
    fire();
    await Promise.all(second);
    expect(writes).toEqual([
      [1, 2, 3, 4, 5],
      [6, 7, 8, 9, 10, 11, 12],
    ]);
  });

  it('writes after the interval when the run never goes idle, and after maxBytes of input', async () => {
    const writes: string[][] = [];
    const never = () => new Promise<void>(() => undefined);
    const timed = new CommitBatches<string>(
      async (values) => (writes.push(values), 0),
      never,
      0,
      policy({ interval: 20 }),
    );
    await timed.add('late');
    expect(writes).toEqual([['late']]);

    const big = new CommitBatches<string>(
      async (values) => (writes.push(values), 0),
      never,
      0,
      policy({ maxBytes: 100 }),
    );
    const first = big.add('x', 60);
    await tick();
    expect(writes).toHaveLength(1);
    await Promise.all([first, big.add('y', 60)]);
    expect(writes).toEqual([['late'], ['x', 'y']]);
  });

  it('rejects every value of a failed write with its error, and writes the next batch', async () => {
    const { idle, fire } = idleSwitch();
    let fail = true;
    const written: string[][] = [];
    const batches = new CommitBatches<string>(
      async (values) => {
        if (fail) throw Object.assign(new Error('ENOSPC: no space left'), { code: 'ENOSPC' });
        written.push(values);
        return values.length;
      },
      idle,
      0,
      policy(),
    );
    const failed = ['a', 'b'].map((v) => batches.add(v).catch((e: unknown) => e));
    fire();
    const errors = await Promise.all(failed);
    expect(errors.map((e) => (e as { code?: string }).code)).toEqual(['ENOSPC', 'ENOSPC']);
    fail = false;
    const next = batches.add('c');
    fire();
    await next;
    expect(written).toEqual([['c']]);
  });

  it('writes one batch at a time: what is added during a write goes into the next one', async () => {
    const { idle, fire } = idleSwitch();
    const writes: string[][] = [];
    let release!: () => void;
    let running = 0;
    let most = 0;
    const batches = new CommitBatches<string>(
      async (values) => {
        running++;
        most = Math.max(most, running);
        writes.push(values);
        if (writes.length === 1) await new Promise<void>((resolve) => (release = resolve));
        running--;
        return 0;
      },
      idle,
      0,
      policy(),
    );
    const first = batches.add('a');
    fire();
    await tick();
    expect(writes).toEqual([['a']]);
    const later = [batches.add('b'), batches.add('c')];
    fire();
    await tick();
    expect(writes).toHaveLength(1); // waits for the write under way
    release();
    await Promise.all([first, ...later]);
    expect(writes).toEqual([['a'], ['b', 'c']]);
    expect(most).toBe(1);
  });
});
