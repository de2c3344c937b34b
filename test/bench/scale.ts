/**
 * Bench: a project at scale (issue 10). A synthetic project of SCALE_RESULTS results (1,000,000 by
 * default; made once and cached in the OS temp folder: about 2 million small files) is opened through the
 * real stores, and each change the person makes is measured in the process that owns the project:
 *
 * - one rating, one commit of a new result, one cut into 3 poses: the longest stretch the event loop was
 *   blocked during it (perf_hooks monitorEventLoopDelay, 1 ms resolution: what the UI would wait for in
 *   Electron's main process) and the bytes the process wrote (/proc/self/io wchar), beside the bytes of the
 *   result's own files (receipt, image, thumbnail) so the index's share is visible. Reference, side by
 *   side: one atomic write of a receipt-sized file.
 * - opening the project to its first gallery page, in a fresh child process: the time, and the child's
 *   resident memory after it.
 * - the refresh made on window focus with nothing changed outside. Reference: one stat of the folder.
 * - rebuilding the index of a REBUILD_RESULTS-result project (100,000) from its receipts, beside reading and
 *   JSON.parse of all the same receipts (the floor any rebuild pays), runs interleaved.
 *
 * Targets (issue 10): rating, commit and cut ≤ 10 ms blocking and ≤ 64 KB written by the index each; open
 * at 1,000,000 ≤ 1 s with ≤ 300 MB resident (at 100,000 ≤ 150 ms); refresh ≤ 50 ms; rebuild ≤ 1.5x its
 * reference.
 *
 * Called by test/bench/run.ts; also runnable alone: node --import tsx test/bench/scale.ts
 * (SCALE_RESULTS=50000 for a quicker run).
 */
import { execFile } from 'node:child_process';
import { readFile, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { newId, nowIso } from '../../src/domain';
import { mapWithConcurrency } from '../../src/images';
import { writeFileAtomic } from '../../src/library/atomic-write';
import { openProject } from '../../src/library/project-store';
import { workspaceFor, type Workspace } from '../../src/library/workspace';
import { v1Receipt } from '../fixtures-gen/receipts';
import { CI_SLACK, slackNote } from './ci-slack';
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

const SCALE_RESULTS = Number(process.env.SCALE_RESULTS ?? 1_000_000);
const REBUILD_RESULTS = Number(process.env.REBUILD_RESULTS ?? 100_000);
const FIXTURE_VERSION = 1;
const CHANGE_RUNS = 15;
const KB = 1024;
/** Three figures side by side on a 768 x 384 pose sheet (the boxes a cut frames). */
const SHEET = { width: 768, height: 384 };
const FIGURES = [0, 1, 2].map((i) => ({ x: 40 + i * 244, y: 20, width: 200, height: 344 }));
const TARGET = {
  blockingMs: 10,
  indexBytes: 64 * KB,
  openMs: SCALE_RESULTS >= 1_000_000 ? 1000 : 150,
  rssMb: 300,
  refreshMs: 50,
  rebuildRatio: 1.5,
  /**
   * Issue 8: search "fast at 100,000 results". The texts holding a word are found through a full-text
   * index; the count still tests one integer per result, so the target grows with the count past 100,000.
   */
  searchMs: 150 * Math.max(1, SCALE_RESULTS / 100_000),
};
/** What a figure on time is held to in this run (see ci-slack.ts). */
const ALLOWED = {
  blockingMs: TARGET.blockingMs * CI_SLACK,
  openMs: TARGET.openMs * CI_SLACK,
  refreshMs: TARGET.refreshMs * CI_SLACK,
  searchMs: TARGET.searchMs * CI_SLACK,
  rebuildRatio: TARGET.rebuildRatio * CI_SLACK,
};

// -- the fixtures --------------------------------------------------------------------------------------

async function fillProject(projectDir: string, results: number): Promise<void> {
  const random = seeded(7);
  const pixel = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#808080' } })
    .jpeg()
    .toBuffer();
  const png = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } })
    .png()
    .toBuffer();
  const base = Date.parse('2023-01-01T00:00:00Z');
  const characters = await writeCharacters(projectDir, {
    count: 20,
    base,
    describe: (i) => `character number ${i + 1}, red scarf, green coat`,
  });
  const poseIds = await writePoseLibraries(projectDir, {
    libraries: 2,
    perLibrary: 25,
    base,
    png,
    shape: () => ({
      kind: 'sheet',
      image: { ...SHEET, sha256: 'a'.repeat(64) },
      figures: FIGURES,
      tags: [],
    }),
  });
  await writeResults(projectDir, {
    count: results,
    base,
    random,
    characters,
    poseIds,
    jpeg: pixel,
    shape: () => ({
      width: 1536,
      height: 768,
      receipt: { sentImage: { width: 768, height: 384, bytes: 12345 }, response: { bytes: 345678 } },
    }),
  });
}

