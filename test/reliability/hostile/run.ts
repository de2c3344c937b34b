/**
 * Hostile input (issue 9): the contract, images and project folders an attacker or a broken file could
 * hand the app.
 *
 *   npm run test:hostile
 *
 * 1. contract: generated and mutated inputs to every contract call through dispatchCall (main's path)
 *    on a real project, generating against the stand-in (contract-fuzz.ts);
 * 2. images: mutated PNG, JPEG and WebP files through poses.import (image-fuzz.ts);
 * 3. folders: hostile project folders (links out of the project, `..` names and paths, huge and deeply
 *    nested JSON, pipes) opened and worked through, each in its own child (folders.ts).
 * Parts 1 and 2 run in children too (part-worker.ts), in shards side by side: an input that hangs (a read
 * that never returns holds a thread for ever) or kills its process is counted, and a new child goes on
 * from the next input. Input n is drawn from its own generator (seed, n), so it can be made again alone.
 *
 * Environment (defaults are the CI run's):
 *   RELIABILITY_SEED   replay a run (the seed is printed at the start and the end)
 *   HOSTILE_INPUTS     contract inputs (10000)
 *   HOSTILE_IMAGES     mutated image files (1000)
 *   HOSTILE_PARTS      which parts to run, comma-separated (contract,images,folders)
 *   HOSTILE_SHARDS     children running the contract and image parts side by side, each over its own
 *                      share of the inputs in its own sandbox (2)
 *   HOSTILE_FOLDER_CHILDREN  hostile folders opened at once (3)
 *   HOSTILE_KEEP       1: keep the sandbox folder
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { Job } from '../../../src/domain';
import { MemoryStore } from '../../../src/secrets/memory-store';
import { dispatchCall } from '../../../src/services/dispatch';
import { createAppRuntime } from '../../../src/services/runtime';
import { makePoseSheet } from '../../fakes/pose-sheet';
import { newStandInKey, startSegmindStandIn } from '../../fakes/segmind-stand-in';
import { filesHoldingKey } from '../common/key-scan';
import { workerCommand } from '../common/bundle';
import { Prng, envInt, runSeed } from '../common/prng';
import { emptyFuzzFigures, type FuzzFigures } from './contract-fuzz';
import { buildBase, runHostileFolders, type FolderFigures } from './folders';
import { emptyImageFigures, type ImageFigures } from './image-fuzz';
import type { PartConfig } from './part-worker';
import type { Sandbox } from './values';

const here = dirname(fileURLToPath(import.meta.url));
const seed = runSeed();
const INPUTS = envInt('HOSTILE_INPUTS', 10_000);
const IMAGES = envInt('HOSTILE_IMAGES', 1000);
const PARTS = new Set(
  (process.env.HOSTILE_PARTS ?? 'contract,images,folders').split(',').map((p) => p.trim()),
);
const started = Date.now();

console.log(`hostile-input suite: seed ${seed} (replay: RELIABILITY_SEED=${seed} npm run test:hostile)`);
const master = new Prng(seed);
const seeds = { contract: master.u32(), images: master.u32() };

const root = await mkdtemp(join(tmpdir(), 'ccstudio-hostile-'));
/** The one API key every part runs with: a canary the scan at the end must not find anywhere. */
const canaryKey = newStandInKey();
const SHARDS = Math.max(1, envInt('HOSTILE_SHARDS', 2));

/** A sandbox per shard: its project, the folder relative paths land in, and what hostile paths aim at. */
async function makeSandbox(name: string): Promise<Sandbox> {
  const dir = join(root, name);
  const sandbox = { root: dir, project: join(dir, 'project'), outside: join(dir, 'outside') };
  await mkdir(join(dir, 'cwd'), { recursive: true });
  await mkdir(sandbox.outside, { recursive: true });
  // Files outside the project, and a pipe (reading one blocks until a writer comes).
  await writeFile(join(sandbox.outside, 'canary.json'), '{"secret": true}');
  await writeFile(
    join(sandbox.outside, 'canary.jpg'),
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#f00' } })
      .jpeg()
      .toBuffer(),
  );
  execFileSync('mkfifo', [join(sandbox.outside, 'pipe.png')]);
  return sandbox;
}
// Relative paths never land in the repository, here either.
await mkdir(join(root, 'cwd'), { recursive: true });
process.chdir(join(root, 'cwd'));

