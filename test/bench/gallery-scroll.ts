/**
 * Bench: scrolling the results gallery of a 10,000-result project in Chromium.
 *
 * A synthetic project (made once, cached in the OS temp folder): 10,000 results with receipts of
 * realistic size, each with a real WebP thumbnail at the app's size (THUMB_SIZE, 640 px: 24 different
 * character sheets drawn by the Segmind stand-in's renderer, so the grid decodes and paints real images),
 * 20 characters, 100 poses in 5 libraries; and every 64th sheet cut into its 3 figures (tall cuts with
 * their own thumbnails), which the grid stacks under their sheet, so it still shows 10,000 cells, some
 * with a stack badge. The real services open it behind the browser host and the built renderer runs in
 * Chromium at 1440 x 900.
 *
 * The fling (the target): the gallery is scrolled from top to bottom by script, half a viewport per
 * frame, with the frame rate uncapped (--disable-frame-rate-limit, --disable-gpu-vsync) so that every
 * requestAnimationFrame delta is the time the frame really took rather than the 60 Hz tick. At that speed
 * the grid defers loading thumbnails until the scroll slows (GalleryGrid.tsx), as Lightroom does; the
 * last screen must then fill in. Recorded: every frame delta, the number of DOM elements inside the
 * gallery's scroll container after every step, and the JS heap (CDP Performance.getMetrics
 * JSHeapUsedSize) right after, and after a GC.
 *
 * The reading pace (for information): a second, fresh page in a normally vsynced browser scrolls at 3
 * viewports a second for 8 seconds, slow enough that thumbnails load on the way; it reports how many
 * frames missed their 60 Hz vsync.
 *
 * A million results (issue: scale): the same browser opens the gallery again, this time told by
 * Playwright that the list holds 1,000,000 results (test/e2e/synthetic-results.ts intercepts the
 * renderer's `results.query` and answers realistic pages: ids, dates, seeds, ratings, and summaries copied
 * from this project's results, so the thumbnails are real files). Intercepted because what is measured is
 * the renderer's scroll: its rows are some 37 million px tall, past Chromium's 33.5 million, so the grid
 * caps its scroll range and maps it onto the rows (scaled-scroll.ts); the store at a million results is
 * measured on its own. The fling: the scrollbar's thumb dragged from the top of the track to the bottom in
 * 600 frames (each frame a jump of some 400 rows, every cell new), then 100 frames up and 100 back down at
 * the wheel's pace (half a viewport a frame, moved 1:1). Then the last screen must fill in: "last item
 * reached" means the 1,000,000th result's cell is on screen, wholly, with its thumbnail.
 *
 * Targets: fling p95 frame time ≤ 16.7 ms, at most 500 elements in the grid at any step, heap ≤ 200 MB;
 * at a million, fling p95 ≤ 16.7 ms and the last item reached.
 *
 * Called by test/bench/run.ts; also runnable alone (after `npm run build`):
 *   node --import tsx test/bench/gallery-scroll.ts
 */
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { chromium } from 'playwright-core';
import { newId, type Result } from '../../src/domain';
import type { ProjectHandle } from '../../src/library/project-store';
import { THUMB_SIZE } from '../../src/library/workspace/paths';
import { createAppRuntime } from '../../src/services/runtime';
import { startBrowserHost } from '../../src/host/browser-host';
import { MemoryStore } from '../../src/secrets/memory-store';
import { renderCharacterSheet } from '../fakes/segmind-stand-in-render';
import { makeOpenPoseSheet, rowOfFigures } from '../fixtures-gen/pose-sheets';
import { interceptResults } from '../e2e/synthetic-results';
import {
  ensureSyntheticProject,
  percentile,
  runWhenMain,
  seeded,
  syntheticProjectPaths,
  writeCharacters,
  writePoseLibraries,
  writeResults,
} from './synthetic-project';