async function fixture(name: string, results: number): Promise<{ projectDir: string; madeMs: number }> {
  const paths = syntheticProjectPaths(tmpdir(), `${name}-${results}`, FIXTURE_VERSION);
  const madeMs = await ensureSyntheticProject(paths, {
    title: `Bench: ${results} results`,
    results,
    summary: { results },
    fill: () => fillProject(paths.projectDir, results),
  });
  return { projectDir: paths.projectDir, madeMs };
}

// -- measuring one change ------------------------------------------------------------------------------

async function bytesWritten(): Promise<number> {
  const io = await readFile('/proc/self/io', 'utf8');
  return Number(/wchar:\s*(\d+)/.exec(io)?.[1] ?? 0);
}

interface ChangeCost {
  wallMs: number;
  blockedMs: number;
  bytes: number;
}

/** Runs `change`, measuring the longest event-loop stall during it and the bytes the process wrote. */
async function measure(change: () => Promise<unknown>): Promise<ChangeCost> {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const bytesBefore = await bytesWritten();
  delay.enable();
  const started = performance.now();
  await change();
  const wallMs = performance.now() - started;
  // One more turn so a stall at the very end is sampled too.
  await new Promise((resolve) => setTimeout(resolve, 2));
  delay.disable();
  const bytes = (await bytesWritten()) - bytesBefore;
  // The histogram holds delays beyond the 1 ms timer: the longest is the longest blocked stretch.
  return { wallMs, blockedMs: Math.max(0, delay.max / 1e6 - 1), bytes };
}

const fileBytes = async (dir: string, names: string[]): Promise<number> =>
  (
    await Promise.all(
      names.map((n) =>
        stat(join(dir, n)).then(
          (s) => s.size,
          () => 0,
        ),
      ),
    )
  ).reduce((a, b) => a + b, 0);

function summarise(label: string, costs: ChangeCost[], ownBytes: number[]): { line: string; ok: boolean } {
  const blocked = median(costs.map((c) => c.blockedMs));
  const maxBlocked = Math.max(...costs.map((c) => c.blockedMs));
  const indexBytes = costs.map((c, i) => Math.max(0, c.bytes - (ownBytes[i] ?? 0)));
  const medianIndex = median(indexBytes);
  const meanIndex = indexBytes.reduce((a, b) => a + b, 0) / indexBytes.length;
  const ok = blocked <= ALLOWED.blockingMs && meanIndex <= TARGET.indexBytes;
  return {
    ok,
    line:
      `${label}: blocked median ${blocked.toFixed(1)} ms (max ${maxBlocked.toFixed(1)}; target ≤ ${slackNote(TARGET.blockingMs)}), ` +
      `wall median ${median(costs.map((c) => c.wallMs)).toFixed(1)} ms; written by the index median ` +
      `${(medianIndex / KB).toFixed(1)} KB, mean ${(meanIndex / KB).toFixed(1)} KB with checkpoints ` +
      `(target ≤ ${TARGET.indexBytes / KB} KB; the result's own files median ${(median(ownBytes) / KB).toFixed(1)} KB): ` +
      `${ok ? 'met' : 'NOT met'}`,
  };
}

async function sheetResult(ws: Workspace, poseId: string, characterId: string) {
  const jpeg = await sharp({ create: { width: 1536, height: 768, channels: 3, background: '#d0c8b0' } })
    .jpeg({ quality: 80 })
    .toBuffer();
  const id = newId();
  return {
    id,
    jpeg,
    add: () =>
      ws.results.add(
        {
          id,
          createdAt: nowIso(),
          modelId: 'consistent-character',
          characterId,
          poseId,
          receipt: v1Receipt({ seed: Math.floor(Math.random() * 1e9), poseId, jobId: id }),
        },
        jpeg,
      ),
  };
}

// -- the bench -----------------------------------------------------------------------------------------

const execFileAsync = promisify(execFile);

/** Opens the project in a fresh child process, to its first gallery page: { ms, rssMb, mode }. */
async function openInChild(projectDir: string): Promise<{ ms: number; rssMb: number; mode: string }> {
  const child = join(import.meta.dirname, 'scale-open-child.ts');
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', child, projectDir], {
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { ms: number; rssMb: number; mode: string };
}

