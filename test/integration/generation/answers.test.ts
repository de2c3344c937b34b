/**
 * Done when (2): each of Segmind's answers puts the job in the right state with the right message, through
 * the real runtime and the stand-in over HTTP. (200 is example-payload.test.ts; 429 and 500, which wait
 * and retry, are retries.test.ts.)
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StandInFailureKind } from '../../fakes/segmind-stand-in';
import { STAND_IN_COST } from '../../fakes/segmind-stand-in';
import type { TestApp } from './support';
import {
  enqueue,
  isDelivered,
  isSettled,
  seedExample,
  sleep,
  standIn,
  startApp,
  waitPastAutomaticRetry,
} from './support';

async function pausedState(app: TestApp) {
  return (await app.call('jobs.list', {})).state;
}

/** Waits for the queue to report a pause (a `queue.changed` event carries it). */
async function waitForPause(app: TestApp, timeoutMs = 5000) {
  const start = Date.now();
  for (;;) {
    const state = await pausedState(app);
    if (state.paused) return state;
    if (Date.now() - start > timeoutMs) throw new Error('the queue did not pause');
    await sleep(10);
  }
}

const lastQueueEvent = (app: TestApp) =>
  app.events.filter((e) => e.name === 'queue.changed').at(-1)?.payload as { paused: unknown } | undefined;

describe('401: the key is missing or rejected', () => {
  it('a key Segmind does not know pauses the queue with KEY_REJECTED, unbilled; a good key sends the job', async () => {
    const server = await standIn({ credits: 10 });
    const app = await startApp({ segmindBaseUrl: server.url, key: 'SG_00000000deadbeef' });
    const seeded = await seedExample(app);

    const queued = await enqueue(app, seeded);
    const state = await waitForPause(app);
    expect(state.paused).toMatchObject({ code: 'KEY_REJECTED', detail: { status: 401, reason: 'invalid' } });
    expect(state.paused?.message).toMatch(/did not accept the API key.*Nothing was charged/);
    expect(lastQueueEvent(app)?.paused).toEqual(state.paused);
    const job = await app.waitForJob(queued.id, (j) => j.state === 'queued', 2000, 'queued again');
    expect(job.output).toBeUndefined();
    expect(job.error).toBeUndefined();
    expect(server.postCount).toBe(1);
    expect(server.credits).toBe(10);
    // Paused means paused: nothing else goes out, not even once a retry would have been due.
    await waitPastAutomaticRetry();
    expect(server.postCount).toBe(1);

    // Setting a key Segmind accepts resumes the queue, and the same job goes out once more.
    await app.call('key.set', { key: server.key });
    const done = await app.waitForJob(queued.id, isDelivered, 5000, 'completed');
    expect(server.postCount).toBe(2);
    expect(done.attempts).toBe(2);
    expect((await pausedState(app)).paused).toBeNull();
  });

  it('“key missing” pauses the queue with KEY_REJECTED, job back to queued; queue.resume sends it', async () => {
    const server = await standIn({ credits: 10 });
    const app = await startApp({ segmindBaseUrl: server.url, key: server.key });
    const seeded = await seedExample(app);
    server.failNext('401-missing');

    const queued = await enqueue(app, seeded);
    const state = await waitForPause(app);
    expect(state.paused).toMatchObject({ code: 'KEY_REJECTED', detail: { status: 401, reason: 'missing' } });
    expect(state.paused?.message).toMatch(/carried no API key.*Nothing was charged/);
    const job = await app.waitForJob(queued.id, (j) => j.state === 'queued', 2000, 'queued again');
    expect(job.output).toBeUndefined();
    expect(server.credits).toBe(10);

    await app.call('queue.resume', {});
    await app.waitForJob(queued.id, isDelivered, 5000, 'completed');
    expect(server.postCount).toBe(2);
  });

  it('a saved key that cannot be sent pauses the queue with KEY_REJECTED instead of looking offline', async () => {
    const server = await standIn();
    const app = await startApp({ segmindBaseUrl: server.url, key: 'SG_0123 4567' });
    const seeded = await seedExample(app);

    const queued = await enqueue(app, seeded);
    const state = await waitForPause(app);
    expect(state.paused).toMatchObject({ code: 'KEY_REJECTED' });
    expect(state.online).toBe(true);
    const job = await app.job(queued.id);
    expect(job.state).toBe('queued');
    expect(job.waitingFor ?? '').not.toMatch(/offline/i);
    expect(server.postCount).toBe(0);
  });
});

