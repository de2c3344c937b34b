/**
 * Bench: importing pose sheets (issue 10, item 6 "Import throughput"), against a plain sharp loop on the
 * same files.
 *
 * COUNT (1,000) realistic 1024 x 512 OpenPose sheets (one to six skeletons each, in a row or a grid; made
 * once and cached in the OS temp folder) are imported into a fresh project through the real store
 * (poses.import of the folder into a new library: check, duplicates, figures, image, thumbnail, library),
 * and, as the reference, put through a plain sharp loop that decodes each file and writes its thumbnail
 * (the app's THUMB_SIZE as WebP), with the same number of files at once as the import. After a warm-up
 * of both on a few files, ROUNDS rounds each run the reference then the import, side by side; the ratio
 * is the median of the rounds' ratios (so a burst of other load on the machine spoils one round, not the
 * figure). Bytes written are this process's write() bytes (/proc/self/io wchar: its own and sharp's
 * threads) during each import, divided by the bytes of the files imported; the median counts.
 *
 * Targets: import throughput >= 0.5x the reference's, and <= 2 MB written per MB imported.
 *
 * Called by test/bench/run.ts; also runnable alone, e.g. with 200 files:
 *   BENCH_IMPORT_COUNT=200 bash scripts/with-keychain.sh node --import tsx test/bench/import.ts
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { mapWithConcurrency } from '../../src/images';
import { createProject } from '../../src/library/project-store';
import { workspaceFor } from '../../src/library/workspace';
import { importConcurrency } from '../../src/library/workspace/image-intake';
import { THUMB_SIZE } from '../../src/library/workspace/paths';
import { seededRandom } from '../fixtures-gen/bench-images';
import {
  figuresInCells,
  gridCells,
  makeOpenPoseSheet,
  rowOfFigures,
  type FigureSpec,
} from '../fixtures-gen/pose-sheets';
import { runWhenMain } from './synthetic-project';
import { CI_SLACK } from './ci-slack';

const COUNT = 1000;
const WIDTH = 1024;
const HEIGHT = 512;
const ROUNDS = 5;
const WARM_UP = 20;
const TARGET_RATIO = 0.5;
const TARGET_WRITTEN_PER_MB = 2;
const FIXTURE_VERSION = 1;

/** Sheet `index`: its own layout, so every file differs (no duplicates) and detection has real work. */
function specsFor(index: number): FigureSpec[] {
  const random = seededRandom(index * 104_729 + 7);
  const count = 1 + Math.floor(random() * 6);
  const jitter = (spec: FigureSpec): FigureSpec => ({
    ...spec,
    centreX: spec.centreX + (random() - 0.5) * 8,
    top: spec.top + (random() - 0.5) * 8,
  });
  if (count >= 4 && random() < 0.4) {
    const cols = Math.ceil(count / 2);
    return figuresInCells(gridCells(cols, 2, WIDTH, HEIGHT, count), {
      fill: 0.7 + random() * 0.15,
      firstPose: index,
    }).map(jitter);
  }
  return rowOfFigures(count, WIDTH, HEIGHT, {
    figureHeight: HEIGHT * (0.55 + random() * 0.3),
    detachedHeads: random() < 0.3,
  }).map(jitter);
}

/** The sheets as files, made once: `<cache>/sheet-0001.png` and so on. */
export async function ensurePoseSheets(cache: string, count: number): Promise<string[]> {
  const names = Array.from({ length: count }, (_, i) => `sheet-${String(i + 1).padStart(4, '0')}.png`);
  const listed = new Set(await readdir(cache).catch(() => [] as string[]));
  if (!names.every((name) => listed.has(name))) {
    const partial = `${cache}.partial-${process.pid}`;
    await rm(partial, { recursive: true, force: true });
    await mkdir(partial, { recursive: true });
    await mapWithConcurrency(names, availableParallelism(), async (name, i) => {
      const sheet = await makeOpenPoseSheet(WIDTH, HEIGHT, specsFor(i));
      await writeFile(join(partial, name), sheet.png);
    });
    await rm(cache, { recursive: true, force: true });
    await rename(partial, cache);
  }
  return names.map((name) => join(cache, name));
}