export async function benchScale(): Promise<{ lines: string[]; ok: boolean }> {
  const lines: string[] = [];
  let ok = true;
  const { projectDir, madeMs } = await fixture('scale', SCALE_RESULTS);
  if (madeMs > 0) lines.push(`made the ${SCALE_RESULTS}-result project in ${(madeMs / 1000).toFixed(0)} s`);

  // Opening, in a fresh process each time (the first run also settles anything the last bench left).
  await openInChild(projectDir);
  const opens = [await openInChild(projectDir), await openInChild(projectDir), await openInChild(projectDir)];
  const openMs = median(opens.map((o) => o.ms));
  const rssMb = Math.max(...opens.map((o) => o.rssMb));
  const openOk = openMs <= ALLOWED.openMs && rssMb <= TARGET.rssMb;
  ok &&= openOk;
  lines.push(
    `open ${SCALE_RESULTS} results to the first page: median ${openMs.toFixed(0)} ms (target ≤ ${slackNote(TARGET.openMs)}), ` +
      `resident ${rssMb.toFixed(0)} MB after (target ≤ ${TARGET.rssMb}; index ${opens[0]?.mode}): ${openOk ? 'met' : 'NOT met'}`,
  );

  const project = await openProject(projectDir);
  const ws = workspaceFor(project);
  await ws.results.settled();
  const cat = await ws.catalog();
  const firstPose = [...cat.poses.keys()][0] as string;
  const firstCharacter = [...cat.characters.keys()][0] as string;
  const resultsDir = join(projectDir, 'results');

  // Reference: one atomic write of a receipt-sized file (what any change costs at least).
  const aReceipt = (await readdir(resultsDir)).find((n) => n.endsWith('.json')) as string;
  const receiptSize = (await stat(join(resultsDir, aReceipt))).size;
  const refs: ChangeCost[] = [];
  for (let i = 0; i < CHANGE_RUNS; i++)
    refs.push(
      await measure(() => writeFileAtomic(join(projectDir, '.studio', 'bench.tmp'), 'x'.repeat(receiptSize))),
    );
  lines.push(
    `reference, one atomic write of ${(receiptSize / KB).toFixed(1)} KB: blocked median ` +
      `${median(refs.map((c) => c.blockedMs)).toFixed(1)} ms, wall ${median(refs.map((c) => c.wallMs)).toFixed(1)} ms`,
  );

  // One rating.
  const ids = (await ws.results.queryIds({}, 'newest', cat)).ids;
  const ratings: ChangeCost[] = [];
  const ratingOwn: number[] = [];
  for (let i = 0; i < CHANGE_RUNS; i++) {
    const id = ids[(i * 7919) % ids.length] as string;
    ratings.push(await measure(() => ws.results.review([id], { rating: (i % 5) + 1 })));
    ratingOwn.push(await fileBytes(resultsDir, [`${id}.json`]));
  }
  const rating = summarise('one rating', ratings, ratingOwn);
  ok &&= rating.ok;
  lines.push(rating.line);

  // One commit of a new result (the image, its receipt, its thumbnail, the index).
  const commits: ChangeCost[] = [];
  const commitOwn: number[] = [];
  const sheets: string[] = [];
  for (let i = 0; i < CHANGE_RUNS; i++) {
    const sheet = await sheetResult(ws, firstPose, firstCharacter);
    commits.push(await measure(sheet.add));
    sheets.push(sheet.id);
    commitOwn.push(
      (await fileBytes(resultsDir, [`${sheet.id}.jpg`, `${sheet.id}.json`])) +
        (await fileBytes(join(projectDir, '.studio', 'thumbs'), [`${sheet.id}.webp`])),
    );
  }
  const commit = summarise('one commit', commits, commitOwn);
  ok &&= commit.ok;
  lines.push(commit.line);

  // One cut of a sheet into its 3 figures.
  const cuts: ChangeCost[] = [];
  const cutOwn: number[] = [];
  for (const id of sheets) {
    let made: string[] = [];
    cuts.push(
      await measure(async () => {
        const out = await ws.results.cut(id, { figures: FIGURES, image: SHEET }, {});
        made = out.created.map((r) => r.id);
      }),
    );
    cutOwn.push(
      (await fileBytes(
        resultsDir,
        made.flatMap((m) => [`${m}.png`, `${m}.json`]),
      )) +
        (await fileBytes(
          join(projectDir, '.studio', 'thumbs'),
          made.map((m) => `${m}.webp`),
        )),
    );
  }
  const cut = summarise('one cut into 3 poses', cuts, cutOwn);
  ok &&= cut.ok;
  lines.push(cut.line);

  // After all those changes, the gallery's first page and the navigator's counts: kept by the index
  // through every change, never counted again over the whole project.
  const firstPages: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await ws.results.query({ filter: { stackCuts: true }, sort: 'newest', offset: 0, limit: 200 }, cat);
    await ws.results.facets({}, cat);
    firstPages.push(performance.now() - t);
  }
  const recounts = ws.results.countedFromScratch;
  ok &&= recounts === 0;
  lines.push(
    `the first page and the counts after those changes: median ${median(firstPages).toFixed(1)} ms; ` +
      `counted from scratch ${recounts} times (target 0: kept by each change): ${recounts === 0 ? 'met' : 'NOT met'}`,
  );

  // Search: a word no result holds, then a word every prompt holds (a count of every result), then part
  // of a word; each the gallery's first page with its count, asked cold: each run names a new catalog
  // version, so no count kept from the run before is used (as after the person typed another letter).
  const searchMs: Record<string, number> = {};
  let searchVersion = cat.version;
  for (const word of ['parrot', 'sheet', 'masterp']) {
    const runs: number[] = [];
    for (let i = 0; i < CHANGE_RUNS; i++) {
      const t = performance.now();
      await ws.results.query(
        { filter: { text: word, stackCuts: true }, sort: 'newest', offset: 0, limit: 200 },
        { ...cat, version: ++searchVersion },
      );
      runs.push(performance.now() - t);
    }
    searchMs[word] = median(runs);
  }
  const searchWorst = Math.max(...Object.values(searchMs));
  const searchOk = searchWorst <= ALLOWED.searchMs;
  ok &&= searchOk;
  lines.push(
    `search, first page and count, cold: "parrot" (in none) median ${searchMs.parrot?.toFixed(1)} ms, ` +
      `"sheet" (in every prompt) ${searchMs.sheet?.toFixed(1)} ms, "masterp" (part of a word) ` +
      `${searchMs.masterp?.toFixed(1)} ms (target ≤ ${slackNote(TARGET.searchMs)}): ${searchOk ? 'met' : 'NOT met'}`,
  );

  // The refresh on focus, nothing changed outside.
  const refreshes: number[] = [];
  const folderStats: number[] = [];
  for (let i = 0; i < CHANGE_RUNS; i++) {
    let t = performance.now();
    const report = await ws.results.refresh();
    refreshes.push(performance.now() - t);
    if (report.listed) lines.push(`(refresh ${i} listed the folder: ${JSON.stringify(report)})`);
    t = performance.now();
    await stat(resultsDir);
    folderStats.push(performance.now() - t);
  }
  const refreshMs = median(refreshes);
  const refreshOk = refreshMs <= ALLOWED.refreshMs;
  ok &&= refreshOk;
  lines.push(
    `refresh on focus, nothing changed: median ${refreshMs.toFixed(2)} ms (target ≤ ${slackNote(TARGET.refreshMs)}; ` +
      `reference, one stat of the folder ${median(folderStats).toFixed(2)} ms): ${refreshOk ? 'met' : 'NOT met'}`,
  );
  // Put the fixture back as it was (the cuts and sheets go to the trash, which is fine to keep).
  await ws.results.trash([...sheets, ...sheets.flatMap((id) => ws.results.cutsOf(id))], cat);
  await project.close();

  lines.push(...(await benchRebuild()));
  return { lines, ok: ok && !lines.some((l) => l.includes('NOT met')) };
}

