/**
 * The real app runtime for generation tests: createAppRuntime over a temp user-data folder, a real project
 * in a temp folder, the key in a MemoryStore, and the Segmind stand-in over real HTTP. Every event and every
 * handler answer is recorded, so a test can check what the person would have seen.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import type { CallName, CallOutput, CallParsedInput, EventName } from '../../../src/contract';
import { ResultSchema, type Job, type Result } from '../../../src/domain';
import { SERVER_ERROR_RETRY_DELAY_MS } from '../../../src/jobs/automatic-retry';
import { consistentCharacterV1 as v1, V1_EXAMPLE_DESCRIPTION, V1_EXAMPLE_STYLE } from '../../../src/models';
import { MemoryStore } from '../../../src/secrets/memory-store';
import { createAppRuntime } from '../../../src/services/runtime';
import type { AppRuntime } from '../../../src/services/runtime-types';
import { makePoseSheet } from '../../fakes/pose-sheet';
import {
  startSegmindStandIn,
  type SegmindStandIn,
  type StartStandInOptions,
} from '../../fakes/segmind-stand-in';
import { seedCharacterAndPose } from '../../helpers/seed-project';

export const MODEL_ID = v1.id;

export interface RecordedEvent {
  name: EventName;
  payload: unknown;
}

export interface TestApp {
  runtime: AppRuntime;
  readonly userDataDir: string;
  readonly projectDir: string;
  readonly outboxDir: string;
  readonly secrets: MemoryStore;
  /** Every event, from every runtime this app has had (restarts included), payloads cloned. */
  readonly events: RecordedEvent[];
  /** Every handler answer and every error a handler threw, in order. */
  readonly answers: unknown[];
  call<K extends CallName>(name: K, input: CallParsedInput<K>): Promise<CallOutput<K>>;
  jobs(): Promise<Job[]>;
  job(id: string): Promise<Job>;
  /** Polls until the job satisfies `predicate`; fails with the job as it last was. */
  waitForJob(id: string, predicate: (job: Job) => boolean, timeoutMs?: number, what?: string): Promise<Job>;
  /** The committed result of a completed job, read from the project folder. */
  result(job: Job): Promise<Result>;
  /** Disposes the runtime and starts a new one on the same user-data folder, then reopens the project. */
  restart(options?: RestartOptions): Promise<void>;
  dispose(): Promise<void>;
}

export interface RestartOptions {
  /** Runs after the old runtime is gone and before the new one starts (to leave a crash behind). */
  between?: () => Promise<void>;
  segmindBaseUrl?: string;
  /** Default true. */
  openProject?: boolean;
}

export interface StartAppOptions {
  segmindBaseUrl: string;
  /** The key in the MemoryStore; null for none. */
  key: string | null;
  settings?: { concurrency?: number; requestsPerMinute?: number };
}

/*
 * Clean-up is scoped to the test that made each thing (onTestFinished, not afterEach), so tests that wait a
 * long time can run side by side with describe.concurrent.
 */

/**
 * What registers a test's clean-up: vitest's global onTestFinished by default; a test in a concurrent
 * suite passes its own context's (`async ({ onTestFinished }) => ...`), as vitest asks: its global hook
 * cannot tell concurrent tests apart, and once failed one with "can only be called inside a test".
 */
export type WhenFinished = (cleanUp: () => void | Promise<void>) => void;
const globalFinished: WhenFinished = (cleanUp) => onTestFinished(cleanUp);

/** A stand-in closed after the test. */
export async function standIn(
  options: StartStandInOptions = {},
  finished: WhenFinished = globalFinished,
): Promise<SegmindStandIn> {
  const s = await startSegmindStandIn(options);
  finished(() => s.close());
  return s;
}

