/**
 * RELIABILITY.md item 2: a paid image must never be stranded beside an `unknown` job. The queue writes the
 * paid image (with its record, received.json) and then records the job `completed`; a crash in between
 * leaves job.json `submitting` with the paid image in its folder. The next start must complete the job with
 * that image and deliver it exactly once, and never send it again (Segmind would bill a second time).
 *
 * The crash is made for real up to its last step: the job runs against the stand-in with the project
 * closed (so the image waits in the outbox, exactly as written when it arrived), and job.json is then put
 * back as it was on disk while the POST was in flight: what a kill between the image and the record leaves.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { JobSchema, ResultSchema, type Job, type Result } from '../../../src/domain';
import {
  enqueue,
  isDelivered,
  seedExample,
  standIn,
  startApp,
  until,
  waitPastAutomaticRetry,
  type TestApp,
} from '../generation/support';

const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

async function receiptsIn(projectDir: string): Promise<Result[]> {
  const dir = join(projectDir, 'results');
  const names = (await readdir(dir)).filter((name) => name.endsWith('.json'));
  return Promise.all(
    names.map(async (name) => ResultSchema.parse(JSON.parse(await readFile(join(dir, name), 'utf8')))),
  );
}

/**
 * Runs one job whose answer arrives while its project is closed, and returns job.json as it was on disk
 * while the POST was in flight (`submitting`) and the job as it ended (completed, its image in the outbox).
 */
async function paidWhileClosed() {
  const server = await standIn({ credits: 10 });
  const app = await startApp({ segmindBaseUrl: server.url, key: server.key });
  const seeded = await seedExample(app);
  server.failNext({ kind: 'slow', delayMs: 800 });
  const queued = await enqueue(app, seeded);
  await until(() => server.postCount === 1, 5000, 'the POST arriving');
  const jobFile = join(app.outboxDir, queued.id, 'job.json');
  const submitting = await readFile(jobFile, 'utf8');
  expect(JobSchema.parse(JSON.parse(submitting)).state).toBe('submitting');
  await app.call('projects.close', {});
  // Completed, then told its project is closed: the queue is done with it.
  const paid = await app.waitForJob(
    queued.id,
    (j) => j.state === 'completed' && j.waitingFor !== undefined,
    8000,
    'completed and waiting for its project',
  );
  expect(paid.resultId).toBeUndefined();
  const folder = join(app.outboxDir, queued.id);
  return { server, app, paid, jobFile, submitting, folder, output: join(folder, paid.output?.file ?? '') };
}

/** Restarts on the same user data, job.json put back as the kill left it, and the project reopened. */
async function restartAfterKill(
  app: TestApp,
  jobFile: string,
  submitting: string,
  more?: () => Promise<void>,
) {
  await app.restart({
    between: async () => {
      await writeFile(jobFile, submitting);
      await more?.();
    },
  });
}

