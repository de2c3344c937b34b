/**
 * `spend.summary` over the real runtime, with results made by the stand-in over real HTTP: the totals per
 * project, character, batch and model equal the costs the receipts on disk record; the balance over time
 * is the receipts' x-remaining-credits; a receipt without a cost is counted and left out of the sums; and
 * the project's cap comes back with how much of it is used.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Job, Result } from '../../../src/domain';
import { makePoseSheet } from '../../fakes/pose-sheet';
import { seedCharacter, seedPose } from '../../helpers/seed-project';
import { isDelivered, MODEL_ID, standIn, startApp, type TestApp } from './support';

const round = (n: number) => Math.round(n * 1000) / 1000;

async function receiptsOf(app: TestApp, jobs: Job[]): Promise<Result[]> {
  const done = await Promise.all(jobs.map((j) => app.waitForJob(j.id, isDelivered, 30_000, 'delivered')));
  return Promise.all(done.map((j) => app.result(j)));
}

const costOf = (results: Result[]) =>
  round(results.reduce((s, r) => s + (r.receipt.response.headers.cost ?? 0), 0));

describe('spend.summary', () => {
  it('sums the receipts per project, character, batch and model, with the balance over time and the cap', async () => {
    const server = await standIn({ credits: 50, cost: 0.137 });
    const app = await startApp({
      segmindBaseUrl: server.url,
      key: server.key,
      settings: { requestsPerMinute: 600, concurrency: 2 },
    });
    const maya = await seedCharacter(app.runtime, { name: 'Maya', description: 'a girl', styleWords: 'ink' });
    const leo = await seedCharacter(app.runtime, { name: 'Leo', description: 'a boy', styleWords: 'ink' });
    const pose = await seedPose(app.runtime, {
      name: 'Sheet A',
      image: await makePoseSheet({
        width: 96,
        height: 64,
        figures: [{ x: 10, y: 8, width: 24, height: 48 }],
      }),
    });

    // Nothing spent yet: zeros, no cap.
    const empty = await app.call('spend.summary', {});
    expect(empty).toMatchObject({
      total: 0,
      runs: 0,
      unknownCost: 0,
      byCharacter: [],
      balance: [],
      cap: null,
    });

    const single = (characterId: string, seed: number) =>
      app.call('generation.enqueue', {
        modelId: MODEL_ID,
        characterId,
        poseId: pose.id,
        params: { upscale_by: 1, seed },
      });
    const mayaJobs = [await single(maya.id, 1), await single(maya.id, 2)];
    const leoJobs = [await single(leo.id, 3)];
    const batch = await app.call('batches.start', {
      modelIds: [MODEL_ID],
      characterIds: [leo.id],
      poseIds: [pose.id],
      seeds: [4, 5],
      params: { upscale_by: 1 },
    });
    const batchJobs = (await app.jobs()).filter((j) => j.batchId === batch.batch.id);
    expect(batchJobs).toHaveLength(2);

    const mayaReceipts = await receiptsOf(app, mayaJobs);
    const leoReceipts = await receiptsOf(app, [...leoJobs, ...batchJobs]);
    const batchReceipts = await receiptsOf(app, batchJobs);
    const all = [...mayaReceipts, ...leoReceipts];
    expect(all.every((r) => typeof r.receipt.response.headers.cost === 'number')).toBe(true);

    const summary = await app.call('spend.summary', {});
    expect(summary.total).toBe(costOf(all));
    expect(summary.total).toBeCloseTo(5 * 0.137, 9);
    expect(summary.runs).toBe(5);
    expect(summary.unknownCost).toBe(0);
    expect(summary.byCharacter).toEqual([
      { id: leo.id, name: 'Leo', cost: costOf(leoReceipts), runs: 3 },
      { id: maya.id, name: 'Maya', cost: costOf(mayaReceipts), runs: 2 },
    ]);
    expect(summary.byBatch).toEqual([
      { id: batch.batch.id, name: 'Leo × 1 sheet × 2 seeds', cost: costOf(batchReceipts), runs: 2 },
    ]);
    expect(summary.byModel).toEqual([
      { id: MODEL_ID, name: 'Consistent Character V1', cost: costOf(all), runs: 5 },
    ]);
    // The balance over time: one point per run, oldest first, each what its receipt recorded, ending at
    // the stand-in's balance now.
    expect(summary.balance).toHaveLength(5);
    const byId = new Map(all.map((r) => [r.id, r]));
    for (const point of summary.balance)
      expect(point.credits).toBe(byId.get(point.resultId)?.receipt.response.headers.remainingCredits);
    expect([...summary.balance].map((p) => p.at)).toEqual([...summary.balance].map((p) => p.at).sort());
    expect(summary.balance.at(-1)!.credits).toBeCloseTo(server.credits, 9);
    expect(Math.max(...summary.balance.map((p) => p.credits))).toBeCloseTo(50 - 0.137, 9);
    expect(summary.cap).toBeNull();

    // A cap for this project comes back with what the receipts take of it; another project's cap does not.
    await app.call('settings.update', {
      spendingCapByProject: { [summary.projectId]: 2.5, someOtherProjectId: 1 },
    });
    const capped = await app.call('spend.summary', {});
    expect(capped.cap).toEqual({ credits: 2.5, spent: summary.total, underWay: 0 });

    // An older receipt with no cost: counted and said, not summed.
    const old = mayaReceipts[0]!;
    const file = join(app.projectDir, 'results', `${old.id}.json`);
    const json = JSON.parse(await readFile(file, 'utf8')) as Result;
    delete json.receipt.response.headers.cost;
    await writeFile(file, JSON.stringify(json, null, 2));
    await app.call('results.refresh', { full: true });
    const withUnknown = await app.call('spend.summary', {});
    expect(withUnknown.unknownCost).toBe(1);
    expect(withUnknown.runs).toBe(4);
    expect(withUnknown.total).toBe(round(summary.total - (old.receipt.response.headers.cost ?? 0)));
    expect(withUnknown.byCharacter.find((c) => c.id === maya.id)).toEqual({
      id: maya.id,
      name: 'Maya',
      cost: costOf(mayaReceipts.slice(1)),
      runs: 1,
    });
  }, 60_000);

  it('answers NO_PROJECT when no project is open', async () => {
    const server = await standIn();
    const app = await startApp({ segmindBaseUrl: server.url, key: server.key });
    await app.call('projects.close', {});
    await expect(app.call('spend.summary', {})).rejects.toMatchObject({ code: 'NO_PROJECT' });
  });
});
