/**
 * Bench: our thumbnail path against libvips' own command-line thumbnailer on the same files.
 *
 * 200 varied 2048 x 2048 JPEGs (made once, cached in the OS temp folder) are turned into 640 px WebP
 * thumbnails twice over: by `vipsthumbnail` (Debian's libvips-tools; one process given all the files,
 * the way a person would run it) and by makeThumbnails at its default concurrency. For reference it
 * also times vipsthumbnail split over one process per core, the fairest like-for-like figure. Each side gets a
 * warm-up on a few files (page cache, library start-up), then the best of two timed runs counts.
 * The target is ours/vipsthumbnail >= 0.8 in images per second.
 *
 * Called by the lead's test/bench/run.ts; also runnable alone: node --import tsx test/bench/thumbnails.ts
 */
import { execFile } from 'node:child_process';
import { access, constants, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { defaultThumbnailConcurrency, makeThumbnails } from '../../src/images';
import { THUMB_SIZE } from '../../src/library/workspace/paths';
import { ensureBenchJpegs } from '../fixtures-gen/bench-images';

const run = promisify(execFile);

const COUNT = 200;
const SIDE = 2048;
/** The app's thumbnail size (640 px since the grid's largest cells must stay sharp on a 2x display). */
const THUMB = THUMB_SIZE;
const TARGET_RATIO = 0.8;
const ROUNDS = 2;
const WARM_UP = 10;
const VIPSTHUMBNAIL = process.env.VIPSTHUMBNAIL ?? '/usr/bin/vipsthumbnail';

async function timeIt(work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

async function runVipsthumbnail(files: readonly string[], outDir: string): Promise<void> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  // vipsthumbnail writes into the folder named in the -o pattern; %s is the input's base name.
  await run(VIPSTHUMBNAIL, ['-s', String(THUMB), '-o', join(outDir, 'tn_%s.webp'), ...files], {
    maxBuffer: 16 * 1024 * 1024,
  });
}

/** The same, split over one vipsthumbnail process per core: the best the command line can do here. */
async function runVipsthumbnailParallel(
  files: readonly string[],
  outDir: string,
  processes: number,
): Promise<void> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const share = Math.ceil(files.length / processes);
  await Promise.all(
    Array.from({ length: processes }, (_, p) =>
      run(
        VIPSTHUMBNAIL,
        ['-s', String(THUMB), '-o', join(outDir, 'tn_%s.webp'), ...files.slice(p * share, (p + 1) * share)],
        {
          maxBuffer: 16 * 1024 * 1024,
        },
      ),
    ),
  );
}

async function runOurs(files: readonly string[], outDir: string, concurrency: number): Promise<void> {
  await rm(outDir, { recursive: true, force: true });
  const outcomes = await makeThumbnails(
    files.map((input, i) => ({ input, out: join(outDir, `tn_${i}.webp`), size: THUMB })),
    concurrency,
  );
  const failed = outcomes.filter((o) => !o.ok).length;
  if (failed > 0) throw new Error(`${failed} of our thumbnails failed`);
}

export async function benchThumbnails(): Promise<{ lines: string[]; ok: boolean }> {
  const lines: string[] = [];
  const count = Number(process.env.BENCH_THUMBNAILS_COUNT ?? COUNT);
  try {
    await access(VIPSTHUMBNAIL, constants.X_OK);
  } catch {
    return {
      lines: [`thumbnails: ${VIPSTHUMBNAIL} not found: install the Debian package libvips-tools to compare`],
      ok: false,
    };
  }

  const cache = join(tmpdir(), `ccstudio-bench-jpegs-${count}x${SIDE}-v1`);
  const generation = await timeIt(async () => void (await ensureBenchJpegs(cache, count, SIDE)));
  const files = await ensureBenchJpegs(cache, count, SIDE);
  const work = await mkdtemp(join(tmpdir(), 'ccstudio-bench-thumbs-'));
  const concurrency = defaultThumbnailConcurrency();
  try {
    const vipsVersion = (await run(VIPSTHUMBNAIL, ['--vips-version'])).stdout.trim();
    await runVipsthumbnail(files.slice(0, WARM_UP), join(work, 'vips'));
    await runOurs(files.slice(0, WARM_UP), join(work, 'ours'), concurrency);

    const cores = availableParallelism();
    let vipsBest = Infinity;
    let vipsParallelBest = Infinity;
    let oursBest = Infinity;
    for (let round = 0; round < ROUNDS; round++) {
      vipsParallelBest = Math.min(
        vipsParallelBest,
        await timeIt(() => runVipsthumbnailParallel(files, join(work, 'vips-parallel'), cores)),
      );
      vipsBest = Math.min(vipsBest, await timeIt(() => runVipsthumbnail(files, join(work, 'vips'))));
      oursBest = Math.min(oursBest, await timeIt(() => runOurs(files, join(work, 'ours'), concurrency)));
    }

    // Both sides must really have made every thumbnail at the right size.
    const vipsOut = (await readdir(join(work, 'vips'))).filter((f) => f.endsWith('.webp'));
    const oursOut = (await readdir(join(work, 'ours'))).filter((f) => f.endsWith('.webp'));
    const sample = await sharp(join(work, 'ours', 'tn_0.webp')).metadata();
    const complete = vipsOut.length === count && oursOut.length === count && sample.width === THUMB;

    const vipsRate = count / vipsBest;
    const oursRate = count / oursBest;
    const vipsParallelRate = count / vipsParallelBest;
    const ratio = oursRate / vipsRate;
    const ok = complete && ratio >= TARGET_RATIO;
    lines.push(
      `thumbnails: ${count} JPEG ${SIDE}x${SIDE} -> ${THUMB} px WebP, ${cores} cores` +
        (generation > 1 ? ` (made the images in ${generation.toFixed(1)} s)` : ' (cached images)'),
      `  vipsthumbnail (${vipsVersion}, one process): ${vipsRate.toFixed(1)} images/s (${vipsBest.toFixed(2)} s)`,
      `  vipsthumbnail, ${cores} processes side by side (for reference): ${vipsParallelRate.toFixed(1)} images/s ` +
        `(${vipsParallelBest.toFixed(2)} s; ours/that ${(oursRate / vipsParallelRate).toFixed(2)})`,
      `  makeThumbnails (sharp ${sharp.versions.sharp}, libvips ${sharp.versions.vips}, concurrency ${concurrency}): ` +
        `${oursRate.toFixed(1)} images/s (${oursBest.toFixed(2)} s)`,
      `  ratio ours/vipsthumbnail: ${ratio.toFixed(2)} (target >= ${TARGET_RATIO.toFixed(2)}) ${ok ? 'PASS' : 'FAIL'}` +
        (complete ? '' : ` — outputs incomplete: vips ${vipsOut.length}, ours ${oursOut.length}`),
    );
    return { lines, ok };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { lines, ok } = await benchThumbnails();
  for (const line of lines) console.log(line);
  process.exitCode = ok ? 0 : 1;
}