export async function startApp(
  options: StartAppOptions,
  finished: WhenFinished = globalFinished,
): Promise<TestApp> {
  const root = await mkdtemp(join(tmpdir(), 'ccstudio-gen-'));
  const userDataDir = join(root, 'user-data');
  const projectDir = join(root, 'project');
  const secrets = new MemoryStore();
  if (options.key !== null) await secrets.set(options.key);
  const events: RecordedEvent[] = [];
  const answers: unknown[] = [];
  let baseUrl = options.segmindBaseUrl;
  let disposed = false;

  const create = async (): Promise<AppRuntime> => {
    const runtime = await createAppRuntime({
      userDataDir,
      platform: { shell: 'browser' },
      secrets,
      appVersion: 'test',
      segmindBaseUrl: baseUrl,
    });
    runtime.events.on((name, payload) => events.push({ name, payload: structuredClone(payload) }));
    return runtime;
  };

  const app: TestApp = {
    runtime: await create(),
    userDataDir,
    projectDir,
    outboxDir: join(userDataDir, 'outbox'),
    secrets,
    events,
    answers,
    async call(name, input) {
      const handler = app.runtime.handlers[name] as (input: unknown) => Promise<CallOutput<typeof name>>;
      try {
        const out = await handler(input);
        answers.push(structuredClone(out));
        return out;
      } catch (error) {
        answers.push(error);
        throw error;
      }
    },
    async jobs() {
      return (await app.call('jobs.list', {})).jobs;
    },
    async job(id) {
      const job = (await app.jobs()).find((j) => j.id === id);
      if (!job) throw new Error(`job ${id} is not in the queue`);
      return job;
    },
    async waitForJob(id, predicate, timeoutMs = 8000, what = 'the expected state') {
      const start = Date.now();
      for (;;) {
        const job = (await app.runtime.handlers['jobs.list']({})).jobs.find((j) => j.id === id);
        if (job && predicate(job)) return job;
        if (Date.now() - start > timeoutMs) {
          throw new Error(
            `job ${id} did not reach ${what} in ${timeoutMs} ms; it is ${JSON.stringify(job, null, 1)}`,
          );
        }
        await sleep(10);
      }
    },
    async result(job) {
      if (!job.resultId) throw new Error(`job ${job.id} has no result`);
      const text = await readFile(join(projectDir, 'results', `${job.resultId}.json`), 'utf8');
      return ResultSchema.parse(JSON.parse(text));
    },
    async restart(restart = {}) {
      await app.runtime.dispose();
      await restart.between?.();
      if (restart.segmindBaseUrl !== undefined) baseUrl = restart.segmindBaseUrl;
      app.runtime = await create();
      if (restart.openProject ?? true) await app.call('projects.open', { dir: projectDir });
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await app.runtime.dispose();
    },
  };
  finished(async () => {
    await app.dispose();
    // Retries: the workspace's warm-up (thumbnail repair after a project opens) is not awaited by
    // runtime.dispose() and may still be writing into the project for a moment.
    await rm(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  });
  await app.call('projects.create', { dir: projectDir, name: 'Generation test' });
  if (options.settings) await app.call('settings.update', options.settings);
  return app;
}

/** The spec's example character (its prompt composes to the spec's example prompt) and a small pose sheet. */
export async function seedExample(app: TestApp, sheet?: Buffer) {
  return seedCharacterAndPose(
    app.runtime,
    { name: 'Maya', description: V1_EXAMPLE_DESCRIPTION, styleWords: V1_EXAMPLE_STYLE },
    { name: 'Two poses', image: sheet ?? (await makePoseSheet()) },
  );
}

/** Enqueues one job for the seeded character and pose through the contract handler. */
export function enqueue(
  app: TestApp,
  seeded: { character: { id: string }; pose: { id: string } },
  params: Record<string, string | number> = {},
): Promise<Job> {
  return app.call('generation.enqueue', {
    modelId: MODEL_ID,
    characterId: seeded.character.id,
    poseId: seeded.pose.id,
    params,
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until any automatic retry the queue could have scheduled by itself has had time to go out: past
 * the 500's retry delay, the shortest it schedules (a 429's wait is Segmind's own reset, checked through
 * the job's notBefore). A test that proves a job is never sent again must wait this long; a shorter wait
 * would pass just as well with a wrong retry still pending.
 */
export const waitPastAutomaticRetry = (): Promise<void> => sleep(SERVER_ERROR_RETRY_DELAY_MS + 500);

/** Resolves once `condition` holds, polling. */
export async function until(condition: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`${what} not reached in ${timeoutMs} ms`);
    await sleep(5);
  }
}

/** A port nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export const isSettled = (job: Job): boolean => !['queued', 'submitting'].includes(job.state);
export const isDelivered = (job: Job): boolean => job.state === 'completed' && job.resultId !== undefined;

export interface RateLimitFront {
  readonly url: string;
  /** When each POST reached the front (ms since epoch), forwarded or not. */
  readonly postTimes: number[];
  /** The reset time each 429 announced (ms since epoch). */
  readonly resets: number[];
  close(): Promise<void>;
}

/**
 * Closed after the test. Segmind in front of the stand-in, answering the first `count` POSTs with 429 and a reset `resetInMs` ahead
 * (the stand-in's own 429 resets a minute later, too long for a test); everything else is passed through.
 */
export async function rateLimitFront(
  target: SegmindStandIn,
  resetInMs: number,
  count = 1,
  finished: WhenFinished = globalFinished,
): Promise<RateLimitFront> {
  const postTimes: number[] = [];
  const resets: number[] = [];
  let left = count;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        if (req.method === 'POST') postTimes.push(Date.now());
        if (req.method === 'POST' && left > 0) {
          left--;
          const reset = Date.now() + resetInMs;
          resets.push(reset);
          const text = JSON.stringify({ error: 'Too many requests: rate limit exceeded.' });
          res.writeHead(429, {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(text),
            'x-rate-limit-reset-at-utc': new Date(reset).toISOString(),
          });
          res.end(text);
          return;
        }
        const headers: Record<string, string> = {};
        for (const name of ['x-api-key', 'content-type', 'accept']) {
          const value = req.headers[name];
          if (typeof value === 'string') headers[name] = value;
        }
        const body = Buffer.concat(chunks);
        const answer = await fetch(`${target.url}${req.url ?? '/'}`, {
          method: req.method ?? 'GET',
          headers,
          ...(req.method === 'POST' ? { body } : {}),
        });
        const bytes = Buffer.from(await answer.arrayBuffer());
        const out: Record<string, string> = { 'content-length': String(bytes.length) };
        answer.headers.forEach((value, name) => {
          if (name === 'content-type' || name.startsWith('x-')) out[name] = value;
        });
        res.writeHead(answer.status, out);
        res.end(bytes);
      })().catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = async (): Promise<void> => {
    if (!server.listening) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  finished(close);
  return { url, postTimes, resets, close };
}
