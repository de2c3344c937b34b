import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/services/event-bus';
import { TaskRegistry } from '../../../src/services/workspace/tasks';
import { KeyedMutex } from '../../../src/library/workspace/keyed-mutex';

const collect = (bus: EventBus) => {
  const seen: unknown[] = [];
  bus.on((name, payload) => {
    if (name === 'task.progress') seen.push(payload);
  });
  return seen;
};

describe('TaskRegistry', () => {
  it('reports progress under the task id and a single finished event, even on failure', async () => {
    const bus = new EventBus();
    const seen = collect(bus);
    const tasks = new TaskRegistry(bus);
    const value = await tasks.run('export', 'ex-1', async (control) => {
      control.onProgress?.(1, 2, 0);
      control.onProgress?.(2, 2, 1);
      return 'done';
    });
    expect(value).toBe('done');
    expect(seen).toEqual([
      { taskId: 'ex-1', kind: 'export', done: 1, total: 2, failed: 0, finished: false },
      { taskId: 'ex-1', kind: 'export', done: 2, total: 2, failed: 1, finished: false },
      { taskId: 'ex-1', kind: 'export', done: 2, total: 2, failed: 1, finished: true },
    ]);
    await expect(tasks.run('cut', 'boom', async () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    expect(seen.at(-1)).toMatchObject({ taskId: 'boom', finished: true });
  });

  it('cancels a running task, honours a cancel that came just before it started, and refuses a twin', async () => {
    const tasks = new TaskRegistry(new EventBus());
    let release = (): void => undefined;
    const running = tasks.run(
      'import',
      'imp-1',
      (control) =>
        new Promise<boolean>((resolve) => {
          release = () => resolve(control.signal?.aborted ?? false);
        }),
    );
    await expect(tasks.run('import', 'imp-1', async () => 1)).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
    });
    expect(tasks.cancel('imp-1')).toBe(true);
    release();
    expect(await running).toBe(true);

    expect(tasks.cancel('imp-2')).toBe(false); // not started yet
    expect(await tasks.run('import', 'imp-2', async (control) => control.signal?.aborted)).toBe(true);
    expect(await tasks.run('import', 'imp-2', async (control) => control.signal?.aborted)).toBe(false); // used up
  });

  it('makes an id when the UI gives none', async () => {
    const bus = new EventBus();
    const seen = collect(bus) as { taskId: string }[];
    const id = await new TaskRegistry(bus).run('thumbnails', undefined, async (_c, taskId) => taskId);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen[0]?.taskId).toBe(id);
  });
});

describe('KeyedMutex', () => {
  it('runs work one at a time per key, in order, and carries on after a failure', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const step = (key: string, name: string, ms: number, fail = false) =>
      mutex.run(key, async () => {
        log.push(`${name}+`);
        await new Promise((r) => setTimeout(r, ms));
        log.push(`${name}-`);
        if (fail) throw new Error(name);
        return name;
      });
    const results = await Promise.allSettled([
      step('a', 'a1', 20, true),
      step('a', 'a2', 1),
      step('b', 'b1', 5),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(log.indexOf('a1-')).toBeLessThan(log.indexOf('a2+'));
    expect(log.indexOf('b1+')).toBeLessThan(log.indexOf('a1-')); // other keys do not wait
  });
});
