/**
 * Bench: opening a big project until the first gallery page can render.
 *
 * A synthetic project (made once, cached in the OS temp folder) holds 10,000 results (a 1x1 JPEG and a
 * receipt of realistic size each: the bench measures metadata, not pixels), 500 poses in 10 libraries and
 * 50 characters. Each run opens the project from scratch (project.json, the lock, a new workspace),
 * loads the results index (validated against the results folder's listing), loads the catalog of names
 * and trash states, and queries the first page (items 0..199, newest first). The baseline is reading
 * and JSON.parse of one file holding the same metadata (what the JSON index of earlier versions was). After two
 * warm-up runs, 15 runs of each, interleaved; medians compared.
 *
 * Targets: median ≤ 300 ms, and ≤ 3x the baseline.
 *
 * Called by the lead's test/bench/run.ts; also runnable alone: node --import tsx test/bench/open-project.ts
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { newId } from '../../src/domain';
import { openProject } from '../../src/library/project-store';
import { workspaceFor } from '../../src/library/workspace';
import {
  ensureSyntheticProject,
  median,
  runWhenMain,
  seeded,
  syntheticProjectPaths,
  writeCharacters,
  writePoseLibraries,
  writeResults,
} from './synthetic-project';

const RESULTS = 10_000;
const POSES = 500;
const LIBRARIES = 10;
const CHARACTERS = 50;
const RUNS = 15;
const WARM_UP = 2;
const PAGE = 200;
const TARGET_MS = 300;
const TARGET_RATIO = 3;
const FIXTURE_VERSION = 1;

const fixture = syntheticProjectPaths(tmpdir(), 'open-project', FIXTURE_VERSION);
const { fixtureDir, projectDir } = fixture;
const baselineFile = join(fixtureDir, 'baseline.json');

async function fill(): Promise<void> {
  const random = seeded(42);
  const pixel = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#808080' } })
    .jpeg()
    .toBuffer();
  const png = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } })
    .png()
    .toBuffer();
  const base = Date.parse('2024-01-01T00:00:00Z');
  const characters = await writeCharacters(projectDir, {
    count: CHARACTERS,
    base,
    describe: (i) => `character number ${i + 1}, red scarf, green coat, short brown hair, freckles`,
  });
  const poseIds = await writePoseLibraries(projectDir, {
    libraries: LIBRARIES,
    perLibrary: POSES / LIBRARIES,
    base,
    png,
    shape: (p) => ({
      kind: p % 3 === 0 ? 'single' : 'sheet',
      image: {
        width: 1024,
        height: 512,
        sha256: newId(base + p)
          .padEnd(64, '0')
          .replace(/[^0-9a-f]/g, 'a')
          .slice(0, 64),
      },
      figures: [
        { x: 10, y: 20, width: 200, height: 400 },
        { x: 300, y: 20, width: 200, height: 400 },
      ],
      tags: p % 2 ? ['walk'] : ['idle'],
    }),
  });
  await writeResults(projectDir, {
    count: RESULTS,
    base,
    random,
    characters,
    poseIds,
    jpeg: pixel,
    shape: (i) => ({
      width: 2048,
      height: 1024,
      receipt: {
        sentImage: { width: 1024, height: 512, bytes: 12345 },
        response: { bytes: 345678 },
        headers: { remainingCredits: 100 - i * 0.001, cost: 0.13 },
      },
    }),
  });
}

const ensureFixture = () =>
  ensureSyntheticProject(fixture, {
    title: 'Bench: 10,000 results',
    results: RESULTS,
    summary: { RESULTS, POSES, CHARACTERS },
    fill,
  });

async function openToFirstPage(): Promise<{ ms: number; mode: string; items: number; total: number }> {
  const started = performance.now();
  const handle = await openProject(projectDir);
  const ws = workspaceFor(handle);
  const [report, cat] = await Promise.all([ws.results.load(), ws.catalog()]);
  const page = await ws.results.query({ filter: {}, sort: 'newest', offset: 0, limit: PAGE }, cat);
  const ms = performance.now() - started;
  await handle.close();
  return { ms, mode: report.mode, items: page.items.length, total: page.total };
}

/** The same metadata the index holds, as one JSON file (what the JSON index of earlier versions was). */
async function writeBaseline(): Promise<void> {
  const handle = await openProject(projectDir);
  const ws = workspaceFor(handle);
  await ws.results.settled();
  const { ids } = await ws.results.queryIds({}, 'newest', await ws.catalog());
  const entries = ids.map((id) => ws.results.entry(id));
  await writeFile(baselineFile, JSON.stringify({ entries }));
  await handle.close();
}

async function readBaseline(): Promise<number> {
  const started = performance.now();
  const parsed = JSON.parse(await readFile(baselineFile, 'utf8')) as { entries: unknown[] };
  if (parsed.entries.length !== RESULTS) throw new Error('baseline is not the expected size');
  return performance.now() - started;
}

export async function benchOpenProject(): Promise<{ lines: string[]; ok: boolean }> {
  const madeMs = await ensureFixture();
  const lines: string[] = [];
  if (madeMs > 0) lines.push(`made the synthetic project in ${(madeMs / 1000).toFixed(1)} s (${fixtureDir})`);
  // The warm-up also brings an index left by an older build of the app up to date.
  for (let i = 0; i < WARM_UP; i++) await openToFirstPage();
  await writeBaseline();
  const baselineBytes = (await stat(baselineFile)).size;
  await readBaseline();
  const open: number[] = [];
  const base: number[] = [];
  const modes = new Set<string>();
  for (let i = 0; i < RUNS; i++) {
    const run = await openToFirstPage();
    if (run.items !== PAGE || run.total !== RESULTS)
      throw new Error(`first page had ${run.items} of ${run.total} items`);
    modes.add(run.mode);
    open.push(run.ms);
    base.push(await readBaseline());
  }
  const openMs = median(open);
  const baseMs = median(base);
  const ratio = openMs / baseMs;
  const ok = openMs <= TARGET_MS && ratio <= TARGET_RATIO;
  lines.push(
    `open project (${RESULTS} results, ${POSES} poses, ${CHARACTERS} characters) to first page of ${PAGE}: ` +
      `median ${openMs.toFixed(1)} ms over ${RUNS} runs (min ${Math.min(...open).toFixed(1)}, max ${Math.max(...open).toFixed(1)}; index ${[...modes].join('/')})`,
    `baseline, read + JSON.parse of one ${(baselineBytes / 1e6).toFixed(1)} MB file of the same metadata: median ${baseMs.toFixed(1)} ms`,
    `ratio ${ratio.toFixed(2)}x; targets: ≤ ${TARGET_MS} ms and ≤ ${TARGET_RATIO}x: ${ok ? 'met' : 'NOT met'}`,
  );
  return { lines, ok };
}

runWhenMain(import.meta.url, benchOpenProject);
