/**
 * Done when (8): the API key reaches nothing but the x-api-key header. A canary key goes through a success
 * and every error Segmind can answer (and a server that quotes the key back), a restart, a cancel and a
 * resend; then every file under the user-data folder and the project (binary included), every event, every
 * handler answer and everything written to the console are searched for it.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Job } from '../../../src/domain';
import { STAND_IN_PROMPT_FAILURE_KINDS } from '../../fakes/segmind-stand-in';
import type { TestApp } from './support';
import { enqueue, isDelivered, isSettled, seedExample, standIn, startApp, until } from './support';

const CANARY = `SG_${randomBytes(8).toString('hex')}`;
const CANARY_HEX = CANARY.slice(3);
/** The forms a leak could take: the key itself, its secret part, and both in UTF-16 (a binary file). */
const NEEDLES = [CANARY, CANARY_HEX].flatMap((text) => [
  Buffer.from(text, 'utf8'),
  Buffer.from(text, 'utf16le'),
]);

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

function leaks(bytes: Buffer): boolean {
  return NEEDLES.some((needle) => bytes.includes(needle));
}

const consoleLines: string[] = [];
beforeEach(() => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      consoleLines.push(args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 8 }))).join(' '));
    });
  }
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** Waits until the job has an outcome, or the queue paused on it; resumes a paused queue. */
async function outcome(app: TestApp, id: string): Promise<Job> {
  const start = Date.now();
  for (;;) {
    const { jobs, state } = await app.call('jobs.list', {});
    const job = jobs.find((j) => j.id === id)!;
    if (isSettled(job)) return job;
    if (state.paused && job.state === 'queued') {
      await app.call('queue.resume', {});
      return app.waitForJob(id, isSettled, 5000, 'settled after resuming');
    }
    if (job.state === 'queued' && job.notBefore && Date.parse(job.notBefore) - Date.now() > 10_000)
      return job; // 429
    if (Date.now() - start > 8000) throw new Error(`job ${id} did not settle: ${JSON.stringify(job)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the API key never leaks', () => {
  it('is nowhere on disk, in events, in answers or on the console after every kind of answer', async () => {
    const server = await standIn({ credits: 50, keys: [CANARY] });
    const app = await startApp({
      segmindBaseUrl: server.url,
      key: null,
      settings: { concurrency: 2, requestsPerMinute: 100 },
    });
    const seeded = await seedExample(app);

    // No key yet: the job waits; the key is set through the contract, checked for free, and the job goes.
    const first = await enqueue(app, seeded);
    await until(() =>
      app.events.some(
        (e) => e.name === 'queue.changed' && (e.payload as { paused: unknown }).paused !== null,
      ),
    );
    expect((await app.job(first.id)).state).toBe('queued');
    expect(await app.call('key.set', { key: CANARY })).toMatchObject({ hasKey: true });
    expect(await app.call('key.status', {})).toMatchObject({ hasKey: true });
    expect((await app.waitForJob(first.id, isDelivered, 5000, 'completed')).state).toBe('completed');
    expect((await app.call('credits.get', {})).credits).toBeCloseTo(50 - 0.13, 6);

    // Every kind the stand-in can answer at once, from its one list. A single 500 is retried by itself;
    // it is exercised just below, as two in a row.
    const kinds = STAND_IN_PROMPT_FAILURE_KINDS.filter((kind) => kind !== '500');
    const states: Record<string, string> = {};
    for (const kind of kinds) {
      server.failNext(kind);
      const job = await outcome(app, (await enqueue(app, seeded)).id);
      states[kind] = job.state;
    }
    server.failNext({ kind: '500', count: 2 });
    states['500'] = (await outcome(app, (await enqueue(app, seeded)).id)).state;
    // Every kind was really exercised (paused ones completed after resuming).
    expect(states).toEqual({
      '401-missing': 'completed',
      '401-invalid': 'completed',
      '404': 'failed',
      '405': 'failed',
      '406-credits': 'completed',
      '406-content-type': 'failed',
      '410': 'failed',
      '422': 'failed',
      '429': 'queued',
      'drop-after-body': 'unknown',
      'truncated-body': 'unknown',
      'not-an-image': 'failed',
      '500': 'failed',
    });

    // Cancel in flight, a restart, and an explicit resend.
    server.failNext({ kind: 'slow', delayMs: 10_000 });
    const slow = await enqueue(app, seeded);
    await app.waitForJob(slow.id, (j) => j.state === 'submitting', 5000, 'submitting');
    await until(() => server.postCount > 0 && server.pendingFailures === 0, 5000, 'the slow POST arriving');
    expect((await app.call('jobs.cancel', { id: slow.id })).state).toBe('unknown');
    await app.restart();
    await app.call('jobs.resend', { id: slow.id });
    await app.waitForJob(slow.id, isDelivered, 5000, 'completed after resend');

    // A careless server that quotes the key back in its error message and in a "picture" it charged for.
    const echo = createServer((req, res) => {
      const key = String(req.headers['x-api-key']);
      req.resume();
      req.on('end', () => {
        if (echoed++ === 0) {
          res.writeHead(422, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: `Validation error for key ${key}` }));
        } else {
          res.writeHead(200, { 'content-type': 'image/jpeg', 'x-request-id': `req-${key}` });
          res.end(`not a picture; your key is ${key}`);
        }
      });
    });
    let echoed = 0;
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    try {
      await app.restart({ segmindBaseUrl: `http://127.0.0.1:${(echo.address() as AddressInfo).port}` });
      const quoted = await outcome(app, (await enqueue(app, seeded)).id);
      expect([quoted.state, quoted.error?.code]).toEqual(['failed', 'BAD_REQUEST']);
      expect(quoted.error?.detail?.serverMessage).toMatch(/Validation error for key/);
      const charged = await outcome(app, (await enqueue(app, seeded)).id);
      expect([charged.state, charged.error?.code]).toEqual(['failed', 'BAD_RESPONSE']);
      const kept = await readFile(join(app.outboxDir, charged.id, 'output.bin'), 'utf8');
      expect(kept).toMatch(/^not a picture; your key is /);
    } finally {
      echo.closeAllConnections();
      await new Promise((resolve) => echo.close(resolve));
    }
    await app.call('jobs.list', {});
    await app.dispose();

    // Now look everywhere.
    const files = [...(await filesUnder(app.userDataDir)), ...(await filesUnder(app.projectDir))];
    expect(files.some((f) => f.endsWith('output.bin'))).toBe(true);
    expect(files.filter((f) => f.endsWith('.jpg')).length).toBeGreaterThanOrEqual(5);
    const leakingFiles: string[] = [];
    for (const file of files) if (leaks(await readFile(file))) leakingFiles.push(file);
    expect(leakingFiles).toEqual([]);

    expect(app.events.length).toBeGreaterThan(50);
    const leakingEvents = app.events.filter((e) => leaks(Buffer.from(JSON.stringify(e))));
    expect(leakingEvents).toEqual([]);

    expect(app.answers.length).toBeGreaterThan(20);
    const leakingAnswers = app.answers.filter((a) =>
      leaks(Buffer.from(inspect(a, { depth: 12 }) + JSON.stringify(a))),
    );
    expect(leakingAnswers).toEqual([]);

    const leakingLines = consoleLines.filter((line) => leaks(Buffer.from(line)));
    expect(leakingLines).toEqual([]);

    // The search itself works: the stand-in did receive the canary, so it is not simply absent everywhere.
    expect(server.lastHeaders?.['x-api-key']).toBe(CANARY);
    expect(leaks(Buffer.from(`x ${CANARY} y`, 'utf16le'))).toBe(true);
  }, 30_000);
});