/** Bytes this process has handed to write() so far (Linux). */
function bytesWritten(): number {
  const match = /^wchar:\s*(\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
  return Number(match?.[1] ?? Number.NaN);
}

async function timeIt(work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

/** The reference: decode each file and write its thumbnail, nothing else. */
async function runReference(files: readonly string[], outDir: string, concurrency: number): Promise<void> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  await mapWithConcurrency(files, concurrency, async (file, i) => {
    await sharp(file)
      .resize({ width: THUMB_SIZE, height: THUMB_SIZE, fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 75, effort: 2 })
      .toFile(join(outDir, `${i}.webp`));
  });
}

/** The app: a fresh project, and the folder imported into a new library through the real store. */
async function runImport(folder: string, projectDir: string, expected: number): Promise<void> {
  await rm(projectDir, { recursive: true, force: true });
  const project = await createProject(projectDir, 'Import bench');
  try {
    const report = await workspaceFor(project).poses.import({ newLibrary: { name: 'Sheets' } }, [
      { path: folder },
    ]);
    const sheets = report.imported.filter((pose) => pose.kind === 'sheet').length;
    if (report.imported.length !== expected || report.failed.length > 0 || sheets === 0)
      throw new Error(
        `the import took ${report.imported.length} of ${expected} (${report.failed.length} failed, ` +
          `${report.duplicates.length} duplicates, ${sheets} sheets)`,
      );
  } finally {
    await project.close();
  }
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
};

export async function benchImport(): Promise<{ lines: string[]; ok: boolean }> {
  const count = Number(process.env.BENCH_IMPORT_COUNT ?? COUNT);
  if (!Number.isInteger(count) || count < 1) throw new Error(`BENCH_IMPORT_COUNT must be a whole number`);
  const cache = join(tmpdir(), `ccstudio-bench-pose-sheets-${count}x${WIDTH}x${HEIGHT}-v${FIXTURE_VERSION}`);
  const started = performance.now();
  const files = await ensurePoseSheets(cache, count);
  const generation = (performance.now() - started) / 1000;
  const inputBytes = (await Promise.all(files.map((file) => stat(file)))).reduce((a, s) => a + s.size, 0);
  const work = await mkdtemp(join(tmpdir(), 'ccstudio-bench-import-'));
  const concurrency = importConcurrency();
  try {
    // Warm-up: a few files each way (page cache, library start-up, JIT).
    const warm = join(work, 'warm');
    await mkdir(warm);
    const warmFiles = files.slice(0, WARM_UP);
    await Promise.all(warmFiles.map((file, i) => writeFile(join(warm, `w${i}.png`), readFileSync(file))));
    await runReference(warmFiles, join(work, 'ref'), concurrency);
    await runImport(warm, join(work, 'project'), warmFiles.length);

    const referenceSeconds: number[] = [];
    const importSeconds: number[] = [];
    const ratios: number[] = [];
    const writtenPerMb: number[] = [];
    const load: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const reference = await timeIt(() => runReference(files, join(work, 'ref'), concurrency));
      const before = bytesWritten();
      const imported = await timeIt(() => runImport(cache, join(work, 'project'), count));
      writtenPerMb.push((bytesWritten() - before) / inputBytes);
      referenceSeconds.push(reference);
      importSeconds.push(imported);
      ratios.push(reference / imported); // throughput ratio: same files, so the inverse of the times
      load.push(loadavg()[0] ?? 0);
    }

    const ratio = median(ratios);
    const written = median(writtenPerMb);
    const ratioOk = ratio >= TARGET_RATIO / CI_SLACK;
    const writtenOk = written <= TARGET_WRITTEN_PER_MB;
    const rate = (seconds: number) => `${(count / seconds).toFixed(1)} files/s (${seconds.toFixed(2)} s)`;
    return {
      ok: ratioOk && writtenOk,
      lines: [
        `${count} OpenPose sheets ${WIDTH}x${HEIGHT} PNG (${(inputBytes / 2 ** 20).toFixed(1)} MB), ` +
          `${availableParallelism()} cores, ${concurrency} files at once, ${ROUNDS} rounds, load average ` +
          `${load.map((l) => l.toFixed(2)).join(' / ')}` +
          (generation > 1 ? ` (made the sheets in ${generation.toFixed(1)} s)` : ' (cached sheets)'),
        `sharp decode + ${THUMB_SIZE} px WebP thumbnail (reference), median: ${rate(median(referenceSeconds))}`,
        `poses.import into a new library, median: ${rate(median(importSeconds))}`,
        `throughput import/reference, median of rounds: ${ratio.toFixed(2)} ` +
          `(rounds ${ratios.map((r) => r.toFixed(2)).join(', ')}; target >= ${TARGET_RATIO.toFixed(2)}${CI_SLACK === 1 ? '' : `, CI allows ${(TARGET_RATIO / CI_SLACK).toFixed(2)}`}) ` +
          (ratioOk ? 'PASS' : 'FAIL'),
        `written per MB imported, median: ${written.toFixed(2)} MB ` +
          `(rounds ${writtenPerMb.map((w) => w.toFixed(2)).join(', ')}; target <= ${TARGET_WRITTEN_PER_MB}) ` +
          (writtenOk ? 'PASS' : 'FAIL'),
      ],
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

runWhenMain(import.meta.url, benchImport);
