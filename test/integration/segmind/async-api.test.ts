/**
 * Issue 11, part 2: Segmind's async API (v2) end to end, over real HTTP to the stand-in, through the real
 * app runtime (createAppRuntime): submit, the request id stored at once, polling, every output downloaded
 * from the output host (which must never see the key) and kept, metrics in the receipt; a run that failed
 * (422, not charged), a retired model (410, another offered), a record that expired, a submit whose answer
 * never arrived, and a restart while Segmind still has the run.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JobSchema } from '../../../src/domain';
import type { SegmindStandIn } from '../../fakes/segmind-stand-in';
import {
  enqueue,
  isDelivered,
  MODEL_ID,
  seedExample,
  standIn,
  startApp,
  until,
  waitPastAutomaticRetry,
  type TestApp,
  type WhenFinished,
} from '../generation/support';

const HOUR = 60 * 60 * 1000;

async function v2App(server: SegmindStandIn, finished: WhenFinished): Promise<TestApp> {
  const app = await startApp({ segmindBaseUrl: server.url, key: server.key }, finished);
  await app.call('settings.update', { segmindApiByModel: { [MODEL_ID]: 'v2' } });
  return app;
}

async function jobOnDisk(app: TestApp, id: string) {
  return JobSchema.parse(JSON.parse(await readFile(join(app.outboxDir, id, 'job.json'), 'utf8')));
}

/** Every header value the output host received, to search for the key. */
const outputHostHeaderText = (server: SegmindStandIn): string =>
  JSON.stringify(server.v2.outputRequests.map((r) => r.headers));

