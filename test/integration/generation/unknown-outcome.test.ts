/**
 * Done when (3) and (4): a request that may have been billed is never sent again without the person.
 * - The connection drops after the body left: one POST, an `unknown` job; a restart does not re-send it;
 *   jobs.resend sends it exactly once more.
 * - The app dies while a job is `submitting`: after a restart it is `unknown` ("may have been charged") and
 *   is not sent.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JobSchema, type Job } from '../../../src/domain';
import {
  enqueue,
  isDelivered,
  isSettled,
  seedExample,
  sleep,
  standIn,
  startApp,
  until,
  waitPastAutomaticRetry,
} from './support';

describe('the connection drops after the body was sent', () => {
  it('leaves one POST and an unknown job; a restart does not re-send it; jobs.resend sends it once more', async () => {
    const server = await standIn({ credits: 10 });
    const app = await startApp({ segmindBaseUrl: server.url, key: server.key });
    const seeded = await seedExample(app);
    server.failNext('drop-after-body');

    const queued = await enqueue(app, seeded);
    const unknown = await app.waitForJob(queued.id, isSettled, 5000, 'settled');
    expect(unknown.state).toBe('unknown');
    expect(unknown.error?.code).toBe('OUTCOME_UNKNOWN');
    expect(unknown.error?.message).toMatch(/may have (been charged|reached Segmind and been charged)/);
    expect(unknown.error?.message).toMatch(/Send it again only if/);
    expect(server.postCount).toBe(1);

    await app.restart();
    await waitPastAutomaticRetry();
    expect(server.postCount).toBe(1);
    const after = await app.job(queued.id);
    expect(after.state).toBe('unknown');
    expect(after.error).toEqual(unknown.error);

    const resent = await app.call('jobs.resend', { id: queued.id });
    expect(resent.state).toBe('queued');
    const done = await app.waitForJob(queued.id, isDelivered, 5000, 'completed');
    expect(server.postCount).toBe(2);
    expect(done.attempts).toBe(2);
    expect((await app.result(done)).receipt.jobId).toBe(queued.id);
    await waitPastAutomaticRetry();
    expect(server.postCount).toBe(2);
  });
});

describe('the app stops while a job is submitting', () => {
  it('a crash mid-request (job.json left `submitting`) → unknown after restart, “may have been charged”, never sent', async () => {
    const server = await standIn({ credits: 10 });
    const app = await startApp({ segmindBaseUrl: server.url, key: server.key });
    const seeded = await seedExample(app);
    server.failNext({ kind: 'slow', delayMs: 10_000 });

    const queued = await enqueue(app, seeded);
    await until(() => server.postCount === 1, 5000, 'the POST arriving');
    // The request has arrived, so the job is durably `submitting` on disk: exactly what a crash leaves behind.
    const jobFile = join(app.outboxDir, queued.id, 'job.json');
    const onDisk = await readFile(jobFile, 'utf8');
    expect(JobSchema.parse(JSON.parse(onDisk)).state).toBe('submitting');

    // A crash gives the app no chance to record anything more: put back what it had written.
    await app.restart({ between: () => writeFile(jobFile, onDisk) });

    const job = await app.job(queued.id);
    expect(job.state).toBe('unknown');
    expect(job.error?.code).toBe('OUTCOME_UNKNOWN');
    expect(job.error?.message).toMatch(/stopped while this request was on its way.*may have been charged/);
    expect(JobSchema.parse(JSON.parse(await readFile(jobFile, 'utf8'))).state).toBe('unknown');
    await waitPastAutomaticRetry();
    expect(server.postCount).toBe(1);
    expect((await app.job(queued.id)).state).toBe('unknown');
  });

  it('quitting mid-request (dispose against a slow Segmind) → unknown after restart, never sent again', async () => {
    const server = await standIn({ credits: 10 });
    const app = await startApp({ segmindBaseUrl: server.url, key: server.key });
    const seeded = await seedExample(app);
    server.failNext({ kind: 'slow', delayMs: 10_000 });

    const queued = await enqueue(app, seeded);
    await until(() => server.postCount === 1, 5000, 'the POST arriving');
    await app.restart();

    const job = await app.job(queued.id);
    expect(job.state).toBe('unknown');
    expect(job.error?.code).toBe('OUTCOME_UNKNOWN');
    expect(job.error?.message).toMatch(/may have (been charged|reached Segmind and been charged)/);
    await waitPastAutomaticRetry();
    expect(server.postCount).toBe(1);
    expect((await app.job(queued.id)).state).toBe('unknown');
  });
});

describe('quitting while a paid image is being saved', () => {
  it('finishes saving it into the project before dispose resolves; nothing is written afterwards', async () => {
    const server = await standIn({ credits: 10 });
    const app = await startApp({ segmindBaseUrl: server.url, key: server.key });
    const seeded = await seedExample(app);
    const queued = await enqueue(app, seeded);

    // Quit the moment the image is recorded as arrived, while it is still on its way into the project.
    let disposing: Promise<void> | undefined;
    const runtime = app.runtime;
    const stop = runtime.events.on((name, payload) => {
      const job = payload as Job;
      if (name === 'jobs.updated' && job.id === queued.id && job.state === 'completed' && !job.resultId) {
        disposing ??= runtime.dispose();
      }
    });
    await until(() => disposing !== undefined, 5000, 'the image arriving');
    await disposing;
    stop();
    const eventsAtDispose = app.events.length;
    const jobFile = join(app.outboxDir, queued.id, 'job.json');
    const atDispose = await readFile(jobFile, 'utf8');
    const job = JobSchema.parse(JSON.parse(atDispose));
    expect(job.state).toBe('completed');
    expect(job.resultId).toBeDefined();

    await sleep(300);
    expect(app.events.length).toBe(eventsAtDispose);
    expect(await readFile(jobFile, 'utf8')).toBe(atDispose);

    await app.restart();
    expect(isDelivered(await app.job(queued.id))).toBe(true);
    expect((await app.result(job)).receipt.jobId).toBe(queued.id);
    expect(server.postCount).toBe(1);
  });
});
