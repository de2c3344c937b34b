/**
 * Issue 11's "done when": over real HTTP, a v2 job survives a kill between submit and completion and
 * resumes polling after a restart, with exactly one submit. The kill is real: a child process running the
 * app runtime (async-kill-child.ts) submits the job and is SIGKILLed while Segmind (the stand-in, here in
 * the parent, so it counts every request and outlives the kill) still has the run in progress. The next
 * start on the same user-data folder must find the request id in the outbox, poll, download, and deliver.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { JobSchema } from '../../../src/domain';
import { workerCommand } from '../../reliability/common/bundle';
import {
  isDelivered,
  MODEL_ID,
  seedExample,
  standIn,
  startApp,
  waitPastAutomaticRetry,
} from '../generation/support';
import type { KillChildConfig } from './async-kill-child';

const here = dirname(fileURLToPath(import.meta.url));

/** Runs the child until it prints its request id, then SIGKILLs it. Resolves with the job's id. */
async function submitThenKill(config: KillChildConfig): Promise<{ jobId: string; requestId: string }> {
  const command = await workerCommand(join(here, 'async-kill-child.ts'));
  onTestFinished(() => command.dispose());
  const child = spawn(process.execPath, [...command.args, JSON.stringify(config)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the child never submitted; stderr: ${stderr}`)), 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const done = /^(submitted|ended) .*$/m.exec(stdout);
      if (done) {
        clearTimeout(timer);
        resolve(done[0]);
      }
    });
    child.on('exit', () => reject(new Error(`the child exited early; stderr: ${stderr}`)));
  });
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  const [word, jobId, requestId] = line.split(' ');
  expect(word).toBe('submitted');
  return { jobId: jobId!, requestId: requestId! };
}

describe('a v2 job and a kill between submit and completion', () => {
  it('resumes polling after the restart and completes with exactly one submit', async () => {
    const server = await standIn({ credits: 10 });
    // The run stays in progress at Segmind until after the kill.
    server.v2.holdRuns();
    const app = await startApp({ segmindBaseUrl: server.url, key: server.key });
    await app.call('settings.update', { segmindApiByModel: { [MODEL_ID]: 'v2' } });
    const seeded = await seedExample(app);

    let killed: { jobId: string; requestId: string } | undefined;
    await app.restart({
      between: async () => {
        killed = await submitThenKill({
          userDataDir: app.userDataDir,
          projectDir: app.projectDir,
          segmindUrl: server.url,
          key: server.key,
          modelId: MODEL_ID,
          characterId: seeded.character.id,
          poseId: seeded.pose.id,
        });
        // What the kill left: the job `submitting` with the request id Segmind gave it.
        const left = JobSchema.parse(
          JSON.parse(await readFile(join(app.outboxDir, killed.jobId, 'job.json'), 'utf8')),
        );
        expect(left.state).toBe('submitting');
        expect(left.requestId).toBe(killed.requestId);
        expect(server.v2.submitCount).toBe(1);
        expect(server.v2.records.get(killed.requestId)?.status).not.toBe('COMPLETED');
        server.v2.releaseRuns();
      },
    });
    const { jobId, requestId } = killed!;
    const done = await app.waitForJob(jobId, isDelivered, 20_000, 'delivered after the restart');
    expect(done.requestId).toBe(requestId);
    expect(done.error).toBeUndefined();
    const result = await app.result(done);
    expect(result.receipt.response.headers.requestId).toBe(requestId);
    expect(result.receipt.response.metrics?.cost).toBe(0.13);

    await waitPastAutomaticRetry();
    expect(server.postCount).toBe(1);
    expect(server.v2.submitCount).toBe(1);
    expect(server.credits).toBeCloseTo(10 - 0.13, 5);
    expect(JSON.stringify(server.v2.outputRequests.map((r) => r.headers))).not.toContain(server.key);
  });
});
