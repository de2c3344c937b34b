/**
 * Done when (batches): 2 characters x 3 sheets x 2 seeds shows 12 runs and their cost before anything is
 * sent, sends exactly 12 POSTs even across a restart in the middle, and lands 12 results; a batch pauses,
 * resumes (across a restart too) and cancels as a whole. Real runtime, real outbox, stand-in over HTTP.
 */
import { describe, expect, it } from 'vitest';
import { ResultQuerySchema } from '../../../src/contract/calls/workspace';
import type { Job } from '../../../src/domain';
import { consistentCharacterV1 as v1 } from '../../../src/models';
import { makePoseSheet } from '../../fakes/pose-sheet';
import { seedCharacter, seedPose } from '../../helpers/seed-project';
import { isDelivered, sleep, standIn, startApp, until, type TestApp } from './support';

async function seedTwoByThree(app: TestApp) {
  const maya = await seedCharacter(app.runtime, { name: 'Maya', description: 'a girl', styleWords: 'ink' });
  const leo = await seedCharacter(app.runtime, { name: 'Leo', description: 'a boy', styleWords: 'ink' });
  // Three different sheets (the same picture twice would be refused as a duplicate on import).
  const sheet = (x: number) =>
    makePoseSheet({ width: 96, height: 64, figures: [{ x, y: 8, width: 24, height: 48 }] });
  const first = await seedPose(app.runtime, { name: 'Sheet A', image: await sheet(10) });
  const others = [];
  for (const [name, x] of [
    ['Sheet B', 36],
    ['Sheet C', 62],
  ] as const) {
    others.push(await seedPose(app.runtime, { name, image: await sheet(x) }));
  }
  return { characterIds: [maya.id, leo.id], poseIds: [first.id, ...others.map((p) => p.id)] };
}

const batchJobs = (jobs: Job[], batchId: string) => jobs.filter((j) => j.batchId === batchId);