describe.concurrent('the async API (v2)', () => {
  it('V1 stays on v1 unless chosen: the default sends one v1 POST and no v2 submit', async ({
    onTestFinished: finished,
  }) => {
    const server = await standIn({ credits: 10 }, finished);
    const app = await startApp({ segmindBaseUrl: server.url, key: server.key }, finished);
    expect((await app.call('settings.get', {})).segmindApiByModel).toEqual({});
    const job = await enqueue(app, await seedExample(app));
    const done = await app.waitForJob(job.id, isDelivered, 8000, 'delivered');
    expect(done.api).toBe('v1');
    expect(server.v2.submitCount).toBe(0);
    expect(server.generatedCount).toBe(1);
  });

  it('submits once, stores the request id, polls, keeps every output, and records the metrics', async ({
    onTestFinished: finished,
  }) => {
    const server = await standIn({ credits: 10 }, finished);
    server.v2.outputsPerRun = 2;
    const app = await v2App(server, finished);
    const seeded = await seedExample(app);
    const queued = await enqueue(app, seeded);
    const done = await app.waitForJob(queued.id, isDelivered, 15_000, 'delivered');

    expect(server.postCount).toBe(1);
    expect(server.v2.submitCount).toBe(1);
    expect(server.v2.statusCount).toBeGreaterThanOrEqual(1);
    expect(done.api).toBe('v2');
    const record = server.v2.records.get(done.requestId ?? '');
    expect(record?.status).toBe('COMPLETED');

    // Both outputs were downloaded and kept; the first became the result, byte for byte.
    expect(done.extraOutputs).toHaveLength(1);
    expect(done.output?.sha256).toBeDefined();
    const result = await app.result(done);
    const served = record!.outputs[0]!.bytes;
    expect(await readFile(join(app.projectDir, result.file))).toEqual(served);
    // The second picture is a result of its own, with its own receipt naming the same request.
    const images = (await readdir(join(app.projectDir, 'results'))).filter((n) => !n.endsWith('.json'));
    expect(images).toHaveLength(2);
    const second = images.find((name) => !name.startsWith(`${done.id}.`))!;
    expect(await readFile(join(app.projectDir, 'results', second))).toEqual(record!.outputs[1]!.bytes);
    // Once in the project, the outbox keeps no copy of either picture.
    // (They go right after the job records its result.)
    await expect.poll(() => readdir(join(app.outboxDir, done.id))).toEqual(['job.json']);

    // The receipt names the v2 endpoint and carries Segmind's metrics and request id.
    expect(result.receipt.endpoint).toBe(`${server.url}/v2/${MODEL_ID}`);
    expect(result.receipt.response.api).toBe('v2');
    expect(result.receipt.response.metrics?.cost).toBe(0.13);
    expect(result.receipt.response.metrics?.remainingCredits).toBe(server.credits);
    expect(result.receipt.response.metrics?.totalTime).toBeGreaterThanOrEqual(0);
    expect(result.receipt.response.headers.requestId).toBe(done.requestId);
    expect(result.receipt.response.headers.cost).toBe(0.13);
    expect(server.credits).toBeCloseTo(10 - 0.13, 5);

    // The output host served both files and never saw the key, in any header.
    const downloads = server.v2.outputRequests.filter((r) => r.path.startsWith('/files/'));
    expect(downloads).toHaveLength(2);
    for (const request of server.v2.outputRequests) expect(request.headers['x-api-key']).toBeUndefined();
    expect(outputHostHeaderText(server)).not.toContain(server.key);
    // ... while the API host did get it on every call.
    expect(server.lastHeaders?.['x-api-key']).toBe(server.key);
  });

  it('a run that fails (422) is a failure that says so and is not charged', async ({
    onTestFinished: finished,
  }) => {
    const server = await standIn({ credits: 10 }, finished);
    server.v2.failNextRun('Generation failed: the face could not be found.');
    const app = await v2App(server, finished);
    const queued = await enqueue(app, await seedExample(app));
    const failed = await app.waitForJob(queued.id, (j) => j.state === 'failed', 15_000, 'failed');

    expect(failed.error?.code).toBe('BAD_REQUEST');
    expect(failed.error?.message).toContain('the face could not be found');
    expect(failed.error?.message).toContain('Nothing was charged');
    expect(failed.error?.detail).toMatchObject({ reason: 'run-failed', charged: false, status: 422 });
    expect(failed.output).toBeUndefined();
    expect(server.credits).toBe(10);
    // Nothing reached the project: spend, which is read from receipts, has nothing to count.
    expect(await readdir(join(app.projectDir, 'results')).catch(() => [])).toEqual([]);
    await waitPastAutomaticRetry();
    expect(server.v2.submitCount).toBe(1);
  });

  it('a retired model (410) is not charged, and the error offers the models that can be used instead', async ({
    onTestFinished: finished,
  }) => {
    const server = await standIn({ credits: 10 }, finished);
    server.v2.retire(MODEL_ID);
    const app = await v2App(server, finished);
    const queued = await enqueue(app, await seedExample(app));
    const failed = await app.waitForJob(queued.id, (j) => j.state === 'failed', 8000, 'failed');
    expect(failed.error?.code).toBe('MODEL_RETIRED');
    expect(failed.error?.message).toContain('Nothing was charged');
    const alternatives = failed.error?.detail?.alternatives as { id: string; name: string }[];
    expect(alternatives.length).toBeGreaterThan(0);
    expect(alternatives.map((a) => a.id)).not.toContain(MODEL_ID);
    expect(alternatives.map((a) => a.id)).toContain('consistent-character-AI-neolemon-v3');
    for (const alternative of alternatives) expect(failed.error?.message).toContain(alternative.name);
    expect(server.credits).toBe(10);
    expect(server.v2.submitCount).toBe(0);
  });

  it('a record that expired (404 after an hour) becomes a clear failure, never a second submit', async ({
    onTestFinished: finished,
  }) => {
    const server = await standIn({ credits: 10 }, finished);
    server.v2.holdRuns();
    const app = await v2App(server, finished);
    const queued = await enqueue(app, await seedExample(app));
    const submitted = await app.waitForJob(queued.id, (j) => j.requestId !== undefined, 8000, 'submitted');
    // The stand-in's clock moves past the record's hour while the app keeps polling.
    server.v2.clock.advance(HOUR + 1000);
    const failed = await app.waitForJob(queued.id, (j) => j.state === 'failed', 15_000, 'failed');
    expect(failed.error?.code).toBe('NOT_FOUND');
    expect(failed.error?.detail).toMatchObject({ reason: 'expired', requestId: submitted.requestId });
    expect(failed.error?.message).toMatch(/about an hour/);
    await waitPastAutomaticRetry();
    expect(server.postCount).toBe(1);
    expect(server.v2.submitCount).toBe(1);
  });

  it('a submit whose answer never arrived is `unknown` and is not sent again', async ({
    onTestFinished: finished,
  }) => {
    const server = await standIn({ credits: 10 }, finished);
    server.v2.dropNextSubmitAnswer();
    const app = await v2App(server, finished);
    const queued = await enqueue(app, await seedExample(app));
    const unknown = await app.waitForJob(queued.id, (j) => j.state === 'unknown', 8000, 'unknown');
    expect(unknown.error?.code).toBe('OUTCOME_UNKNOWN');
    expect(unknown.requestId).toBeUndefined();
    await waitPastAutomaticRetry();
    expect(server.postCount).toBe(1);
    expect(server.v2.submitCount).toBe(1);
  });

  it('a restart while Segmind has the run resumes polling: one submit, one result', async ({
    onTestFinished: finished,
  }) => {
    const server = await standIn({ credits: 10 }, finished);
    server.v2.holdRuns();
    const app = await v2App(server, finished);
    const queued = await enqueue(app, await seedExample(app));
    await until(() => server.v2.submitCount === 1, 8000, 'the submit');
    // The request id is on disk as soon as the answer arrived, before any poll.
    const stored = await app.waitForJob(queued.id, (j) => j.requestId !== undefined, 8000, 'stored');
    expect((await jobOnDisk(app, queued.id)).requestId).toBe(stored.requestId);

    await app.restart({
      between: async () => {
        const left = await jobOnDisk(app, queued.id);
        expect(left.state).toBe('submitting');
        expect(left.requestId).toBe(stored.requestId);
        server.v2.releaseRuns();
      },
    });
    const done = await app.waitForJob(queued.id, isDelivered, 15_000, 'delivered after the restart');
    expect(done.requestId).toBe(stored.requestId);
    expect(done.error).toBeUndefined();
    await waitPastAutomaticRetry();
    expect(server.postCount).toBe(1);
    expect(server.v2.submitCount).toBe(1);
    expect(outputHostHeaderText(server)).not.toContain(server.key);
  });

  it('a crash after the pictures were kept, before the job recorded them: every picture is delivered, none fetched again', async ({
    onTestFinished: finished,
  }) => {
    const server = await standIn({ credits: 10 }, finished);
    server.v2.outputsPerRun = 2;
    server.v2.holdRuns();
    const app = await v2App(server, finished);
    const queued = await enqueue(app, await seedExample(app));
    await app.waitForJob(queued.id, (j) => j.requestId !== undefined, 8000, 'submitted');
    // job.json as it stands while Segmind runs it: what a kill before the job recorded its pictures leaves.
    const jobFile = join(app.outboxDir, queued.id, 'job.json');
    const whileRunning = await readFile(jobFile, 'utf8');
    await app.call('projects.close', {});
    server.v2.releaseRuns();
    const paid = await app.waitForJob(
      queued.id,
      (j) => j.state === 'completed' && j.waitingFor !== undefined,
      15_000,
      'completed and waiting for its project',
    );
    expect(paid.extraOutputs).toHaveLength(1);
    const downloads = server.v2.outputRequests.length;

    await app.restart({ between: () => writeFile(jobFile, whileRunning) });
    const done = await app.waitForJob(queued.id, isDelivered, 15_000, 'delivered after the restart');
    expect(done.output).toEqual(paid.output);
    expect(done.extraOutputs).toEqual(paid.extraOutputs);
    const images = (await readdir(join(app.projectDir, 'results'))).filter((n) => !n.endsWith('.json'));
    expect(images).toHaveLength(2);
    await waitPastAutomaticRetry();
    expect(server.v2.outputRequests.length).toBe(downloads);
    expect(server.v2.submitCount).toBe(1);
    expect(server.postCount).toBe(1);
  });

  it('a job accepted more than an hour before the start is failed at once as expired, not polled', async ({
    onTestFinished: finished,
  }) => {
    const server = await standIn({ credits: 10 }, finished);
    server.v2.holdRuns();
    const app = await v2App(server, finished);
    const queued = await enqueue(app, await seedExample(app));
    await app.waitForJob(queued.id, (j) => j.requestId !== undefined, 8000, 'submitted');
    const polls = { before: 0 };
    await app.restart({
      between: async () => {
        const left = await jobOnDisk(app, queued.id);
        const old = { ...left, submittedAt: new Date(Date.now() - 2 * HOUR).toISOString() };
        await writeFile(join(app.outboxDir, queued.id, 'job.json'), JSON.stringify(old));
        polls.before = server.v2.statusCount;
      },
    });
    const job = await app.job(queued.id);
    expect(job.state).toBe('failed');
    expect(job.error?.detail).toMatchObject({ reason: 'expired' });
    await waitPastAutomaticRetry();
    expect(server.v2.statusCount).toBe(polls.before);
    expect(server.v2.submitCount).toBe(1);
  });
});
