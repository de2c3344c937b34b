/**
 * Issue 9.1: a paid image is committed into its project exactly once, even when the app is killed after
 * the commit and before the job recorded it. The next owner of the outbox finds the job `completed` with
 * its image still in the outbox and no result id, and delivers it again: that must adopt the result the
 * first delivery wrote, not write a second one (one POST, one receipt).
 */
import { copyFile, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JobSchema, ResultSchema, type Result } from '../../../src/domain';
import { enqueue, isDelivered, seedExample, standIn, startApp } from '../generation/support';

async function receiptsIn(projectDir: string): Promise<Result[]> {
  const dir = join(projectDir, 'results');
  const names = (await readdir(dir)).filter((name) => name.endsWith('.json'));
  return Promise.all(
    names.map(async (name) => ResultSchema.parse(JSON.parse(await readFile(join(dir, name), 'utf8')))),
  );
}

/**
 * Delivers one job, then puts back what a kill during or right after its commit leaves behind: the job as
 * it was written when the image arrived (completed, no result id yet) and the image still in the outbox,
 * since it is removed only after the job records its result. `project` undoes what the commit had not yet
 * written when the kill came. Then a new runtime takes the outbox and opens the project.
 */
async function crashAfterCommit(project: (committed: Result, projectDir: string) => Promise<void>) {
  const server = await standIn({ credits: 10 });
  const app = await startApp({ segmindBaseUrl: server.url, key: server.key });
  const seeded = await seedExample(app);

  const queued = await enqueue(app, seeded);
  const delivered = await app.waitForJob(queued.id, isDelivered, 8000, 'delivered');
  const first = await app.result(delivered);
  expect(await receiptsIn(app.projectDir)).toHaveLength(1);

  const jobFile = join(app.outboxDir, queued.id, 'job.json');
  const { resultId: _recordedLater, ...beforeRecording } = JobSchema.parse(
    JSON.parse(await readFile(jobFile, 'utf8')),
  );
  const outputFile = join(app.outboxDir, queued.id, delivered.output?.file ?? 'output.jpg');
  await app.restart({
    between: async () => {
      await writeFile(jobFile, JSON.stringify(beforeRecording));
      await copyFile(join(app.projectDir, first.file), outputFile);
      await project(first, app.projectDir);
    },
  });
  // The new owner delivers what it found pending when the project opened.
  const again = await app.waitForJob(queued.id, isDelivered, 8000, 'delivered after the restart');
  return { server, app, first, again };
}

async function imagesIn(projectDir: string): Promise<string[]> {
  return (await readdir(join(projectDir, 'results'))).filter((name) => !name.endsWith('.json'));
}

describe('a crash after the commit, before the job recorded its result', () => {
  it('the next owner of the outbox adopts the committed result: one POST, one receipt', async () => {
    const { server, app, first, again } = await crashAfterCommit(async () => undefined);

    expect(server.postCount).toBe(1);
    const receipts = await receiptsIn(app.projectDir);
    expect(receipts.map((r) => [r.id, r.receipt.response.headers.requestId])).toEqual([
      [first.id, first.receipt.response.headers.requestId],
    ]);
    expect(again.resultId).toBe(first.id);
    expect(await imagesIn(app.projectDir)).toEqual([first.file.slice('results/'.length)]);
  });

  it('a commit cut short after the image (no receipt yet) is completed under the same id, not doubled', async () => {
    const { server, app, first, again } = await crashAfterCommit((committed, projectDir) =>
      rm(join(projectDir, 'results', `${committed.id}.json`)),
    );

    expect(server.postCount).toBe(1);
    expect((await receiptsIn(app.projectDir)).map((r) => r.id)).toEqual([first.id]);
    expect(again.resultId).toBe(first.id);
    expect(await imagesIn(app.projectDir)).toEqual([first.file.slice('results/'.length)]);
  });
});