describe('a Segmind address the app cannot use', () => {
  it('pauses the queue, leaves the job queued (not submitting, not unknown) and sends nothing', async () => {
    const server = await standIn();
    // Settings refuse such an address, so it can only come from CCSTUDIO_SEGMIND_URL (the runtime option).
    const app = await startApp({ segmindBaseUrl: 'ftp://127.0.0.1/', key: server.key });
    const seeded = await seedExample(app);

    const queued = await enqueue(app, seeded);
    const state = await waitForPause(app);
    expect(state.paused).toMatchObject({ code: 'INVALID_INPUT' });
    expect(state.paused?.message).toMatch(/https:\/\//);
    const job = await app.job(queued.id);
    expect([job.state, job.attempts]).toEqual(['queued', 0]);

    // Fixing the address (a restart with a good one) sends it, once: the restart does not make it `unknown`.
    await app.restart({ segmindBaseUrl: server.url });
    expect((await app.job(queued.id)).state).not.toBe('unknown');
    await app.call('queue.resume', {});
    await app.waitForJob(queued.id, isDelivered, 5000, 'completed');
    expect(server.postCount).toBe(1);
  });
});

describe('406: out of credits, or a wrong content type', () => {
  it('out of credits pauses the queue with CREDITS_EXHAUSTED naming credits left and needed', async () => {
    const server = await standIn({ credits: 0.05 });
    const app = await startApp({ segmindBaseUrl: server.url, key: server.key });
    const seeded = await seedExample(app);

    const queued = await enqueue(app, seeded);
    const state = await waitForPause(app);
    expect(state.paused).toMatchObject({
      code: 'CREDITS_EXHAUSTED',
      detail: { status: 406, reason: 'credits', credits: 0.05, needed: STAND_IN_COST },
    });
    expect(state.paused?.message).toMatch(
      /not have enough credits.*You have 0.05 and this needs 0.13.*Nothing was charged/,
    );
    const job = await app.waitForJob(queued.id, (j) => j.state === 'queued', 2000, 'queued again');
    expect(job.output).toBeUndefined();
    expect(server.credits).toBe(0.05);

    // Topped up: resuming sends it.
    server.credits = 1;
    await app.call('queue.resume', {});
    await app.waitForJob(queued.id, isDelivered, 5000, 'completed');
    expect(server.postCount).toBe(2);
  });
});

const FAILED_CASES: {
  kind: StandInFailureKind;
  code: string;
  message: RegExp;
  detail?: Record<string, unknown>;
}[] = [
  { kind: '404', code: 'BAD_REQUEST', message: /does not know this address \(404\)/ },
  {
    kind: '405',
    code: 'BAD_REQUEST',
    message: /does not accept this kind of request at this address \(405\)/,
  },
  { kind: '410', code: 'MODEL_RETIRED', message: /retired this model/ },
  { kind: '422', code: 'BAD_REQUEST', message: /rejected some of the values.*Validation error/ },
  {
    kind: '406-content-type',
    code: 'BAD_REQUEST',
    message: /did not accept the request’s content type/,
    detail: { reason: 'content-type' },
  },
];

describe('answers that fail the job for good', () => {
  it.each(FAILED_CASES)('$kind → failed $code with a plain message, sent once, not billed', async (c) => {
    const server = await standIn({ credits: 10 });
    const app = await startApp({ segmindBaseUrl: server.url, key: server.key });
    const seeded = await seedExample(app);
    server.failNext(c.kind);

    const queued = await enqueue(app, seeded);
    const job = await app.waitForJob(queued.id, isSettled, 5000, 'settled');
    expect(job.state).toBe('failed');
    expect(job.error?.code).toBe(c.code);
    expect(job.error?.message).toMatch(c.message);
    expect(job.error?.message).toMatch(/Nothing was charged/);
    // Plain words: no markup or JSON from the server's body in the message.
    expect(job.error?.message).not.toMatch(/<|\{|"error"/);
    expect(job.error?.detail).toMatchObject({ status: Number(c.kind.slice(0, 3)), ...c.detail });
    expect(job.output).toBeUndefined();
    expect(job.resultId).toBeUndefined();
    expect((await app.call('jobs.list', {})).state.paused).toBeNull();

    await waitPastAutomaticRetry();
    expect(server.postCount).toBe(1);
    expect(server.credits).toBe(10);
  });
});

describe('a 200 that went wrong', () => {
  it('not an image → failed BAD_RESPONSE, and the bytes that arrived are kept in the outbox', async () => {
    const server = await standIn({ credits: 10 });
    const app = await startApp({ segmindBaseUrl: server.url, key: server.key });
    const seeded = await seedExample(app);
    server.failNext('not-an-image');

    const queued = await enqueue(app, seeded);
    const job = await app.waitForJob(queued.id, isSettled, 5000, 'settled');
    expect(job.state).toBe('failed');
    expect(job.error?.code).toBe('BAD_RESPONSE');
    expect(job.error?.message).toMatch(/charged for this run but sent something that is not a picture/);
    const kept = await readFile(join(app.outboxDir, job.id, 'output.bin'), 'utf8');
    expect(kept).toBe('<html><body><h1>Upstream error</h1><p>Generation failed.</p></body></html>');
    expect(server.credits).toBeCloseTo(10 - STAND_IN_COST, 6);
    await waitPastAutomaticRetry();
    expect(server.postCount).toBe(1);
  });

  it('a body cut short → unknown (it was charged), never re-sent', async () => {
    const server = await standIn({ credits: 10 });
    const app = await startApp({ segmindBaseUrl: server.url, key: server.key });
    const seeded = await seedExample(app);
    server.failNext('truncated-body');

    const queued = await enqueue(app, seeded);
    const job = await app.waitForJob(queued.id, isSettled, 5000, 'settled');
    expect(job.state).toBe('unknown');
    expect(job.error?.code).toBe('OUTCOME_UNKNOWN');
    expect(job.error?.message).toMatch(/charged/);
    expect(job.resultId).toBeUndefined();
    await waitPastAutomaticRetry();
    expect(server.postCount).toBe(1);
    expect((await app.job(queued.id)).state).toBe('unknown');
  });
});
