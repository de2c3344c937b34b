/**
 * The benches' synthetic projects, made once and cached in the OS temp folder: characters, pose
 * libraries and results written straight to disk in the project layout (no services in the way), the
 * results index built by a first open, and a marker file saying the fixture is complete. Also the small
 * statistics and entry-point helpers every bench uses.
 */
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { newId, type Character, type Pose, type PoseLibrary, type Result } from '../../src/domain';
import { createProject, openProject, type ProjectHandle } from '../../src/library/project-store';
import { workspaceFor } from '../../src/library/workspace';
import { mapWithConcurrency } from '../../src/images';
import { DEFAULT_MODEL_ID, V1_PROMPT_PREFIX } from '../../src/models';
import { v1Receipt, type ReceiptOptions } from '../fixtures-gen/receipts';

// -- statistics ----------------------------------------------------------------------------------------

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

export const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
};

/** Deterministic pseudo-random numbers, so the fixture is the same every time it is made. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

// -- the fixture ---------------------------------------------------------------------------------------

export interface SyntheticProject {
  fixtureDir: string;
  projectDir: string;
  doneMarker: string;
}

/** Where the fixture called `name` (e.g. 'open-project') of this version lives. */
export function syntheticProjectPaths(root: string, name: string, version: number): SyntheticProject {
  const fixtureDir = join(root, `ccstudio-bench-${name}-v${version}`);
  return {
    fixtureDir,
    projectDir: join(fixtureDir, 'project'),
    doneMarker: join(fixtureDir, 'complete.json'),
  };
}

/**
 * Makes the fixture unless its marker says a complete one is already there: `fill` gets a freshly
 * created project (closed again before it runs) and writes its files; then the results index is built
 * by a first open and must hold `results` entries; then the marker is written with `summary`.
 * Returns how long making it took (0 when it was cached).
 */
export async function ensureSyntheticProject(
  where: SyntheticProject,
  options: {
    title: string;
    results: number;
    summary: Record<string, number>;
    fill: (project: ProjectHandle) => Promise<void>;
  },
): Promise<number> {
  if (await stat(where.doneMarker).catch(() => null)) return 0;
  const started = performance.now();
  await rm(where.fixtureDir, { recursive: true, force: true });
  await mkdir(where.fixtureDir, { recursive: true });
  const handle = await createProject(where.projectDir, options.title);
  await handle.close();
  await options.fill(handle);

  // Build the index once, as the first open of a project that never had one does.
  const opened = await openProject(where.projectDir);
  const report = await workspaceFor(opened).results.load();
  const count = workspaceFor(opened).results.count();
  await opened.close();
  if (report.mode !== 'rebuilt' || count !== options.results)
    throw new Error(`fixture index build went wrong: ${JSON.stringify(report)}`);
  await writeFile(where.doneMarker, JSON.stringify(options.summary));
  return performance.now() - started;
}

/** ISO timestamps `offsetMs` after `base`. */
export const isoFrom =
  (base: number) =>
  (offsetMs: number): string =>
    new Date(base + offsetMs).toISOString();

