/**
 * Done when (2), the answers the queue may retry by itself: 429 (after its reset, never before) and one 500.
 */
import { describe, expect, it } from 'vitest';
import type { Job } from '../../../src/domain';
import {
  enqueue,
  isDelivered,
  isSettled,
  rateLimitFront,
  seedExample,
  standIn,
  startApp,
  waitPastAutomaticRetry,
} from './support';

/** Resolves with the job the first time it is back in `queued` after having been sent. */
const requeuedAfterSend = (job: Job): boolean => job.state === 'queued' && job.attempts === 1;

describe('429: rate limited', () => {
  it('waits until the announced reset, then goes out once more and completes', async ({
    onTestFinished: finished,
  }) => {
    const server = await standIn({ credits: 10 }, finished);
    const front = await rateLimitFront(server, 700, 1, finished);
    const app = await startApp({ segmindBaseUrl: front.url, key: server.key }, finished);
    const seeded = await seedExample(app);

    const queued = await enqueue(app, seeded);
    const waiting = await app.waitForJob(queued.id, requeuedAfterSend, 5000, 'queued after a 429');
    expect(front.resets).toHaveLength(1);
    expect(Date.parse(waiting.notBefore ?? '')).toBe(front.resets[0]);
    expect(waiting.waitingFor).toMatch(/rate limit/i);
    expect(waiting.error).toBeUndefined();
    expect(server.postCount).toBe(0); // the 429 came from the front; nothing reached the stand-in yet

    const done = await app.waitForJob(queued.id, isDelivered, 5000, 'completed');
    expect(front.postTimes).toHaveLength(2);
    // notBefore honoured: the second POST left no earlier than the reset Segmind announced.
    expect(front.postTimes[1]).toBeGreaterThanOrEqual(front.resets[0]!);
    expect(front.postTimes[1]! - front.resets[0]!).toBeLessThan(1000);
    expect(server.postCount).toBe(1);
    expect(done.autoRetries).toBe(1);
    expect(done.attempts).toBe(2);
  });

  it('a 429 from the stand-in (reset a minute ahead) keeps the job waiting, unsent, for that minute', async ({
    onTestFinished: finished,
  }) => {
    const server = await standIn({ credits: 10 }, finished);
    const app = await startApp({ segmindBaseUrl: server.url, key: server.key }, finished);
    const seeded = await seedExample(app);
    server.failNext('429');

    const queued = await enqueue(app, seeded);
    const waiting = await app.waitForJob(queued.id, requeuedAfterSend, 5000, 'queued after a 429');
    const wait = Date.parse(waiting.notBefore ?? '') - Date.now();
    expect(wait).toBeGreaterThan(55_000);
    expect(wait).toBeLessThanOrEqual(60_000);
    // Not sent again once a 500's retry would have gone: it waits for the reset, not the short delay.
    await waitPastAutomaticRetry();
    expect(server.postCount).toBe(1);
    expect((await app.job(queued.id)).state).toBe('queued');
  });
});

// Each waits out the queue's fixed retry delay (SERVER_ERROR_RETRY_DELAY_MS): side by side, not one after the other.
describe.concurrent('500: a server error', () => {
  it('is retried once by itself and completes when the retry succeeds', async ({
    onTestFinished: finished,
  }) => {
    const server = await standIn({ credits: 10 }, finished);
    const app = await startApp({ segmindBaseUrl: server.url, key: server.key }, finished);
    const seeded = await seedExample(app);
    server.failNext('500');

    const queued = await enqueue(app, seeded);
    const waiting = await app.waitForJob(queued.id, requeuedAfterSend, 5000, 'queued after a 500');
    expect(waiting.waitingFor).toMatch(/server error \(500\): trying once more at /);
    const retryAt = Date.parse(waiting.notBefore ?? '');
    expect(retryAt).toBeGreaterThan(Date.now());

    const done = await app.waitForJob(queued.id, isDelivered, 8000, 'completed');
    expect(Date.parse(done.submittedAt ?? '')).toBeGreaterThanOrEqual(retryAt);
    expect(server.postCount).toBe(2);
    expect(done.autoRetries).toBe(1);
  });

  it('fails with SERVER_ERROR on a second 500, and is not retried again', async ({
    onTestFinished: finished,
  }) => {
    const server = await standIn({ credits: 10 }, finished);
    const app = await startApp({ segmindBaseUrl: server.url, key: server.key }, finished);
    const seeded = await seedExample(app);
    server.failNext({ kind: '500', count: 2 });

    const queued = await enqueue(app, seeded);
    const failed = await app.waitForJob(queued.id, isSettled, 8000, 'settled');
    expect(failed.state).toBe('failed');
    expect(failed.error?.code).toBe('SERVER_ERROR');
    expect(failed.error?.message).toMatch(/server error.*Nothing was charged/);
    expect(server.postCount).toBe(2);
    expect(failed.attempts).toBe(2);
    await waitPastAutomaticRetry();
    expect(server.postCount).toBe(2);
    expect(server.credits).toBe(10);
  });
});
