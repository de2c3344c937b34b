/**
 * Bench: opening a big project until the first gallery page can render.
 *
 * A synthetic project (made once, cached in the OS temp folder) holds 10,000 results (a 1x1 JPEG and a
 * receipt of realistic size each: the bench measures metadata, not pixels), 500 poses in 10 libraries and
 * 50 characters. Each run opens the project from scratch (project.json, the lock, a new workspace),
 * loads the results index (validated against the results folder's listing), loads the catalog of names
 * and trash states, and queries the first page (items 0..199, newest first). The baseline is reading
 * and JSON.parse of one file holding the same metadata (a copy of the index file itself). After two
 * warm-up runs, 15 runs of each, interleaved; medians compared.
 *
 * Targets: median ≤ 300 ms, and ≤ 3x the baseline.
 *
 * Called by the lead's test/bench/run.ts; also runnable alone: node --import tsx test/bench/open-project.ts
 */
import { copyFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { newId, type Character, type PoseLibrary, type Result } from '../../src/domain';
import { createProject, openProject } from '../../src/library/project-store';
import { workspaceFor } from '../../src/library/workspace';
import { mapWithConcurrency } from '../../src/images';
import { V1_DEFAULT_NEGATIVE_PROMPT, V1_PROMPT_PREFIX } from '../../src/models';

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

const fixtureDir = join(tmpdir(), `ccstudio-bench-open-project-v${FIXTURE_VERSION}`);
const projectDir = join(fixtureDir, 'project');
const baselineFile = join(fixtureDir, 'baseline.json');
const doneMarker = join(fixtureDir, 'complete.json');

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/** Deterministic pseudo-random numbers, so the fixture is the same every time it is made. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function makeFixture(): Promise<void> {
  await rm(fixtureDir, { recursive: true, force: true });
  await mkdir(fixtureDir, { recursive: true });
  const handle = await createProject(projectDir, 'Bench: 10,000 results');
  await handle.close();
  const random = seeded(42);
  const pixel = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#808080' } }).jpeg().toBuffer();
  const png = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } }).png().toBuffer();
  const base = Date.parse('2024-01-01T00:00:00Z');
  const iso = (offsetMs: number) => new Date(base + offsetMs).toISOString();

  const characters: Character[] = Array.from({ length: CHARACTERS }, (_, i) => ({
    id: newId(base + i),
    name: `Character ${i + 1}`,
    description: `character number ${i + 1}, red scarf, green coat, short brown hair, freckles`,
    styleWords: '2D illustration style',
    negativePrompt: '',
    referenceImages: [],
    tags: ['bench'],
    notes: '',
    colorLabel: 'none',
    createdAt: iso(i),
    updatedAt: iso(i),
  }));
  for (const c of characters) {
    await mkdir(join(projectDir, 'characters', c.id), { recursive: true });
    await writeFile(join(projectDir, 'characters', c.id, 'character.json'), JSON.stringify(c, null, 2));
  }

  const poseIds: string[] = [];
  for (let l = 0; l < LIBRARIES; l++) {
    const id = newId(base + 1000 + l);
    const dir = join(projectDir, 'poses', id);
    await mkdir(dir, { recursive: true });
    const library: PoseLibrary = { id, name: `Library ${l + 1}`, tags: [], poses: [], createdAt: iso(l), updatedAt: iso(l) };
    for (let p = 0; p < POSES / LIBRARIES; p++) {
      const imageId = newId(base + 2000 + l * 100 + p);
      const poseId = newId(base + 3000 + l * 100 + p);
      poseIds.push(poseId);
      await writeFile(join(dir, `${imageId}.png`), png);
      library.poses.push({
        id: poseId,
        name: `Pose ${l + 1}.${p + 1}`,
        kind: p % 3 === 0 ? 'single' : 'sheet',
        image: {
          id: imageId,
          file: `poses/${id}/${imageId}.png`,
          originalName: `pose-${p + 1}.png`,
          width: 1024,
          height: 512,
          format: 'png',
          bytes: png.length,
          sha256: newId(base + p).padEnd(64, '0').replace(/[^0-9a-f]/g, 'a').slice(0, 64),
        },
        figures: [
          { x: 10, y: 20, width: 200, height: 400 },
          { x: 300, y: 20, width: 200, height: 400 },
        ],
        tags: p % 2 ? ['walk'] : ['idle'],
        createdAt: iso(p),
      });
    }
    await writeFile(join(dir, 'library.json'), JSON.stringify(library, null, 2));
  }

  const ids = Array.from({ length: RESULTS }, (_, i) => newId(base + 10_000 + i * 1000));
  await mapWithConcurrency(ids, 32, async (id, i) => {
    const character = characters[Math.floor(random() * CHARACTERS)] as Character;
    const seed = 1_000_000_000 + Math.floor(random() * 4_000_000_000);
    const result: Result = {
      id,
      createdAt: iso(10_000 + i * 1000),
      file: `results/${id}.jpg`,
      width: 2048,
      height: 1024,
      modelId: 'consistent-character-ai-neolemon',
      characterId: character.id,
      poseId: poseIds[Math.floor(random() * poseIds.length)] as string,
      receipt: {
        modelId: 'consistent-character-ai-neolemon',
        endpoint: 'https://api.segmind.com/v1/consistent-character-ai-neolemon',
        request: {
          prompt: `${V1_PROMPT_PREFIX}, ${character.description}, ${character.styleWords}`,
          negative_prompt: V1_DEFAULT_NEGATIVE_PROMPT,
          image: '<pose>',
          num_inference_steps: 20,
          guidance_scale: 7,
          seed,
          samples: 1,
          strength: 0.8,
          scheduler: 'karras',
          sampler: 'dpmpp_2m',
          upscale_by: 2,
        },
        sentImage: { poseId: poseIds[0] as string, sha256: 'a'.repeat(64), width: 1024, height: 512, bytes: 12345, format: 'png' },
        response: {
          status: 200,
          contentType: 'image/jpeg',
          bytes: 345678,
          sha256: 'b'.repeat(64),
          headers: { remainingCredits: 100 - i * 0.001, cost: 0.13, seed, requestId: `req-${i}`, generationTime: '38.2' },
        },
        timings: { queuedAt: iso(i), submittedAt: iso(i), completedAt: iso(i), durationMs: 38_200 },
        jobId: newId(base + i),
        appVersion: '0.1.0',
      },
      review: {
        rating: Math.floor(random() * 6),
        flag: (['none', 'pick', 'reject'] as const)[Math.floor(random() * 3)] ?? 'none',
        tags: random() < 0.3 ? ['keeper'] : [],
      },
    };
    await writeFile(join(projectDir, 'results', `${id}.jpg`), pixel);
    await writeFile(join(projectDir, 'results', `${id}.json`), JSON.stringify(result, null, 2));
  });

  // Build the index once (the first open of a project that never had one).
  const handle2 = await openProject(projectDir);
  const report = await workspaceFor(handle2).results.load();
  await handle2.close();
  if (report.mode !== 'rebuilt' || workspaceFor(handle2).results.count() !== RESULTS) {
    throw new Error(`fixture index build went wrong: ${JSON.stringify(report)}`);
  }
  await writeFile(doneMarker, JSON.stringify({ RESULTS, POSES, CHARACTERS }));
}

async function ensureFixture(): Promise<number> {
  const ok = await stat(doneMarker).catch(() => null);
  if (ok) return 0;
  const started = performance.now();
  await makeFixture();
  return performance.now() - started;
}

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
  // The warm-up also brings an index left by an older build of the app up to date; then the baseline is
  // a copy of that very index file, so both sides parse exactly the same bytes.
  for (let i = 0; i < WARM_UP; i++) await openToFirstPage();
  await copyFile(join(projectDir, '.studio', 'index.json'), baselineFile);
  const baselineBytes = (await stat(baselineFile)).size;
  await readBaseline();
  const open: number[] = [];
  const base: number[] = [];
  const modes = new Set<string>();
  for (let i = 0; i < RUNS; i++) {
    const run = await openToFirstPage();
    if (run.items !== PAGE || run.total !== RESULTS) throw new Error(`first page had ${run.items} of ${run.total} items`);
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

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  benchOpenProject()
    .then(({ lines, ok }) => {
      for (const line of lines) console.log(line);
      process.exitCode = ok ? 0 : 1;
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