const RESULTS = 10_000;
/** Every this many sheets, one is cut into its 3 figures: 157 sheets, 471 cuts, stacked. */
const CUT_EVERY = 64;
const CUTS = Math.ceil(RESULTS / CUT_EVERY) * 3;
const CHARACTERS = 20;
const LIBRARIES = 5;
const POSES_PER_LIBRARY = 20;
const THUMB_VARIANTS = 24;
const FIXTURE_VERSION = 2;
const VIEWPORT = { width: 1440, height: 900 };
/** Each frame scrolls this share of the visible height. */
const STEP_OF_VIEWPORT = Number(process.env.STEP ?? 0.5);

const TARGET_P95_MS = 16.7;
const TARGET_MAX_NODES = 500;
const TARGET_HEAP_MB = 200;

// CCSTUDIO_RENDERER_DIR measures another build (e.g. the one before a change) against the same fixture.
const RENDERER_DIR =
  process.env.CCSTUDIO_RENDERER_DIR ?? fileURLToPath(new URL('../../dist/renderer', import.meta.url));
const CHROMIUM = process.env.CCSTUDIO_CHROMIUM ?? '/usr/bin/chromium';
const fixture = syntheticProjectPaths(tmpdir(), 'gallery-scroll', FIXTURE_VERSION);
const { fixtureDir, projectDir } = fixture;

async function fill(handle: ProjectHandle): Promise<void> {
  const thumbsDir = handle.layout.thumbsDir;
  await mkdir(thumbsDir, { recursive: true });
  await mkdir(join(projectDir, 'results'), { recursive: true });
  const random = seeded(7);
  const base = Date.parse('2024-06-01T00:00:00Z');

  // Real thumbnails: character sheets drawn from pose sheets, as the stand-in draws results.
  const sheet = await makeOpenPoseSheet(768, 384, rowOfFigures(3, 768, 384));
  const wide = await makeOpenPoseSheet(1024, 384, rowOfFigures(5, 1024, 384));
  const thumbs: Buffer[] = [];
  const cutThumbs: Buffer[] = [];
  for (let v = 0; v < THUMB_VARIANTS; v++) {
    const drawn = await renderCharacterSheet({
      sheet: v % 3 === 2 ? wide.png : sheet.png,
      upscaleBy: 2,
      seed: 1000 + v,
      prompt: `variant ${v}`,
    });
    const thumb = sharp(drawn.jpeg).resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside' });
    thumbs.push(await thumb.clone().webp({ quality: 75 }).toBuffer());
    // A tall cut: the first figure, as results.cut frames it.
    const cut = await sharp(drawn.jpeg)
      .extract({ left: 56, top: 56, width: 368, height: 680 })
      .resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside' })
      .webp({ quality: 75 })
      .toBuffer();
    cutThumbs.push(cut);
  }
  const pixel = await sharp({ create: { width: 2, height: 1, channels: 3, background: '#d8d8d0' } })
    .jpeg()
    .toBuffer();
  const posePng = await sharp({ create: { width: 2, height: 1, channels: 3, background: '#000' } })
    .png()
    .toBuffer();

  const characters = await writeCharacters(projectDir, {
    count: CHARACTERS,
    base,
    describe: (i) => `character number ${i + 1}, yellow raincoat, short red hair, freckles`,
  });
  const poseIds = await writePoseLibraries(projectDir, {
    libraries: LIBRARIES,
    perLibrary: POSES_PER_LIBRARY,
    base,
    png: posePng,
    shape: () => ({
      kind: 'sheet',
      image: { width: 768, height: 384, sha256: 'c'.repeat(64) },
      figures: [
        { x: 40, y: 40, width: 160, height: 300 },
        { x: 300, y: 40, width: 160, height: 300 },
        { x: 560, y: 40, width: 160, height: 300 },
      ],
      tags: [],
    }),
    onPose: (imageId, p) =>
      writeFile(join(thumbsDir, `${imageId}.webp`), thumbs[p % THUMB_VARIANTS] as Buffer),
  });
  const variants: number[] = [];
  await writeResults(projectDir, {
    count: RESULTS,
    base,
    random,
    characters,
    poseIds,
    jpeg: pixel,
    shape: (i) => {
      const variant = Math.floor(random() * THUMB_VARIANTS);
      variants[i] = variant;
      return {
        width: variant % 3 === 2 ? 2048 : 1536,
        height: 768,
        receipt: {
          image: '<pose sheet>',
          sentImage: { width: 768, height: 384, bytes: 12345 },
          response: { bytes: 345678 },
          headers: { remainingCredits: 1000 - i * 0.13, cost: 0.13 },
          appVersion: 'bench',
        },
      };
    },
    onResult: (id, i) => writeFile(join(thumbsDir, `${id}.webp`), thumbs[variants[i] as number] as Buffer),
  });
  await writeCuts(projectDir, thumbsDir, cutThumbs, posePng);
  // As the app leaves a project whose thumbnails are all current: no size check at open.
  await writeFile(join(projectDir, '.studio', 'thumbs-size.json'), JSON.stringify({ size: THUMB_SIZE }));
}