describe('a crash between the paid image and the job recording it', () => {
  it('the next start completes the job with the image, delivers it once, and never sends it again', async () => {
    const { server, app, paid, jobFile, submitting, folder } = await paidWhileClosed();
    expect((await readdir(folder)).sort()).toEqual(['input.png', 'job.json', 'output.jpg', 'received.json']);

    await restartAfterKill(app, jobFile, submitting);
    const delivered = await app.waitForJob(paid.id, isDelivered, 8000, 'delivered');
    expect(delivered.state).toBe('completed');
    expect(delivered.error).toBeUndefined();
    expect(delivered.output).toEqual(paid.output);

    const result = await app.result(delivered);
    expect(result.id).toBe(paid.id);
    expect(sha(await readFile(join(app.projectDir, result.file)))).toBe(paid.output?.sha256);
    // What only Segmind's answer said (its request id, credits left) came through the record.
    expect(result.receipt.response.headers).toEqual(paid.output?.headers);
    expect(result.receipt.response.headers.requestId).toBeDefined();

    await waitPastAutomaticRetry();
    expect(server.postCount).toBe(1);
    expect((await receiptsIn(app.projectDir)).map((r) => r.id)).toEqual([paid.id]);
    // The outbox copies went with the delivery.
    expect(await readdir(folder)).toEqual(['job.json']);

    // Once: another start finds nothing to do.
    await app.restart();
    await waitPastAutomaticRetry();
    expect(server.postCount).toBe(1);
    expect((await receiptsIn(app.projectDir)).map((r) => r.id)).toEqual([paid.id]);
    expect(isDelivered(await app.job(paid.id))).toBe(true);
  });

  it('also for a job a previous start already turned `unknown`', async () => {
    const { server, app, paid, jobFile, submitting } = await paidWhileClosed();
    const unknown: Job = {
      ...JobSchema.parse(JSON.parse(submitting)),
      state: 'unknown',
      error: { code: 'OUTCOME_UNKNOWN', message: 'The app stopped while this request was on its way.' },
    };
    await restartAfterKill(app, jobFile, JSON.stringify(unknown));
    const delivered = await app.waitForJob(paid.id, isDelivered, 8000, 'delivered');
    expect(delivered.error).toBeUndefined();
    await waitPastAutomaticRetry();
    expect(server.postCount).toBe(1);
    expect((await receiptsIn(app.projectDir)).map((r) => r.id)).toEqual([paid.id]);
  });

  it('an image that is not the one recorded is not taken: the job is `unknown` and not sent again', async () => {
    const { server, app, paid, jobFile, submitting, output } = await paidWhileClosed();
    const other = await sharp({ create: { width: 64, height: 64, channels: 3, background: 'red' } })
      .jpeg()
      .toBuffer();
    await restartAfterKill(app, jobFile, submitting, () => writeFile(output, other));
    const job = await app.job(paid.id);
    expect(job.state).toBe('unknown');
    expect(job.output).toBeUndefined();
    await waitPastAutomaticRetry();
    expect(server.postCount).toBe(1);
    expect(await receiptsIn(app.projectDir)).toEqual([]);
  });

  it('a record whose image never reached the disk leaves the job `unknown`, not sent again', async () => {
    const { server, app, paid, jobFile, submitting, output } = await paidWhileClosed();
    await restartAfterKill(app, jobFile, submitting, () => rm(output));
    const job = await app.job(paid.id);
    expect(job.state).toBe('unknown');
    expect(job.error?.code).toBe('OUTCOME_UNKNOWN');
    await waitPastAutomaticRetry();
    expect(server.postCount).toBe(1);
  });

  it('an image left without a record (an older version) is taken when it decodes whole', async () => {
    const { server, app, paid, jobFile, submitting, folder } = await paidWhileClosed();
    await restartAfterKill(app, jobFile, submitting, () => rm(join(folder, 'received.json')));
    const delivered = await app.waitForJob(paid.id, isDelivered, 8000, 'delivered');
    const result = await app.result(delivered);
    expect(sha(await readFile(join(app.projectDir, result.file)))).toBe(paid.output?.sha256);
    expect(result.width).toBe(paid.output?.width);
    await waitPastAutomaticRetry();
    expect(server.postCount).toBe(1);
  });

  it('an image left without a record that does not decode whole is not taken', async () => {
    const { server, app, paid, jobFile, submitting, folder, output } = await paidWhileClosed();
    const bytes = await readFile(output);
    await restartAfterKill(app, jobFile, submitting, async () => {
      await rm(join(folder, 'received.json'));
      await writeFile(output, bytes.subarray(0, Math.floor(bytes.length / 2)));
    });
    expect((await app.job(paid.id)).state).toBe('unknown');
    await waitPastAutomaticRetry();
    expect(server.postCount).toBe(1);
    expect((await stat(output)).size).toBe(Math.floor(bytes.length / 2)); // left for the person, not deleted
  });
});
