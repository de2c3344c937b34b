/**
 * Poses that come as keypoints, not pictures: OpenPose / ControlNet JSON files and the starter library.
 * Each is rendered here (the standard OpenPose rendering) to the PNG the pose keeps as its image, so the
 * rest of the app (thumbnails, generation, the gallery) sees an ordinary pose; the PNG's SHA-256 says
 * which skeleton it was drawn from, so the pose store keeps the skeleton with it and takes its figure
 * boxes from the keypoints, exactly, instead of detecting them.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { ImageSource, ImportFailure } from '../../contract/calls/workspace';
import { AppError, isAppError, type Box, type CanvasSize, type Skeleton } from '../../domain';
import { orientedImageSize, renderSkeletonPng, sha256 } from '../../images';
import {
  MAX_OPENPOSE_JSON_BYTES,
  STARTER_POSES,
  figureBoxes,
  parseOpenPoseJson,
  splitFigures,
  starterSkeleton,
  type StarterPose,
} from '../../skeleton';
import { storageFault } from '../storage-fault';

/** What a rendered PNG was drawn from: its skeleton and the tags its pose starts with. */
export interface DrawnPose {
  skeleton: Skeleton;
  tags: string[];
}

export interface SkeletonIntake {
  /** The sources to import as images: the pictures given, and a rendered PNG for each skeleton. */
  images: ImageSource[];
  /** Each rendered PNG, by its SHA-256. */
  drawn: Map<string, DrawnPose>;
  /** JSON files that could not be read as poses, named with the reason. */
  failed: ImportFailure[];
  /** How many JSON files were given, and how many PNGs they were drawn as: an import's total counts
   * the files a person gave, not the pictures drawn from them. */
  jsonFiles: number;
  drawnFromJson: number;
}

const emptyIntake = (): SkeletonIntake => ({
  images: [],
  drawn: new Map(),
  failed: [],
  jsonFiles: 0,
  drawnFromJson: 0,
});

const isJsonName = (name: string): boolean => extname(name).toLowerCase() === '.json';
const nameOf = (source: ImageSource): string =>
  'dataBase64' in source ? source.name : basename(source.path) || source.path;
const withoutExtension = (name: string): string => name.replace(/\.[^.]+$/, '').trim() || name;

/** The pose's exact figure boxes, in its image's pixels (the image is drawn at the skeleton's canvas). */
export function skeletonBoxes(skeleton: Skeleton, image: CanvasSize): Box[] {
  const sx = image.width / skeleton.canvas.width;
  const sy = image.height / skeleton.canvas.height;
  return figureBoxes(skeleton).map((b) => {
    if (sx === 1 && sy === 1) return b;
    const x = Math.floor(b.x * sx);
    const y = Math.floor(b.y * sy);
    const right = Math.min(image.width, Math.ceil((b.x + b.width) * sx));
    const bottom = Math.min(image.height, Math.ceil((b.y + b.height) * sy));
    return { x, y, width: Math.max(1, right - x), height: Math.max(1, bottom - y) };
  });
}

/**
 * Splits an import's sources into pictures and OpenPose JSON files (by name: `.json`), reads and
 * renders the JSON ones. A file with several people becomes one sheet named after the file, or with
 * `split` one single pose per person ("name 1", "name 2", ...). A JSON file without a canvas size takes
 * it from a picture of the same name beside it (name.png, .jpg, .jpeg, .webp), as OpenPose writes them.
 */
export async function skeletonSources(
  sources: readonly ImageSource[],
  options: { split?: boolean | undefined } = {},
): Promise<SkeletonIntake> {
  const intake = emptyIntake();
  for (const source of sources) {
    const name = nameOf(source);
    if (!isJsonName(name)) {
      intake.images.push(source);
      continue;
    }
    intake.jsonFiles++;
    try {
      const text = await readJsonSource(source, name);
      const canvas = 'path' in source ? await sizeOfPictureBeside(source.path) : undefined;
      const skeleton = parseOpenPoseJson(text, { name, canvas });
      const base = withoutExtension(name);
      const poses = options.split && skeleton.figures.length > 1 ? splitFigures(skeleton) : [skeleton];
      for (const [i, pose] of poses.entries()) {
        const poseName = poses.length > 1 ? `${base} ${i + 1}` : base;
        intake.images.push(await drawnSource(intake, `${poseName}.png`, { skeleton: pose, tags: [] }));
        intake.drawnFromJson++;
      }
    } catch (error) {
      intake.failed.push(failureOf(name, error));
    }
  }
  return intake;
}