/** Cuts of every CUT_EVERY-th sheet (by creation), made a minute after it, as results.cut writes them. */
async function writeCuts(
  projectDir: string,
  thumbsDir: string,
  cutThumbs: Buffer[],
  png: Buffer,
): Promise<void> {
  const sheets = (await readdir(join(projectDir, 'results')))
    .filter((name) => name.endsWith('.json'))
    .sort()
    .filter((_, i) => i % CUT_EVERY === 0);
  for (const [n, name] of sheets.entries()) {
    const sheet = JSON.parse(await readFile(join(projectDir, 'results', name), 'utf8')) as Result;
    for (let figure = 0; figure < 3; figure++) {
      const at = Date.parse(sheet.createdAt) + 60_000 + figure;
      const id = newId(at);
      const cut: Result = {
        ...sheet,
        id,
        createdAt: new Date(at).toISOString(),
        file: `results/${id}.png`,
        width: 184,
        height: 340,
        cutFrom: {
          resultId: sheet.id,
          figureIndex: figure,
          box: { x: 28 + figure * 260, y: 28, width: 184, height: 340 },
        },
        review: { rating: 0, flag: 'none', tags: [] },
      };
      await writeFile(join(projectDir, 'results', `${id}.png`), png);
      await writeFile(join(projectDir, 'results', `${id}.json`), JSON.stringify(cut, null, 2));
      await writeFile(join(thumbsDir, `${id}.webp`), cutThumbs[n % cutThumbs.length] as Buffer);
    }
  }
}

const ensureFixture = () =>
  ensureSyntheticProject(fixture, {
    title: 'Bench: gallery of 10,000',
    results: RESULTS + CUTS,
    summary: { RESULTS, CUTS, CHARACTERS, LIBRARIES, POSES_PER_LIBRARY },
    fill,
  });

/** The reading pass: a steady scroll at this speed (slower than a fling, so thumbnails load on the way). */
const READ_VIEWPORTS_PER_SECOND = 3;
const READ_SECONDS = 8;
const VSYNC_MS = 1000 / 60;

/**
 * Runs in the page (as text, so no loader helpers are needed). 'fling': top to bottom, `amount` of the
 * visible height per frame. 'read': `amount` viewports per second for `seconds`, by the clock.
 * Records every rAF delta and the most elements inside the scroll container after any frame.
 */
