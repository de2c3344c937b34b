/**
 * The CLI's batch commands over the real runtime and the stand-in over HTTP, run in-process with their
 * output captured: --dry-run prints the plan and its cost and sends nothing; a confirmed batch sends
 * exactly its runs; `jobs list`, `jobs cancel` and `spend` report what happened.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { cliCommands, type CliContext } from '../../../src/cli/commands';
import { makePoseSheet } from '../../fakes/pose-sheet';
import { seedCharacter, seedPose } from '../../helpers/seed-project';
import { standIn, startApp, type TestApp } from './support';

async function run(app: TestApp, command: string, args: string[], stdin = '') {
  const out = new PassThrough();
  const err = new PassThrough();
  const input = new PassThrough();
  input.end(stdin);
  let stdout = '';
  let stderr = '';
  out.on('data', (d: Buffer) => (stdout += d.toString()));
  err.on('data', (d: Buffer) => (stderr += d.toString()));
  const ctx: CliContext = {
    runtime: app.runtime,
    io: { stdin: input, stdout: out, stderr: err },
    resolvePath: (p) => p,
  };
  let error: unknown;
  try {
    await cliCommands[command]!.run(args, ctx);
  } catch (e) {
    error = e;
  }
  return { stdout, stderr, error: error as { code?: string; message?: string } | undefined };
}

async function seed(app: TestApp) {
  await seedCharacter(app.runtime, { name: 'Maya', description: 'a girl', styleWords: 'ink' });
  await seedCharacter(app.runtime, { name: 'Leo', description: 'a boy', styleWords: 'ink' });
  const sheet = (x: number) =>
    makePoseSheet({ width: 96, height: 64, figures: [{ x, y: 8, width: 24, height: 48 }] });
  await seedPose(app.runtime, { name: 'Sheet A', image: await sheet(10) });
  await seedPose(app.runtime, { name: 'Sheet B', image: await sheet(36) });
  await seedPose(app.runtime, { name: 'Sheet C', image: await sheet(62) });
}

const BATCH = ['--characters', 'Maya,Leo', '--poses', 'Sheet A,Sheet B,Sheet C', '--seeds', '2'];

describe('ccstudio batch, jobs and spend', () => {
  it('--dry-run prints 12 runs, the cost per model and in total, the time and the balance; sends nothing', async () => {
    const server = await standIn({ credits: 100 });
    const app = await startApp({ segmindBaseUrl: server.url, key: server.key });
    await seed(app);

    const { stdout, error } = await run(app, 'batch', [app.projectDir, ...BATCH, '--dry-run']);

    expect(error).toBeUndefined();
    expect(stdout).toContain('12 runs, 12 pictures');
    expect(stdout).toContain('Consistent Character V1: 12 x 0.13 = 1.560 credits (estimated)');
    expect(stdout).toContain('Total: 1.560 credits (estimated)');
    expect(stdout).toMatch(/Time: about \d+ min at 5 requests a minute, 2 at a time/);
    expect(stdout).toContain('Balance: 100 credits covers it (98.440 left after)');
    expect(stdout).toContain('Dry run: nothing was sent.');
    expect(server.postCount).toBe(0);
    expect(await app.jobs()).toEqual([]);
  });

  it('asks once, sends nothing when declined, and refuses an unknown pose by name', async () => {
    const server = await standIn({ credits: 100 });
    const app = await startApp({ segmindBaseUrl: server.url, key: server.key });
    await seed(app);

    const declined = await run(app, 'batch', [app.projectDir, ...BATCH], 'n\n');
    expect(declined.stderr).toContain('Send 12 runs for about 1.56 credits? [y/N]');
    expect(declined.error?.code).toBe('CANCELLED');

    const unknown = await run(app, 'batch', [app.projectDir, '--characters', 'Maya', '--poses', 'Nope']);
    expect(unknown.error?.code).toBe('NOT_FOUND');
    expect(unknown.error?.message).toContain('Sheet A, Sheet B, Sheet C');
    expect(server.postCount).toBe(0);
    expect(await app.jobs()).toEqual([]);
  });

  it('sends a confirmed batch once per run, then lists it and sums its spend from the receipts', async () => {
    const server = await standIn({ credits: 100 });
    const app = await startApp({
      segmindBaseUrl: server.url,
      key: server.key,
      settings: { requestsPerMinute: 600, concurrency: 4 },
    });
    await seed(app);

    const sent = await run(app, 'batch', [app.projectDir, ...BATCH, '--set', 'upscale_by=1'], 'y\n');
    expect(sent.error).toBeUndefined();
    expect(sent.stdout).toMatch(/12 done, 0 running, 0 waiting; spent 1\.56/);
    expect(server.postCount).toBe(12);

    const listed = await run(app, 'jobs list', []);
    expect(listed.stdout).toMatch(/batch [a-z0-9]+ active: 12 done.*\(Maya, Leo × 3 sheets × 2 seeds\)/);

    const spend = await run(app, 'spend', [app.projectDir]);
    expect(spend.stdout).toContain('project: 1.56 credits over 12 runs');
    expect(spend.stdout).toContain('character Maya: 0.78 (6 runs)');
    expect(spend.stdout).toMatch(/batch [a-z0-9]+ \(Maya, Leo × 3 sheets × 2 seeds\): 1\.56 \(12 runs\)/);
    // The balance over time: one point per run, falling by 0.13 each, ending at the stand-in's balance.
    const points = [...spend.stdout.matchAll(/balance \S+: ([\d.]+)/g)].map((m) => Number(m[1]));
    expect(points).toHaveLength(12);
    expect(points.at(-1)).toBeCloseTo(server.credits, 6);
    expect(Math.min(...points)).toBeCloseTo(100 - 1.56, 6);
  }, 60_000);

  it('jobs pause holds a batch, jobs resume sends the rest and waits, jobs cancel stops what is left', async () => {
    const server = await standIn({ credits: 100, latencyMs: 100 });
    const app = await startApp({
      segmindBaseUrl: server.url,
      key: server.key,
      settings: { requestsPerMinute: 600, concurrency: 1 },
    });
    await seed(app);
    const characters = (await app.call('characters.list', {})).characters.map((c) => c.id);
    const poses = (await app.call('poses.list', {})).libraries.flatMap((l) => l.poses.map((p) => p.id));
    const request = { modelIds: ['consistent-character-ai-neolemon'], characterIds: characters, params: {} };
    const first = await app.call('batches.start', { ...request, poseIds: poses, seeds: [1] });

    const paused = await run(app, 'jobs pause', [first.batch.id]);
    expect(paused.stdout).toMatch(new RegExp(`batch ${first.batch.id} paused`));
    const resumed = await run(app, 'jobs resume', [first.batch.id]);
    expect(resumed.error).toBeUndefined();
    expect(resumed.stdout).toMatch(/6 done, 0 running, 0 waiting/);
    expect(server.postCount).toBe(6);

    const second = await app.call('batches.start', { ...request, poseIds: poses, seeds: [2, 3] });
    const cancelled = await run(app, 'jobs cancel', [second.batch.id]);
    expect(cancelled.error).toBeUndefined();
    expect(cancelled.stdout).toMatch(new RegExp(`batch ${second.batch.id} cancelled`));
    type Listed = { batches: { batch: { id: string }; counts: Record<string, number> }[] };
    let after: Listed['batches'][number] | undefined;
    for (let i = 0; i < 200; i++) {
      const listed = JSON.parse((await run(app, 'jobs list', ['--json'])).stdout) as Listed;
      after = listed.batches.find((b) => b.batch.id === second.batch.id);
      if (after && after.counts.running === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    // A run already on its way when the cancel came still lands; every other one never leaves.
    expect(after?.counts.cancelled).toBeGreaterThanOrEqual(9);
    expect((after?.counts.cancelled ?? 0) + (server.postCount - 6)).toBe(12);
  }, 60_000);
});
