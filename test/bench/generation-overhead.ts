/**
 * Bench: the app's own overhead per generation job, against a stand-in that answers at once.
 *
 * Per job: `generation.enqueue` (read the pose, normalise it, copy it into the outbox, persist the job) →
 * `submitting` persisted → POST → the image written into the outbox → `completed` persisted → result and
 * receipt committed into the project (`jobs.updated` carrying the resultId). The sheet is 1024 x 1024,
 * upscaled by 2 (the stand-in answers a 2048 x 2048 JPEG), latency 0.
 *
 * Nothing is subtracted from "total": the stand-in's own time (decoding the sheet, drawing the result) is
 * part of it. The stand-in alone is timed by a raw client call with the same body, interleaved with the jobs
 * so both see the same machine state, and overhead = total − raw for each pair. Target: median overhead
 * ≤ 150 ms.
 *
 * Committing a result includes its thumbnail (the workspace's result store makes it), so the figure
 * covers everything up to the gallery being able to show the result; the bench checks one was made per job.
 *
 * Called by test/bench/run.ts; also runnable alone: node --import tsx test/bench/generation-overhead.ts
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { Job } from '../../src/domain';
import { normaliseForUpload } from '../../src/images';
import { buildRequestBody, consistentCharacterV1 as v1, defaultParams } from '../../src/models';
import { MemoryStore } from '../../src/secrets/memory-store';
import { createSegmindClient } from '../../src/segmind';
import { createAppRuntime } from '../../src/services/runtime';
import { makePoseSheet, type PoseSheetSpec } from '../fakes/pose-sheet';
import { startSegmindStandIn } from '../fakes/segmind-stand-in';
import { seedCharacterAndPose } from '../helpers/seed-project';

const JOBS = 20;
const WARM_UP = 3;
const TARGET_OVERHEAD_MEDIAN_MS = 150;

const SHEET: PoseSheetSpec = {
  width: 1024,
  height: 1024,
  figures: [
    { x: 60, y: 100, width: 180, height: 400 },
    { x: 300, y: 100, width: 180, height: 400 },
    { x: 540, y: 100, width: 180, height: 400 },
    { x: 780, y: 100, width: 180, height: 400 },
    { x: 180, y: 560, width: 180, height: 400 },
    { x: 660, y: 560, width: 180, height: 400 },
  ],
};

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? NaN;
}
const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const ms = (n: number): string => `${n.toFixed(1)} ms`;

export async function benchGenerationOverhead(): Promise<{ lines: string[]; ok: boolean }> {
  const work = await mkdtemp(join(tmpdir(), 'ccstudio-bench-gen-'));
  const standIn = await startSegmindStandIn({ credits: 1_000_000, latencyMs: 0 });
  const secrets = new MemoryStore();
  await secrets.set(standIn.key);
  const runtime = await createAppRuntime({
    userDataDir: join(work, 'user-data'),
    platform: { shell: 'browser' },
    secrets,
    appVersion: 'bench',
    segmindBaseUrl: standIn.url,
  });
  try {
    // One job at a time, and no per-minute limit in the way: this measures work, not waiting.
    await runtime.handlers['settings.update']({ concurrency: 1, requestsPerMinute: 600 });
    const projectDir = join(work, 'project');
    await runtime.handlers['projects.create']({ dir: projectDir, name: 'Bench' });
    const sheet = await makePoseSheet(SHEET);
    const seeded = await seedCharacterAndPose(
      runtime,
      {
        name: 'Maya',
        description: 'young african american girl, white sweater, jeans',
        styleWords: '2D illustration style',
      },
      { name: 'Six poses', image: sheet },
    );

    // When each job's result was committed (the event that tells the UI), by job id.
    const committedAt = new Map<string, number>();
    const committedJobs = new Map<string, Job>();
    const waiters = new Map<string, () => void>();
    runtime.events.on((name, payload) => {
      if (name !== 'jobs.updated') return;
      const job = payload as Job;
      if (job.resultId === undefined || committedAt.has(job.id)) return;
      committedAt.set(job.id, performance.now());
      committedJobs.set(job.id, job);
      waiters.get(job.id)?.();
    });

    const appJob = async (): Promise<{ totalMs: number; job: Job }> => {
      const started = performance.now();
      const queued = await runtime.handlers['generation.enqueue']({
        modelId: v1.id,
        characterId: seeded.character.id,
        poseId: seeded.pose.id,
        params: {},
      });
      if (!committedAt.has(queued.id)) {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`job ${queued.id} was not committed in 30 s`)),
            30_000,
          );
          waiters.set(queued.id, () => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      const job = committedJobs.get(queued.id)!;
      return { totalMs: committedAt.get(queued.id)! - started, job };
    };

    // The stand-in alone: the same body the app sends (the sheet normalised the same way), straight through
    // the client, nothing written anywhere.
    const client = createSegmindClient({ baseUrl: standIn.url, getKey: async () => standIn.key });
    const normalised = await normaliseForUpload(sheet);
    const body = buildRequestBody(v1, defaultParams(v1), normalised.bytes.toString('base64'));
    const rawCall = async (): Promise<number> => {
      const started = performance.now();
      const result = await client.generate(v1.path, body);
      const elapsed = performance.now() - started;
      if (!result.ok) throw new Error(`raw call failed: ${result.error.message}`);
      return elapsed;
    };

    for (let i = 0; i < WARM_UP; i++) {
      await rawCall();
      await appJob();
    }
    const totals: number[] = [];
    const raws: number[] = [];
    const overheads: number[] = [];
    const requestMs: number[] = [];
    let lastJob: Job | undefined;
    for (let i = 0; i < JOBS; i++) {
      const raw = await rawCall();
      const { totalMs, job } = await appJob();
      totals.push(totalMs);
      raws.push(raw);
      overheads.push(totalMs - raw);
      requestMs.push(job.output?.durationMs ?? NaN);
      lastJob = job;
    }

    // Every committed result must have its thumbnail: that is part of what is timed.
    const thumbsDir = join(projectDir, '.studio', 'thumbs');
    const thumbs = (await readdir(thumbsDir, { recursive: true }).catch(() => [] as string[])).filter((f) =>
      String(f).endsWith('.webp'),
    ).length;
    const overheadMedian = median(overheads);
    const results = (await readdir(join(projectDir, 'results'))).filter((f) => f.endsWith('.json')).length;
    const complete =
      results === JOBS + WARM_UP && thumbs >= JOBS + WARM_UP && standIn.postCount === 2 * (JOBS + WARM_UP);
    const ok = complete && overheadMedian <= TARGET_OVERHEAD_MEDIAN_MS;

    const line = (label: string, values: readonly number[]): string =>
      `${label}: median ${ms(median(values))}, p95 ${ms(percentile(values, 95))}`;
    return {
      ok,
      lines: [
        `${JOBS} jobs one after another (after ${WARM_UP} warm-up), sheet ${SHEET.width}x${SHEET.height} PNG ` +
          `(${normalised.bytes.length} bytes), upscale_by 2 → ${lastJob?.output?.width}x${lastJob?.output?.height} JPEG ` +
          `(${lastJob?.output?.bytes} bytes), stand-in latency 0`,
        line('total, enqueue → result committed', totals),
        line('stand-in alone (raw client call, same body)', raws),
        line('  of which the POST inside the job (job.output.durationMs)', requestMs),
        `${line('overhead = total − raw', overheads)} (target median ≤ ${TARGET_OVERHEAD_MEDIAN_MS} ms) ` +
          `${overheadMedian <= TARGET_OVERHEAD_MEDIAN_MS ? 'PASS' : 'FAIL'}`,
        `thumbnails: ${thumbs} in .studio/thumbs (made while committing, so included above)`,
        ...(complete
          ? []
          : [`incomplete: ${results} results, ${thumbs} thumbnails, ${standIn.postCount} POSTs`]),
      ],
    };
  } finally {
    await runtime.dispose();
    await standIn.close();
    await rm(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { lines, ok } = await benchGenerationOverhead();
  for (const line of lines) console.log(line);
  console.log(ok ? 'meets its target' : 'MISSES its target');
  process.exitCode = ok ? 0 : 1;
}