const SCROLL_PASS = `async (mode, amount, seconds) => {
  const scroller = document.querySelector('[data-testid="gallery-scroll"]');
  const grid = document.querySelector('[data-testid="gallery-grid"]');
  if (!scroller || !grid) throw new Error('the gallery is not on the page');
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  const all = scroller.getElementsByTagName('*');
  const nodesAtStart = all.length;
  const cells = Array.from(grid.querySelectorAll('[data-index]'));
  const rowsAtStart = new Set(cells.map((c) => c.style.transform.split(',')[1])).size;
  const columns = Math.round(cells.length / Math.max(1, rowsAtStart));
  // The grid's height is fixed by the result count: read it once (reading it every frame would force a
  // layout that a person's scrolling never causes).
  const max = scroller.scrollHeight - scroller.clientHeight;
  const height = scroller.clientHeight;
  const frames = [];
  let maxNodes = nodesAtStart;
  let steps = 0;
  let top = scroller.scrollTop;
  const start = performance.now();
  let last = await frame();
  for (;;) {
    if (mode === 'fling') {
      if (top >= max) break;
      top = Math.min(max, top + Math.round(height * amount));
    } else {
      const elapsed = (performance.now() - start) / 1000;
      if (elapsed >= seconds || top >= max) break;
      top = Math.min(max, Math.round(elapsed * amount * height));
    }
    scroller.scrollTop = top;
    const now = await frame();
    frames.push(now - last);
    last = now;
    steps++;
    maxNodes = Math.max(maxNodes, all.length);
  }
  // Then the screen fills in: its page arrives and, once the scroll has settled, its thumbnails.
  const shown = () => grid.querySelectorAll('[data-index] img').length;
  for (let i = 0; i < 600 && (grid.querySelector('.cell-loading') || shown() < grid.querySelectorAll('[data-index]').length / 2); i++) await frame();
  return { frames, maxNodes, nodesAtStart, steps, distance: top, columns, filledAtEnd: shown() };
}`;

const TRACE_CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.frame',
  'disabled-by-default-v8.cpu_profiler',
  'blink',
  'cc',
  'viz',
  'toplevel',
];

const MILLION = 1_000_000;
/** The million fling: frames to drag the thumb down the whole track, then frames at the wheel's pace. */
const DRAG_FRAMES = 600;
const WHEEL_FRAMES = 200;

/**
 * Runs in the page: the thumb dragged from top to bottom in `dragFrames` frames (scrollTop written as
 * the browser writes it while the thumb is dragged), then `wheelFrames` frames at `step` of the visible
 * height per frame, half up and half back down. Then waits for the last screen to fill in and says
 * whether the last item's cell is wholly on screen with its thumbnail.
 */
const MILLION_PASS = `async (dragFrames, wheelFrames, step, lastIndex) => {
  const scroller = document.querySelector('[data-testid="gallery-scroll"]');
  const grid = document.querySelector('[data-testid="gallery-grid"]');
  if (!scroller || !grid) throw new Error('the gallery is not on the page');
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  const all = scroller.getElementsByTagName('*');
  const max = scroller.scrollHeight - scroller.clientHeight;
  const height = scroller.clientHeight;
  const frames = [];
  let maxNodes = all.length;
  let last = await frame();
  const record = async () => {
    const now = await frame();
    frames.push(now - last);
    last = now;
    maxNodes = Math.max(maxNodes, all.length);
  };
  for (let i = 1; i <= dragFrames; i++) {
    scroller.scrollTop = Math.round((max * i) / dragFrames);
    await record();
  }
  let top = max;
  const delta = Math.round(height * step);
  for (let i = 0; i < wheelFrames; i++) {
    top = i < wheelFrames / 2 ? top - delta : Math.min(max, top + delta);
    scroller.scrollTop = top;
    await record();
  }
  scroller.scrollTop = max;
  const lastCell = () => grid.querySelector('[data-index="' + lastIndex + '"]');
  const filled = () => {
    const cell = lastCell();
    const img = cell && cell.querySelector('img');
    return !grid.querySelector('.cell-loading') && img && img.complete && img.naturalWidth > 0;
  };
  for (let i = 0; i < 600 && !filled(); i++) await frame();
  const box = scroller.getBoundingClientRect();
  const cell = lastCell();
  const r = cell && cell.getBoundingClientRect();
  const reached = Boolean(filled() && r && r.top >= box.top && r.bottom <= box.top + scroller.clientHeight);
  return {
    frames,
    dragFrames,
    maxNodes,
    reached,
    scrollHeight: scroller.scrollHeight,
    shownLast: Math.max(...Array.from(grid.querySelectorAll('[data-index]'), (c) => Number(c.dataset.index))),
  };
}`;