/** The starter poses (all, or those whose keys are given) as sources to import, tagged with their kind and view. */
export async function starterSources(keys?: readonly string[]): Promise<SkeletonIntake> {
  const wanted = keys ? new Set(keys) : undefined;
  const unknown = keys?.filter((k) => !STARTER_POSES.some((p) => p.key === k)) ?? [];
  const intake = emptyIntake();
  for (const key of unknown) {
    intake.failed.push({ file: key, code: 'NOT_FOUND', message: `There is no starter pose “${key}”.` });
  }
  const poses = STARTER_POSES.filter((p: StarterPose) => !wanted || wanted.has(p.key));
  for (const pose of poses) {
    const tags = [...new Set([...pose.tags, pose.view, 'starter'])];
    intake.images.push(
      await drawnSource(intake, `${pose.name}.png`, { skeleton: starterSkeleton(pose), tags }),
    );
  }
  return intake;
}

/** One skeleton (a composed sheet) as a source to import under `name`. */
export async function oneSkeletonSource(
  name: string,
  skeleton: Skeleton,
  tags: string[] = [],
): Promise<SkeletonIntake> {
  const intake = emptyIntake();
  intake.images.push(await drawnSource(intake, `${name}.png`, { skeleton, tags }));
  return intake;
}

async function drawnSource(intake: SkeletonIntake, fileName: string, drawn: DrawnPose): Promise<ImageSource> {
  const { png } = await renderSkeletonPng(drawn.skeleton);
  intake.drawn.set(sha256(png), drawn);
  return { name: fileName, dataBase64: png.toString('base64') };
}

async function readJsonSource(source: ImageSource, name: string): Promise<string> {
  if ('dataBase64' in source) return Buffer.from(source.dataBase64, 'base64').toString('utf8');
  const info = await stat(source.path);
  if (!info.isFile()) throw Object.assign(new Error(`“${name}” is not a file.`), { code: 'EISDIR' });
  // Refused before it is read, with the parser's own words.
  if (info.size > MAX_OPENPOSE_JSON_BYTES) {
    throw new AppError('INVALID_INPUT', `“${name}” is too large to be a pose file (over 4 MB).`);
  }
  return readFile(source.path, 'utf8');
}

async function sizeOfPictureBeside(path: string): Promise<CanvasSize | undefined> {
  const base = withoutExtension(basename(path));
  for (const ext of ['.png', '.jpg', '.jpeg', '.webp', '.PNG', '.JPG', '.JPEG', '.WEBP']) {
    const bytes = await readFile(join(dirname(path), base + ext)).catch(() => undefined);
    if (!bytes) continue;
    const size = await orientedImageSize(bytes).catch(() => undefined);
    if (size) return { width: size.width, height: size.height };
  }
  return undefined;
}

function failureOf(name: string, error: unknown): ImportFailure {
  if (isAppError(error)) return { file: name, code: error.code, message: error.message };
  const errno = (error as NodeJS.ErrnoException | null)?.code ?? 'unknown error';
  switch (storageFault(error)) {
    case 'missing':
      return {
        file: name,
        code: 'NOT_FOUND',
        message: `“${name}” could not be found: it may have been moved or deleted.`,
      };
    case 'denied':
      return {
        file: name,
        code: 'PERMISSION_DENIED',
        message: `“${name}” could not be read: the app is not allowed to (${errno}).`,
      };
    default:
      return { file: name, code: 'IO_ERROR', message: `“${name}” could not be read (${errno}).` };
  }
}