/** `count` characters written as character.json files; `describe(i)` gives each one's description. */
export async function writeCharacters(
  projectDir: string,
  options: { count: number; base: number; describe: (i: number) => string },
): Promise<Character[]> {
  const iso = isoFrom(options.base);
  const characters: Character[] = Array.from({ length: options.count }, (_, i) => ({
    id: newId(options.base + i),
    name: `Character ${i + 1}`,
    description: options.describe(i),
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
  return characters;
}

/** What a bench's poses vary: the pose's own fields besides ids, names, image file and timestamps. */
export type PoseShape = Pick<Pose, 'kind' | 'figures' | 'tags'> & {
  image: Pick<Pose['image'], 'width' | 'height' | 'sha256'>;
};

/**
 * `libraries` pose libraries of `perLibrary` poses each, every pose image being `png`. `shape(p)` gives
 * pose p's kind, figures, tags and image size; `onPose` runs for each (e.g. to write its thumbnail).
 * Returns the pose ids in order.
 */
export async function writePoseLibraries(
  projectDir: string,
  options: {
    libraries: number;
    perLibrary: number;
    base: number;
    png: Buffer;
    shape: (p: number) => PoseShape;
    onPose?: (imageId: string, p: number) => Promise<void>;
  },
): Promise<string[]> {
  const { base, png } = options;
  const iso = isoFrom(base);
  const poseIds: string[] = [];
  for (let l = 0; l < options.libraries; l++) {
    const id = newId(base + 1000 + l);
    const dir = join(projectDir, 'poses', id);
    await mkdir(dir, { recursive: true });
    const library: PoseLibrary = {
      id,
      name: `Library ${l + 1}`,
      tags: [],
      poses: [],
      createdAt: iso(l),
      updatedAt: iso(l),
    };
    for (let p = 0; p < options.perLibrary; p++) {
      const imageId = newId(base + 2000 + l * 100 + p);
      const poseId = newId(base + 3000 + l * 100 + p);
      poseIds.push(poseId);
      await writeFile(join(dir, `${imageId}.png`), png);
      await options.onPose?.(imageId, p);
      const shape = options.shape(p);
      library.poses.push({
        id: poseId,
        name: `Pose ${l + 1}.${p + 1}`,
        kind: shape.kind,
        image: {
          id: imageId,
          file: `poses/${id}/${imageId}.png`,
          originalName: `pose-${p + 1}.png`,
          width: shape.image.width,
          height: shape.image.height,
          format: 'png',
          bytes: png.length,
          sha256: shape.image.sha256,
        },
        figures: shape.figures,
        tags: shape.tags,
        createdAt: iso(p),
      });
    }
    await writeFile(join(dir, 'library.json'), JSON.stringify(library, null, 2));
  }
  return poseIds;
}

/** What a bench's results vary, decided per result (in order, from the fixture's seeded random numbers). */
export interface ResultShape {
  width: number;
  height: number;
  /** Receipt details besides seed, prompt, pose, timings and job. */
  receipt: Omit<ReceiptOptions, 'seed' | 'prompt' | 'poseId' | 'timings' | 'jobId' | 'headers'> & {
    headers?: Omit<NonNullable<ReceiptOptions['headers']>, 'seed' | 'requestId'>;
  };
}

/**
 * `count` results with realistic receipts and reviews, each written as `jpeg` plus its JSON.
 * `shape(i)` may draw from `random` before the review does; `onResult` runs for each (e.g. thumbnails).
 */
export async function writeResults(
  projectDir: string,
  options: {
    count: number;
    base: number;
    random: () => number;
    characters: Character[];
    poseIds: string[];
    jpeg: Buffer;
    shape: (i: number) => ResultShape;
    onResult?: (id: string, i: number) => Promise<void>;
  },
): Promise<void> {
  const { base, random, characters, poseIds } = options;
  const iso = isoFrom(base);
  const ids = Array.from({ length: options.count }, (_, i) => newId(base + 10_000 + i * 1000));
  await mapWithConcurrency(ids, 32, async (id, i) => {
    const character = characters[Math.floor(random() * characters.length)] as Character;
    const seed = 1_000_000_000 + Math.floor(random() * 4_000_000_000);
    const shape = options.shape(i);
    const result: Result = {
      id,
      createdAt: iso(10_000 + i * 1000),
      file: `results/${id}.jpg`,
      width: shape.width,
      height: shape.height,
      modelId: DEFAULT_MODEL_ID,
      characterId: character.id,
      poseId: poseIds[Math.floor(random() * poseIds.length)] as string,
      receipt: v1Receipt({
        ...shape.receipt,
        seed,
        prompt: `${V1_PROMPT_PREFIX}, ${character.description}, ${character.styleWords}`,
        poseId: poseIds[0] as string,
        headers: { ...shape.receipt.headers, seed, requestId: `req-${i}`, generationTime: '38.2' },
        timings: { queuedAt: iso(i), submittedAt: iso(i), completedAt: iso(i), durationMs: 38_200 },
        jobId: newId(base + i),
      }),
      review: {
        rating: Math.floor(random() * 6),
        flag: (['none', 'pick', 'reject'] as const)[Math.floor(random() * 3)] ?? 'none',
        tags: random() < 0.3 ? ['keeper'] : [],
      },
    };
    await writeFile(join(projectDir, 'results', `${id}.jpg`), options.jpeg);
    await writeFile(join(projectDir, 'results', `${id}.json`), JSON.stringify(result, null, 2));
    await options.onResult?.(id, i);
  });
}

// -- running a bench alone -----------------------------------------------------------------------------

/** Runs `bench` when `moduleUrl` is the script node was started with, printing its lines. */
export function runWhenMain(moduleUrl: string, bench: () => Promise<{ lines: string[]; ok: boolean }>): void {
  if (moduleUrl !== pathToFileURL(process.argv[1] ?? '').href) return;
  bench()
    .then(({ lines, ok }) => {
      for (const line of lines) console.log(line);
      process.exitCode = ok ? 0 : 1;
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