interface MillionRun {
  frames: number[];
  dragFrames: number;
  maxNodes: number;
  reached: boolean;
  scrollHeight: number;
  shownLast: number;
}

interface ScrollRun {
  frames: number[];
  maxNodes: number;
  nodesAtStart: number;
  steps: number;
  distance: number;
  columns: number;
  filledAtEnd: number;
}

export async function benchGalleryScroll(): Promise<{ lines: string[]; ok: boolean }> {
  if (!existsSync(join(RENDERER_DIR, 'index.html')))
    throw new Error('dist/renderer is missing: run `npm run build` first');
  const madeMs = await ensureFixture();
  const lines: string[] = [];
  if (madeMs > 0) lines.push(`made the synthetic project in ${(madeMs / 1000).toFixed(1)} s (${fixtureDir})`);

  const userDataDir = await mkdtemp(join(tmpdir(), 'ccstudio-bench-gallery-user-'));
  const runtime = await createAppRuntime({
    userDataDir,
    platform: { shell: 'browser' },
    secrets: new MemoryStore(),
    appVersion: 'bench',
    runQueue: false,
  });
  const host = await startBrowserHost({ runtime, rendererDir: RENDERER_DIR });
  const launch = (uncapped: boolean) =>
    chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        // Frames as fast as they can be made: a delta is the frame's real cost, not the 60 Hz tick.
        ...(uncapped ? ['--disable-frame-rate-limit', '--disable-gpu-vsync'] : []),
      ],
    });
  const browser = await launch(true);
  const vsynced = await launch(false);
  try {
    const handlers = runtime.handlers as unknown as Record<string, (input: unknown) => Promise<unknown>>;
    await handlers['projects.open']?.({ dir: projectDir });
    const context = await browser.newContext({ viewport: VIEWPORT, colorScheme: 'dark' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const opened = performance.now();
    await page.goto(host.openUrl);
    await page
      .locator('[data-testid="gallery-grid"] [role="option"] img')
      .first()
      .waitFor({ timeout: 60_000 });
    const firstPaintMs = performance.now() - opened;
    // Let the first screen's thumbnails arrive, so the scroll starts from a settled page.
    await page.waitForLoadState('networkidle');

    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const metrics = async (): Promise<Record<string, number>> =>
      Object.fromEntries(
        (await cdp.send('Performance.getMetrics')).metrics.map((m: { name: string; value: number }) => [
          m.name,
          m.value,
        ]),
      );

    const before = await metrics();
    // BENCH_PROFILE=file.cpuprofile: the renderer's JS profile of the fling, to see where its frames go.
    const profileTo = process.env.BENCH_PROFILE;
    if (profileTo) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    // In-page code is passed as text: the TypeScript loader's helpers do not exist in the page.
    // BENCH_TRACE=file.json: a Chromium trace of the fling (open it in chrome://tracing or Perfetto): which
    // thread did what in the slow frames, including the renderer's JS samples.
    const traceTo = process.env.BENCH_TRACE;
    if (traceTo) await browser.startTracing(page, { path: traceTo, categories: TRACE_CATEGORIES });
    const fling = (await page.evaluate(`(${SCROLL_PASS})('fling', ${STEP_OF_VIEWPORT}, 0)`)) as ScrollRun;
    if (traceTo) await browser.stopTracing();
    if (profileTo) await writeFile(profileTo, JSON.stringify((await cdp.send('Profiler.stop')).profile));
    const afterFling = await metrics();
    const heapMb = (afterFling.JSHeapUsedSize ?? 0) / 1e6;
    await cdp.send('HeapProfiler.collectGarbage');
    const heapAfterGcMb = ((await metrics()).JSHeapUsedSize ?? 0) / 1e6;

    // Reading pace, at the display's 60 Hz (a fresh page in a vsynced browser, so thumbnails load as they
    // come into view): how many frames miss their vsync.
    const readContext = await vsynced.newContext({ viewport: VIEWPORT, colorScheme: 'dark' });
    const readPage = await readContext.newPage();
    readPage.on('pageerror', (error) => errors.push(error.message));
    await readPage.goto(host.openUrl);
    await readPage
      .locator('[data-testid="gallery-grid"] [role="option"] img')
      .first()
      .waitFor({ timeout: 60_000 });
    await readPage.waitForLoadState('networkidle');
    const read = (await readPage.evaluate(
      `(${SCROLL_PASS})('read', ${READ_VIEWPORTS_PER_SECOND}, ${READ_SECONDS})`,
    )) as ScrollRun;

    // A million results: a fresh page of the uncapped browser, its results list answered in the browser.
    const millionContext = await browser.newContext({ viewport: VIEWPORT, colorScheme: 'dark' });
    const millionPage = await millionContext.newPage();
    millionPage.on('pageerror', (error) => errors.push(error.message));
    const synthetic = await interceptResults(millionPage, handlers, MILLION);
    await millionPage.goto(host.openUrl);
    await millionPage
      .locator('[data-testid="gallery-grid"] [role="option"] img')
      .first()
      .waitFor({ timeout: 60_000 });
    await millionPage.waitForLoadState('networkidle');
    const millionCdp = await millionContext.newCDPSession(millionPage);
    await millionCdp.send('Performance.enable');
    const millionMetrics = async (): Promise<Record<string, number>> =>
      Object.fromEntries(
        (await millionCdp.send('Performance.getMetrics')).metrics.map(
          (m: { name: string; value: number }) => [m.name, m.value],
        ),
      );
    const queriesBefore = synthetic.calls.query;
    const millionBefore = await millionMetrics();
    const million = (await millionPage.evaluate(
      `(${MILLION_PASS})(${DRAG_FRAMES}, ${WHEEL_FRAMES}, ${STEP_OF_VIEWPORT}, ${MILLION - 1})`,
    )) as MillionRun;
    const millionAfter = await millionMetrics();
    const millionHeapMb = (millionAfter.JSHeapUsedSize ?? 0) / 1e6;
    const millionThreadMs = ((millionAfter.ThreadTime ?? 0) - (millionBefore.ThreadTime ?? 0)) * 1000;
    const millionQueries = synthetic.calls.query - queriesBefore;
    await millionContext.close();

    const spent = (name: string) => (((afterFling[name] ?? 0) - (before[name] ?? 0)) * 1000).toFixed(0);
    const describe = (run: { frames: number[] }) => {
      const p95 = percentile(run.frames, 95);
      const over = run.frames.filter((f) => f > TARGET_P95_MS).length;
      return {
        p95,
        text:
          `p50 ${percentile(run.frames, 50).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, p99 ${percentile(run.frames, 99).toFixed(1)} ms, ` +
          `worst ${Math.max(...run.frames).toFixed(1)} ms; ${over} of ${run.frames.length} frames over ${TARGET_P95_MS} ms`,
      };
    };
    const f = describe(fling);
    const r = describe(read);
    const dropped = read.frames.filter((d) => d > VSYNC_MS * 1.5).length;
    const maxNodes = Math.max(fling.maxNodes, read.maxNodes, million.maxNodes);
    const m = describe(million);
    const drag = percentile(million.frames.slice(0, million.dragFrames), 95);
    const wheel = percentile(million.frames.slice(million.dragFrames), 95);
    const ok =
      f.p95 <= TARGET_P95_MS &&
      m.p95 <= TARGET_P95_MS &&
      million.reached &&
      maxNodes <= TARGET_MAX_NODES &&
      heapMb <= TARGET_HEAP_MB &&
      errors.length === 0 &&
      fling.filledAtEnd > 0 &&
      read.filledAtEnd > 0;
    lines.push(
      `project: ${RESULTS.toLocaleString()} results (and ${CUTS} cuts stacked under their sheets); Chromium ${browser.version()} at ${VIEWPORT.width}x${VIEWPORT.height}, software raster, frame rate uncapped; first thumbnails in ${firstPaintMs.toFixed(0)} ms`,
      `fling, top to bottom (${(fling.distance / 1000).toFixed(0)}k px, ${STEP_OF_VIEWPORT} viewport per frame, ${fling.columns} columns, ${fling.steps} frames): ${f.text}`,
      `  main thread meanwhile: script ${spent('ScriptDuration')} ms, style ${spent('RecalcStyleDuration')} ms, layout ${spent('LayoutDuration')} ms, all tasks ${spent('TaskDuration')} ms; the last screen filled in with ${fling.filledAtEnd} thumbnails`,
      // CPU time rather than wall time: what the page itself cost, nearly the same on a busy machine.
      `  CPU time: renderer main thread ${spent('ThreadTime')} ms, renderer process ${spent('ProcessTime')} ms (${((((afterFling.ThreadTime ?? 0) - (before.ThreadTime ?? 0)) * 1000) / Math.max(1, fling.steps)).toFixed(2)} ms of main thread per frame)`,
      `p95 frame time of the fling: ${f.p95.toFixed(1)} ms (target ≤ ${TARGET_P95_MS} ms)`,
      `reading pace at 60 Hz (${READ_VIEWPORTS_PER_SECOND} viewports/s for ${READ_SECONDS} s, thumbnails loading on the way, ${read.steps} frames): ` +
        `p95 ${r.p95.toFixed(1)} ms, ${dropped} frames (${((100 * dropped) / Math.max(1, read.frames.length)).toFixed(1)}%) missed their vsync, worst ${Math.max(...read.frames).toFixed(1)} ms (for information)`,
      `1,000,000 results (list answered in the browser, thumbnails real; scroll content capped at ${(million.scrollHeight / 1e6).toFixed(1)} million px): ` +
        `the thumb dragged down the whole track in ${million.dragFrames} frames, then ${million.frames.length - million.dragFrames} frames at ${STEP_OF_VIEWPORT} viewport per frame: ${m.text}`,
      `  drag p95 ${drag.toFixed(1)} ms, wheel pace p95 ${wheel.toFixed(1)} ms; renderer main thread ${millionThreadMs.toFixed(0)} ms of CPU (${(millionThreadMs / Math.max(1, million.frames.length)).toFixed(2)} ms per frame); ${millionQueries} page requests; JS heap after ${millionHeapMb.toFixed(1)} MB (for information)`,
      `p95 frame time of the fling at 1,000,000: ${m.p95.toFixed(1)} ms (target ≤ ${TARGET_P95_MS} ms)`,
      `last item reached: ${million.reached ? 'yes' : 'no'} (the last cell shown: #${(million.shownLast + 1).toLocaleString('en-US')})`,
      `grid DOM elements: ${fling.nodesAtStart} at the top, max ${maxNodes} over all scrolls (target ≤ ${TARGET_MAX_NODES})`,
      `JS heap after the fling: ${heapMb.toFixed(1)} MB (${heapAfterGcMb.toFixed(1)} MB after a GC) (target ≤ ${TARGET_HEAP_MB} MB)`,
      ...(errors.length > 0 ? [`page errors: ${errors.join('; ')}`] : []),
      `ok: ${ok}`,
    );
    return { lines, ok };
  } finally {
    await browser.close();
    await vsynced.close();
    await host.close();
    await runtime.dispose();
    await rm(userDataDir, { recursive: true, force: true });
  }
}

runWhenMain(import.meta.url, benchGalleryScroll);