async function readAndParseAll(resultsDir: string): Promise<number> {
  const names = (await readdir(resultsDir)).filter((n) => n.endsWith('.json'));
  const started = performance.now();
  await mapWithConcurrency(
    names,
    16,
    async (n) => JSON.parse(await readFile(join(resultsDir, n), 'utf8')) as unknown,
  );
  return performance.now() - started;
}

async function benchRebuild(): Promise<string[]> {
  const { projectDir, madeMs } = await fixture('rebuild', REBUILD_RESULTS);
  const lines: string[] = [];
  if (madeMs > 0) lines.push(`made the ${REBUILD_RESULTS}-result project in ${(madeMs / 1000).toFixed(0)} s`);
  const rebuilds: number[] = [];
  const refs: number[] = [];
  let progressSteps = 0;
  for (let i = 0; i < 3; i++) {
    refs.push(await readAndParseAll(join(projectDir, 'results')));
    const project = await openProject(projectDir);
    const ws = workspaceFor(project);
    await ws.results.settled();
    const started = performance.now();
    await ws.results.rebuild({ onProgress: () => progressSteps++ });
    rebuilds.push(performance.now() - started);
    await project.close();
  }
  const ratio = median(rebuilds) / median(refs);
  const ok = ratio <= ALLOWED.rebuildRatio;
  lines.push(
    `rebuild the index of ${REBUILD_RESULTS} results: median ${(median(rebuilds) / 1000).toFixed(2)} s, ` +
      `${Math.round(progressSteps / 3)} progress steps; reference, read + JSON.parse of every receipt ` +
      `${(median(refs) / 1000).toFixed(2)} s; ratio ${ratio.toFixed(2)}x (target ≤ ${slackNote(TARGET.rebuildRatio, 'x')}): ${ok ? 'met' : 'NOT met'}`,
  );
  return lines;
}

runWhenMain(import.meta.url, benchScale);