let contract: FuzzFigures | undefined;
let images: ImageFigures | undefined;
let folders: FolderFigures | undefined;
const timings: Record<string, number> = {};

const partWorker =
  PARTS.has('contract') || PARTS.has('images')
    ? await workerCommand(join(here, 'part-worker.ts'))
    : undefined;

/** Adds one child's figures into the part's. */
function merge<T extends object>(into: T, from: T): void {
  const target = into as Record<string, unknown>;
  for (const [key, value] of Object.entries(from)) {
    const current = target[key];
    if (typeof value === 'number' && typeof current === 'number')
      target[key] = key === 'slowestMs' ? Math.max(current, value) : current + value;
    else if (value instanceof Map && current instanceof Map)
      for (const [k, v] of value) current.set(k, (current.get(k) ?? 0) + v);
    else if (Array.isArray(value) && Array.isArray(current)) current.push(...(value as unknown[]));
    else if (value && typeof value === 'object' && current && typeof current === 'object')
      merge(current, value);
  }
}

/**
 * Runs one part in children (part-worker.ts): when an input hangs or kills its child, that is counted
 * and a new child goes on from the next input, so one stuck read cannot stall the rest of the run.
 */
async function runShard<T extends { hangs: number; crashes: number; problems: string[] }>(
  part: 'contract' | 'images',
  first: number,
  total: number,
  sandbox: Sandbox,
  figures: T,
): Promise<void> {
  let from = first;
  let deaths = 0; // children in a row that died before their first input
  while (from < total) {
    const config: PartConfig = {
      part,
      seed: seeds[part],
      from,
      to: total,
      sandbox,
      imagesDir: join(sandbox.root, 'images'),
      key: canaryKey,
    };
    const child = spawn(process.execPath, [...(partWorker?.args ?? []), JSON.stringify(config)], {
      cwd: join(sandbox.root, 'cwd'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let last: { at: number; what: string } | undefined;
    let end: { hang?: number; done?: boolean; figures?: T } | undefined;
    let buffered = '';
    let stderr = '';
    let silentFor = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      silentFor = 0;
      buffered += chunk.toString();
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        newline = buffered.indexOf('\n');
        if (!line.startsWith('{')) continue;
        const parsed = JSON.parse(line, (_k, v: unknown) =>
          v && typeof v === 'object' && !Array.isArray(v) && Array.isArray((v as { map?: unknown }).map)
            ? new Map((v as { map: [string, number][] }).map)
            : v,
        ) as { at?: number; what?: string; hang?: number; done?: boolean; figures?: T };
        if (parsed.at !== undefined) last = { at: parsed.at, what: parsed.what ?? '' };
        else end = parsed;
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    // A child that says nothing for a minute is stuck somewhere its own 10 s limit does not reach.
    const watchdog = setInterval(() => {
      silentFor += 5;
      if (silentFor >= 60) child.kill('SIGKILL');
    }, 5000);
    await new Promise((resolve) => child.on('exit', resolve));
    clearInterval(watchdog);
    if (end?.figures) merge(figures, end.figures);
    if (end?.done) {
      console.log(`  ... ${part}: inputs ${first}-${total - 1} done`);
      break;
    }
    if (end?.hang !== undefined) {
      from = end.hang + 1;
      continue;
    }
    if (!last) {
      // Died while setting up, or while making input `from` (before announcing it).
      figures.crashes++;
      figures.problems.push(
        `${part}: the child died before announcing input ${from}: ${stderr.trim().split('\n').slice(-8).join(' | ')}`,
      );
      if (++deaths >= 3) break;
      from++;
      continue;
    }
    deaths = 0;
    if (silentFor >= 60) {
      figures.hangs++;
      figures.problems.push(`hang: input ${last.at}: ${last.what}: the child said nothing for 60 s`);
    } else {
      figures.crashes++;
      figures.problems.push(
        `crash: input ${last.at}: ${last.what}: the process died: ${stderr.trim().split('\n').slice(-8).join(' | ')}`,
      );
    }
    from = last.at + 1;
  }
}

/** Runs a part as SHARDS shards side by side (the work waits on fsync more than on the processor). */
async function runPart<T extends { hangs: number; crashes: number; problems: string[] }>(
  part: 'contract' | 'images',
  total: number,
  empty: () => T,
): Promise<T> {
  const shards = Array.from({ length: SHARDS }, (_, k) => ({
    from: Math.floor((total * k) / SHARDS),
    to: Math.floor((total * (k + 1)) / SHARDS),
    figures: empty(),
  }));
  await Promise.all(
    shards.map(async (shard, k) =>
      runShard(part, shard.from, shard.to, await makeSandbox(`${part}-${k}`), shard.figures),
    ),
  );
  const figures = empty();
  for (const shard of shards) merge(figures, shard.figures);
  return figures;
}

if (PARTS.has('contract')) {
  const t0 = Date.now();
  contract = await runPart('contract', INPUTS, emptyFuzzFigures);
  timings.contract = Date.now() - t0;
}
if (PARTS.has('images')) {
  const t0 = Date.now();
  images = await runPart('images', IMAGES, emptyImageFigures);
  timings.images = Date.now() - t0;
}
if (partWorker) await partWorker.dispose();
if (PARTS.has('folders')) {
  const t0 = Date.now();
  const worker = await workerCommand(join(here, 'folder-worker.ts'));
  const standIn = await startSegmindStandIn({ credits: 1_000_000, keys: [canaryKey] });
  const secrets = new MemoryStore();
  await secrets.set(standIn.key);
  const runtime = await createAppRuntime({
    userDataDir: join(root, 'folders-user-data'),
    platform: { shell: 'browser' },
    secrets,
    appVersion: 'hostile-suite',
    segmindBaseUrl: standIn.url,
  });
  const call = async (name: string, input: unknown): Promise<unknown> => {
    const answer = await dispatchCall(runtime.handlers, name, input);
    if (!answer.ok)
      throw new Error(
        `building the base folder: ${name} failed: ${answer.error.code} ${answer.error.message}`,
      );
    return answer.value;
  };
  await call('settings.update', { requestsPerMinute: 600 });
  const waitForResult = async (): Promise<string> => {
    for (let i = 0; i < 1000; i++) {
      const jobs = ((await call('jobs.list', {})) as { jobs: Job[] }).jobs;
      const done = jobs.find((j) => j.resultId);
      if (done?.resultId) return done.resultId;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error('building the base folder: the generation did not complete');
  };
  const reference = await sharp({ create: { width: 40, height: 40, channels: 3, background: '#36c' } })
    .png()
    .toBuffer();
  const base = await buildBase(
    join(root, 'folders-base'),
    call,
    await makePoseSheet(),
    reference,
    waitForResult,
  );
  await runtime.dispose();
  folders = await runHostileFolders({
    root,
    base,
    worker,
    concurrency: envInt('HOSTILE_FOLDER_CHILDREN', 3),
  });
  await worker.dispose();
  await standIn.close();
  timings.folders = Date.now() - t0;
}

// -- figures -----------------------------------------------------------------------------------------
const tried = (contract?.inputs ?? 0) + (images?.files ?? 0) + (folders?.folders ?? 0);
const crashes = (contract?.crashes ?? 0) + (images?.crashes ?? 0) + (folders?.crashes ?? 0);
const hangs = (contract?.hangs ?? 0) + (images?.hangs ?? 0) + (folders?.hangs ?? 0);
const written = (contract?.filesWrittenByRejected ?? 0) + (images?.filesWrittenByRefused ?? 0);
const s = (ms: number | undefined) => (ms === undefined ? '-' : `${(ms / 1000).toFixed(1)} s`);
console.log('');
console.log(`hostile-input suite figures (seed ${seed}, ${((Date.now() - started) / 1000).toFixed(1)} s):`);
console.log(`  inputs tried                        ${tried}`);
console.log(`  crashes                             ${crashes}`);
console.log(`  hangs                               ${hangs}`);
console.log(`  files written by rejected inputs    ${written}`);
if (contract) {
  const codes = [...contract.byCode]
    .sort((a, b) => b[1] - a[1])
    .map(([c, n]) => `${c} ${n}`)
    .join(', ');
  console.log(
    `  contract (${s(timings.contract)}): ${contract.inputs} inputs to ${59} calls; accepted ${contract.accepted}, refused ${contract.rejected} (${codes})`,
  );
  console.log(
    `    crashes ${contract.crashes}, hangs ${contract.hangs}, untyped answers ${contract.untyped}, INTERNAL ${contract.internal}, requests sent for refused inputs ${contract.requestsByRejected}, files written by refused inputs ${contract.filesWrittenByRejected} (${contract.unchecked} unchecked: the app was not quiet); values IPC could not send, drawn again ${contract.unsendable}`,
  );
}
if (images) {
  const reasons = [...images.reasons]
    .sort((a, b) => b[1] - a[1])
    .map(([r, n]) => `${r} ${n}`)
    .join(', ');
  console.log(
    `  images (${s(timings.images)}): ${images.files} files (PNG ${images.byFormat.png}, JPEG ${images.byFormat.jpeg}, WebP ${images.byFormat.webp}); imported ${images.imported}, refused ${images.refused}; slowest ${images.slowestMs} ms`,
  );
  console.log(
    `    crashes ${images.crashes}, hangs ${images.hangs}, imported but not decodable or not byte for byte ${images.badImports}, refused without a reason ${images.unexplained}, files left by refused files ${images.filesWrittenByRefused}`,
  );
  console.log(`    outcomes: ${reasons}`);
}
if (folders) {
  console.log(
    `  folders (${s(timings.folders)}): ${folders.folders} hostile folders; crashes ${folders.crashes}, hangs ${folders.hangs}, read outside ${folders.outsideReads}, wrote outside ${folders.outsideWrites}, INTERNAL ${folders.internal}`,
  );
  for (const line of folders.lines) console.log(`    ${line}`);
}
const keyLeaks = await filesHoldingKey(root, canaryKey);
console.log(
  `  the API key in files               ${keyLeaks.length}${keyLeaks.length ? `: ${keyLeaks.slice(0, 5).join(', ')}` : ''}`,
);
const problems = [
  ...(contract?.problems ?? []),
  ...(images?.problems ?? []),
  ...(folders?.problems ?? []),
  ...keyLeaks.map((file) => `the API key was written to ${file}`),
];
if (problems.length) {
  console.log('');
  console.log(`problems (${problems.length}; first 40):`);
  for (const p of problems.slice(0, 40)) console.log(`  - ${p.length > 700 ? `${p.slice(0, 700)}…` : p}`);
}
const failed =
  problems.length > 0 ||
  (contract !== undefined && contract.inputs < INPUTS) ||
  (images !== undefined && images.files < IMAGES);
if (!failed && process.env.HOSTILE_KEEP !== '1')
  await rm(root, { recursive: true, force: true, maxRetries: 5 });
else console.log(`\nsandbox kept: ${root}`);
console.log(
  failed ? `\nhostile-input suite FAILED (seed ${seed})` : `\nhostile-input suite passed (seed ${seed})`,
);
process.exit(failed ? 1 : 0);
