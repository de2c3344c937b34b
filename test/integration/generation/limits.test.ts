/**
 * Done when (7): the queue keeps to its limits. Concurrency 2 means at most two requests in flight; a limit
 * of N requests a minute means the (N+1)th waits for the minute instead of earning a 429.
 */
import { describe, expect, it } from 'vitest';
import type { Job } from '../../../src/domain';
import { enqueue, isDelivered, seedExample, sleep, standIn, startApp, until } from './support';

describe('limits', () => {
  it('never has more than `concurrency` (2) requests in flight, and uses both', async () => {
    const latencyMs = 300;
    const server = await standIn({ credits: 10, latencyMs });
    const app = await startApp({
      segmindBaseUrl: server.url,
      key: server.key,
      settings: { concurrency: 2, requestsPerMinute: 50 },
    });
    const seeded = await seedExample(app);

    // Count what is in flight from the jobs' own states as the person sees them (events) and from the queue.
    const states = new Map<string, string>();
    let maxSubmitting = 0;
    let maxRunning = 0;
    app.runtime.events.on((name, payload) => {
      if (name === 'jobs.updated') {
        const job = payload as Job;
        states.set(job.id, job.state);
        maxSubmitting = Math.max(
          maxSubmitting,
          [...states.values()].filter((s) => s === 'submitting').length,
        );
      }
      if (name === 'queue.changed')
        maxRunning = Math.max(maxRunning, (payload as { running: number }).running);
    });

    const started = Date.now();
    const jobs: Job[] = [];
    for (let i = 0; i < 5; i++) jobs.push(await enqueue(app, seeded));
    for (const job of jobs) await app.waitForJob(job.id, isDelivered, 10_000, 'completed');
    const elapsed = Date.now() - started;

    expect(server.postCount).toBe(5);
    expect(maxSubmitting).toBe(2);
    expect(maxRunning).toBe(2);
    // Five runs of 300 ms two at a time take at least three rounds.
    expect(elapsed).toBeGreaterThanOrEqual(3 * latencyMs);
  });

  it('sends no more than N requests a minute: with N = 2 the third waits', async () => {
    const server = await standIn({ credits: 10 });
    const app = await startApp({
      segmindBaseUrl: server.url,
      key: server.key,
      settings: { concurrency: 2, requestsPerMinute: 2 },
    });
    const seeded = await seedExample(app);

    const jobs: Job[] = [];
    for (let i = 0; i < 3; i++) jobs.push(await enqueue(app, seeded));
    await app.waitForJob(jobs[0]!.id, isDelivered, 5000, 'completed');
    await app.waitForJob(jobs[1]!.id, isDelivered, 5000, 'completed');
    await sleep(600);

    // Both slots are free, yet the third has not gone out: the minute's budget is spent.
    expect(server.postCount).toBe(2);
    const third = await app.job(jobs[2]!.id);
    expect(third.state).toBe('queued');
    expect(third.attempts).toBe(0);
    expect(third.error).toBeUndefined();
    const state = (await app.call('jobs.list', {})).state;
    expect([state.paused, state.running, state.online]).toEqual([null, 0, true]);

    // It was the limit, nothing else, that held it back: with a higher one the next pump sends it.
    await app.call('settings.update', { requestsPerMinute: 50 });
    const fourth = await enqueue(app, seeded);
    await app.waitForJob(jobs[2]!.id, isDelivered, 5000, 'completed');
    await app.waitForJob(fourth.id, isDelivered, 5000, 'completed');
    expect(server.postCount).toBe(4);
  });

  it('a request that never left (no key yet) does not use up the minute’s budget', async () => {
    const server = await standIn({ credits: 10 });
    const app = await startApp({
      segmindBaseUrl: server.url,
      key: null,
      settings: { concurrency: 2, requestsPerMinute: 2 },
    });
    const seeded = await seedExample(app);

    const first = await enqueue(app, seeded);
    await until(() =>
      app.events.some(
        (e) => e.name === 'queue.changed' && (e.payload as { paused: unknown }).paused !== null,
      ),
    );
    expect(server.postCount).toBe(0);
    await app.call('key.set', { key: server.key });
    await app.waitForJob(first.id, isDelivered, 5000, 'completed');

    // One POST has left this minute; the limit is two, so the next goes out at once.
    const second = await enqueue(app, seeded);
    await app.waitForJob(second.id, isDelivered, 3000, 'completed');
    expect(server.postCount).toBe(2);
  });
});
