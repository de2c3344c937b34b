/**
 * The spending cap per project: the queue pauses with a clear message before a run would take the
 * project's spend (its receipts plus runs under way) past the cap, and nothing is sent past it; raising
 * the cap and resuming sends the rest.
 */
import { describe, expect, it } from 'vitest';
import { enqueue, isDelivered, seedExample, sleep, standIn, startApp } from './support';

describe('spending cap per project', () => {
  it('pauses before the run that would pass the cap, sends nothing past it, and goes on when raised', async () => {
    const server = await standIn({ credits: 100, latencyMs: 50 });
    const app = await startApp({
      segmindBaseUrl: server.url,
      key: server.key,
      settings: { requestsPerMinute: 600, concurrency: 1 },
    });
    const seeded = await seedExample(app);
    const first = await enqueue(app, seeded, { upscale_by: 1 });
    await app.waitForJob(first.id, isDelivered, 10_000, 'delivered');
    // 0.13 spent (a receipt); a cap of 0.3 leaves room for one more run of 0.13, not two.
    await app.call('settings.update', { spendingCapByProject: { [first.projectId]: 0.3 } });

    const jobs = [];
    for (let i = 0; i < 3; i++) jobs.push(await enqueue(app, seeded, { upscale_by: 1, seed: i + 1 }));
    await app.waitForJob(jobs[0]!.id, isDelivered, 10_000, 'delivered');
    let state = (await app.call('jobs.list', {})).state;
    for (let i = 0; i < 100 && !state.paused; i++) {
      await sleep(20);
      state = (await app.call('jobs.list', {})).state;
    }

    expect(state.paused?.code).toBe('SPENDING_CAP');
    expect(state.paused?.message).toBe(
      'This project’s spending cap is 0.3 credits: 0.26 are spent or under way, and the next run (about 0.13) would pass it. Raise or remove the cap under Spend to go on.',
    );
    await sleep(300);
    expect(server.postCount).toBe(2);
    expect((await app.job(jobs[1]!.id)).state).toBe('queued');

    await app.call('settings.update', { spendingCapByProject: { [first.projectId]: 1 } });
    await app.call('queue.resume', {});
    for (const job of jobs.slice(1)) await app.waitForJob(job.id, isDelivered, 10_000, 'delivered');
    expect(server.postCount).toBe(4);
  }, 40_000);
});