describe('batches', () => {
  it('plans 2 x 3 x 2 as 12 runs with cost, time and balance, and sends nothing while planning', async () => {
    const server = await standIn({ credits: 1 });
    const app = await startApp({
      segmindBaseUrl: server.url,
      key: server.key,
      settings: { requestsPerMinute: 5, concurrency: 2 },
    });
    const seeded = await seedTwoByThree(app);

    const plan = await app.call('batches.plan', {
      modelIds: [v1.id],
      ...seeded,
      seeds: { count: 2 },
      params: {},
    });

    expect(plan.runs).toBe(12);
    expect(plan.pictures).toBe(12);
    expect(plan.seeds).toHaveLength(2);
    expect(plan.perModel).toEqual([
      { modelId: v1.id, name: v1.name, runs: 12, pictures: 12, costPerRun: 0.13, cost: 1.56 },
    ]);
    expect(plan.totalCost).toBe(1.56);
    // Two at a time, ~40 s each: six rounds. (The rate limit, 5 a minute, is not the bound here.)
    expect(plan.estimatedMs).toBe(6 * 40_000);
    expect(plan.balance).toBe(1);
    expect(plan.covers).toBe(false);
    expect(server.postCount).toBe(0);
    expect(await app.jobs()).toEqual([]);
  });

  it('refuses a batch it cannot run before asking Segmind anything or writing anything', async () => {
    const server = await standIn({ credits: 100 });
    const app = await startApp({ segmindBaseUrl: server.url, key: server.key });
    const seeded = await seedTwoByThree(app);
    const good = { modelIds: [v1.id], ...seeded, params: { upscale_by: 1 } };
    const requestsBefore = server.requestCount;
    const refusals: [string, typeof good][] = [
      ['an unknown model', { ...good, modelIds: ['no-such-model'] }],
      ['a setting the model refuses', { ...good, params: { upscale_by: 'png' } as never }],
      ['an unknown setting', { ...good, params: { upscale_by: 1, extra: 'x' } as never }],
      ['a character that is not there', { ...good, characterIds: ['0nosuchcharacter0'] }],
      ['a pose that is not there', { ...good, poseIds: ['0nosuchposesheet0'] }],
    ];
    for (const [what, request] of refusals) {
      for (const call of ['batches.plan', 'batches.start'] as const) {
        const seeds = call === 'batches.plan' ? { count: 1 } : [42];
        await expect(
          app.call(call, { ...request, seeds } as never),
          `${call}: ${what}`,
        ).rejects.toMatchObject({
          code: expect.stringMatching(/INVALID_INPUT|NOT_FOUND/),
        });
      }
    }
    // Not even the balance was asked for, no batch was written and no job exists.
    expect(server.requestCount).toBe(requestsBefore);
    expect((await app.call('batches.list', {})).batches).toEqual([]);
    expect(await app.jobs()).toEqual([]);
  });

  it('sends exactly 12 POSTs across a restart in the middle and lands 12 results, one batch', async () => {
    const server = await standIn({ credits: 100, latencyMs: 150 });
    const app = await startApp({
      segmindBaseUrl: server.url,
      key: server.key,
      settings: { requestsPerMinute: 600, concurrency: 2 },
    });
    // V1 through the async API: a run in flight at the restart resumes polling instead of becoming unknown.
    await app.call('settings.update', { segmindApiByModel: { [v1.id]: 'v2' } });
    const seeded = await seedTwoByThree(app);
    const request = { modelIds: [v1.id], ...seeded, params: { upscale_by: 1 } };
    const plan = await app.call('batches.plan', { ...request, seeds: { count: 2 } });
    expect(plan.covers).toBe(true);

    const started = await app.call('batches.start', { ...request, seeds: plan.seeds });
    const batchId = started.batch.id;
    expect(started.batch.runs).toHaveLength(12);
    expect(batchJobs(await app.jobs(), batchId)).toHaveLength(12);

    // Restart with runs in flight, but not inside a submit whose answer has not arrived yet (that one
    // would rightly become "outcome unknown"): both lanes polling accepted runs, four submits sent.
    for (let i = 0; ; i++) {
      const running = batchJobs(await app.jobs(), batchId).filter((j) => j.state === 'submitting');
      if (server.postCount >= 4 && running.length > 0 && running.every((j) => j.requestId)) break;
      if (i > 4000) throw new Error('no moment with every running job accepted');
      await sleep(5);
    }
    await app.restart();

    await until(() => server.postCount >= 12, 30_000, 'twelve POSTs');
    const jobs: Job[] = [];
    for (const job of batchJobs(await app.jobs(), batchId))
      jobs.push(await app.waitForJob(job.id, isDelivered, 30_000, 'delivered'));
    await sleep(300);
    expect(server.postCount).toBe(12);

    const progress = (await app.call('batches.list', {})).batches.find((b) => b.batch.id === batchId);
    expect(progress?.counts).toMatchObject({ completed: 12, queued: 0, running: 0, failed: 0, unknown: 0 });
    expect(progress?.spent).toBeCloseTo(1.56, 6);
    // Every character x sheet x seed exactly once.
    const combos = new Set(jobs.map((j) => `${j.characterId}/${j.poseId}/${j.params.seed}`));
    expect(combos.size).toBe(12);

    // One filter in the gallery: "this batch" finds its 12 results and nothing else.
    await app.call('generation.enqueue', {
      modelId: v1.id,
      characterId: seeded.characterIds[0]!,
      poseId: seeded.poseIds[0]!,
      params: { upscale_by: 1 },
    });
    await until(() => server.postCount >= 13, 10_000, 'a run outside the batch');
    for (const job of await app.jobs()) await app.waitForJob(job.id, isDelivered, 30_000, 'delivered');
    const all = await app.call('results.query', ResultQuerySchema.parse({}));
    expect(all.total).toBe(13);
    const page = await app.call(
      'results.query',
      ResultQuerySchema.parse({ filter: { batchIds: [batchId] } }),
    );
    expect(page.total).toBe(12);
    expect(new Set(page.items.map((r) => r.id))).toEqual(new Set(jobs.map((j) => j.resultId)));
  }, 90_000);

  it('pauses as a whole, stays paused across a restart, resumes, and cancels what was not sent', async () => {
    const server = await standIn({ credits: 100, latencyMs: 100 });
    const app = await startApp({
      segmindBaseUrl: server.url,
      key: server.key,
      settings: { requestsPerMinute: 600, concurrency: 1 },
    });
    const seeded = await seedTwoByThree(app);
    const request = { modelIds: [v1.id], ...seeded, params: { upscale_by: 1 } };
    const plan = await app.call('batches.plan', { ...request, seeds: [1, 2] });
    const { batch } = await app.call('batches.start', { ...request, seeds: plan.seeds });

    await until(() => server.postCount >= 1, 10_000, 'the first POST');
    await app.call('batches.pause', { id: batch.id });
    // What was in flight finishes; nothing else leaves.
    const settled = async () => batchJobs(await app.jobs(), batch.id).every((j) => j.state !== 'submitting');
    for (let i = 0; i < 200 && !(await settled()); i++) await sleep(20);
    const sentWhilePausing = server.postCount;
    await sleep(500);
    expect(server.postCount).toBe(sentWhilePausing);
    expect(sentWhilePausing).toBeLessThan(12);

    await app.restart();
    await sleep(500);
    expect(server.postCount).toBe(sentWhilePausing);
    const listed = (await app.call('batches.list', {})).batches.find((b) => b.batch.id === batch.id);
    expect(listed?.batch.state).toBe('paused');

    await app.call('batches.resume', { id: batch.id });
    await until(() => server.postCount >= sentWhilePausing + 2, 10_000, 'two more POSTs');
    const cancelled = await app.call('batches.cancel', { id: batch.id });
    expect(cancelled.batch.state).toBe('cancelled');
    const jobs = batchJobs(await app.jobs(), batch.id);
    for (const job of jobs)
      await app.waitForJob(job.id, (j) => j.state !== 'submitting' && j.state !== 'queued');
    const cancelledJobs = jobs.filter((j) => j.state === 'cancelled').length;
    await sleep(300);
    // Every run either went out once or was cancelled before it did.
    expect(server.postCount + cancelledJobs).toBe(12);
    expect(cancelled.counts.cancelled).toBeGreaterThan(0);
  }, 60_000);
});
