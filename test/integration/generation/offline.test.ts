/**
 * Done when (5): jobs queued offline wait, send nothing, and go out exactly once when Segmind can be reached:
 * after a restart, and without one (the network monitor's probe notices by itself).
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Job } from '../../../src/domain';
import type { SegmindStandIn } from '../../fakes/segmind-stand-in';
import type { TestApp } from './support';
import {
  closedPort,
  enqueue,
  isDelivered,
  seedExample,
  sleep,
  standIn,
  startApp,
  waitPastAutomaticRetry,
} from './support';

const waitingOffline = (job: Job): boolean => job.state === 'queued' && /offline/i.test(job.waitingFor ?? '');

/** Three jobs enqueued while nothing listens at the Segmind address. */
async function queueThreeOffline(app: TestApp): Promise<Job[]> {
  const seeded = await seedExample(app);
  const first = await enqueue(app, seeded);
  // The first attempt is what tells the app it is offline (its connection is refused: provably unsent).
  await app.waitForJob(first.id, waitingOffline, 5000, 'waiting for the network');
  const jobs = [first, await enqueue(app, seeded), await enqueue(app, seeded)];
  for (const job of jobs) await app.waitForJob(job.id, waitingOffline, 5000, 'waiting for the network');
  await sleep(200);
  for (const job of await Promise.all(jobs.map((j) => app.job(j.id)))) {
    expect(waitingOffline(job)).toBe(true);
    expect(job.attempts).toBe(0);
    expect(job.error).toBeUndefined();
  }
  const list = await app.call('jobs.list', {});
  expect(list.state.online).toBe(false);
  expect(app.events).toContainEqual({ name: 'network.changed', payload: { online: false } });
  return jobs;
}

async function resultCount(app: TestApp): Promise<number> {
  const files = await readdir(join(app.projectDir, 'results')).catch(() => [] as string[]);
  return files.filter((f) => f.endsWith('.json')).length;
}

// The second waits out the monitor's 5 s probe: the two run side by side.
describe.concurrent('offline', () => {
  it('three jobs queued offline go out exactly once each after a restart with Segmind back', async ({
    onTestFinished: finished,
  }) => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}`;
    const app = await startApp({ segmindBaseUrl: url, key: 'SG_0123456789abcdef' }, finished);
    const jobs = await queueThreeOffline(app);

    // Segmind is back while the app is not running; it starts with the stand-in listening on that port.
    const back: { server?: SegmindStandIn } = {};
    await app.restart({
      between: async () => {
        back.server = await standIn({ port, credits: 10, keys: ['SG_0123456789abcdef'] }, finished);
      },
    });
    const server = back.server!;
    // 15 s: one CI run on a loaded machine took longer than 8 s to commit the first.
    for (const job of jobs) await app.waitForJob(job.id, isDelivered, 15_000, 'completed and committed');

    expect(server.postCount).toBe(3);
    expect(await resultCount(app)).toBe(3);
    const done = await Promise.all(jobs.map((j) => app.job(j.id)));
    expect(new Set(done.map((j) => j.resultId)).size).toBe(3);
    for (const job of done) {
      expect(job.attempts).toBe(1);
      expect(job.waitingFor).toBeUndefined();
    }
    await waitPastAutomaticRetry();
    expect(server.postCount).toBe(3);
  }, 40_000);

  it('without a restart, the queue drains by itself when the network comes back', async ({
    onTestFinished: finished,
  }) => {
    const port = await closedPort();
    const app = await startApp(
      { segmindBaseUrl: `http://127.0.0.1:${port}`, key: 'SG_0123456789abcdef' },
      finished,
    );
    const jobs = await queueThreeOffline(app);

    const server = await standIn({ port, credits: 10, keys: ['SG_0123456789abcdef'] }, finished);
    // The monitor probes every 5 s with a bare TCP connection; nothing else nudges the queue here.
    for (const job of jobs) await app.waitForJob(job.id, isDelivered, 12_000, 'completed and committed');

    expect(server.postCount).toBe(3);
    expect(await resultCount(app)).toBe(3);
    expect(app.events).toContainEqual({ name: 'network.changed', payload: { online: true } });
    expect((await app.call('jobs.list', {})).state.online).toBe(true);
  }, 20_000);
});
