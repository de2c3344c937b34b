/**
 * Done when (6): cancel. A queued job is cancelled at once and never sent; a job in flight is aborted at once
 * and becomes `unknown` (it was sent, Segmind may bill it), and is never sent again.
 */
import { describe, expect, it } from 'vitest';
import type { Job } from '../../../src/domain';
import {
  enqueue,
  isDelivered,
  seedExample,
  sleep,
  standIn,
  startApp,
  until,
  waitPastAutomaticRetry,
} from './support';

describe('jobs.cancel', () => {
  it('cancels a queued job at once; it is never sent', async () => {
    const server = await standIn({ credits: 10, latencyMs: 400 });
    const app = await startApp({ segmindBaseUrl: server.url, key: server.key, settings: { concurrency: 1 } });
    const seeded = await seedExample(app);

    const first = await enqueue(app, seeded);
    const second = await enqueue(app, seeded);
    await until(() => server.postCount === 1, 5000, 'the first POST');
    expect((await app.job(second.id)).state).toBe('queued');

    const started = Date.now();
    const cancelled = await app.call('jobs.cancel', { id: second.id });
    expect(Date.now() - started).toBeLessThan(200);
    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.finishedAt).toBeDefined();

    await app.waitForJob(first.id, isDelivered, 5000, 'completed');
    await waitPastAutomaticRetry();
    expect(server.postCount).toBe(1);
    expect((await app.job(second.id)).state).toBe('cancelled');
    const told = app.events.filter((e) => e.name === 'jobs.updated').map((e) => e.payload as Job);
    expect(told.some((job) => job.id === second.id && job.state === 'cancelled')).toBe(true);
  });

  it('aborts a submitting job at once; it becomes unknown (it was sent) and is never re-sent', async () => {
    const server = await standIn({ credits: 10 });
    const app = await startApp({ segmindBaseUrl: server.url, key: server.key });
    const seeded = await seedExample(app);
    server.failNext({ kind: 'slow', delayMs: 10_000 });

    const queued = await enqueue(app, seeded);
    await until(() => server.postCount === 1, 5000, 'the POST arriving');
    expect((await app.job(queued.id)).state).toBe('submitting');

    const started = Date.now();
    const answer = await app.call('jobs.cancel', { id: queued.id });
    expect(Date.now() - started).toBeLessThan(500);
    expect(answer.state).toBe('unknown');
    expect(answer.error?.code).toBe('OUTCOME_UNKNOWN');
    expect(answer.error?.message).toMatch(
      /Cancelled after the request had reached Segmind.*may still charge/,
    );
    expect((await app.job(queued.id)).state).toBe('unknown');
    expect((await app.call('jobs.list', {})).state.running).toBe(0);

    await waitPastAutomaticRetry();
    expect(server.postCount).toBe(1);
    // Not after a restart either.
    await app.restart();
    await waitPastAutomaticRetry();
    expect(server.postCount).toBe(1);
    expect((await app.job(queued.id)).state).toBe('unknown');
  });

  it('a cancel while the picture is arriving is unknown too (already charged), never re-sent', async () => {
    const server = await standIn({ credits: 10 });
    const app = await startApp({ segmindBaseUrl: server.url, key: server.key });
    const seeded = await seedExample(app);
    server.failNext({ kind: 'slow-body', delayMs: 10_000 });

    const queued = await enqueue(app, seeded);
    await until(() => server.credits < 10, 5000, 'the run being charged');
    await sleep(100); // the headers and half the picture are on their way

    const answer = await app.call('jobs.cancel', { id: queued.id });
    expect(answer.state).toBe('unknown');
    expect(answer.error?.code).toBe('OUTCOME_UNKNOWN');
    expect(answer.error?.message).toMatch(/charged/);
    await waitPastAutomaticRetry();
    expect(server.postCount).toBe(1);
  });

  it('refuses to cancel a finished job', async () => {
    const server = await standIn({ credits: 10 });
    const app = await startApp({ segmindBaseUrl: server.url, key: server.key });
    const seeded = await seedExample(app);
    const queued = await enqueue(app, seeded);
    await app.waitForJob(queued.id, isDelivered, 5000, 'completed');
    await expect(app.call('jobs.cancel', { id: queued.id })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect((await app.job(queued.id)).state).toBe('completed');
  });
});
