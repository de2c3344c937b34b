/**
 * OpenPose / ControlNet JSON in and out (OPENPOSE.md, "JSON"):
 *
 *   { "canvas_width": 1024, "canvas_height": 512,
 *     "people": [ { "pose_keypoints_2d": [x0, y0, c0, ...], "face_keypoints_2d": [...],
 *                   "hand_left_keypoints_2d": [...], "hand_right_keypoints_2d": [...] } ] }
 *
 * Reading accepts pixel or normalised (every |value| <= 1) coordinates, one or many people, BODY_25
 * bodies (converted to COCO-18) and a one-frame list as ComfyUI writes it. A point with confidence 0 is
 * missing and stays missing (null). Writing gives pixels by default, confidence 1 for every present point
 * (ControlNet's decoder drops anything below 1) and `0, 0, 0` for a missing one, so a file in that form
 * reads and writes back equal. Anything else gets an INVALID_INPUT error that says what is wrong.
 */
import { AppError } from '../domain/errors';
import {
  BODY_KEYPOINT_COUNT,
  HAND_KEYPOINT_COUNT,
  MAX_CANVAS_SIDE,
  MAX_FACE_KEYPOINTS,
  MAX_FIGURES,
  SkeletonSchema,
  type CanvasSize,
  type MaybeKeypoint,
  type Skeleton,
  type SkeletonFigure,
} from '../domain/skeleton';
import { keypointBounds } from './figure-box';
import { JOINT_RADIUS } from './openpose-style';
import { moveFigure } from './transforms';

/** No real pose file comes near this; a larger one is refused before it is parsed. */
export const MAX_OPENPOSE_JSON_BYTES = 4 * 1024 * 1024;

/** BODY_25 index of each COCO-18 keypoint (BODY_25 adds a mid hip at 8 and six foot points at 19..24). */
const COCO_FROM_BODY_25 = [0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18];

export interface ReadOpenPoseOptions {
  /** Used when the file has no `canvas_width` / `canvas_height` (plain OpenPose output lacks them). */
  canvas?: CanvasSize | undefined;
  /** Names the file in error messages. */
  name?: string | undefined;
}

export interface WriteOpenPoseOptions {
  /** Coordinates divided by the canvas size (0..1) instead of pixels. */
  normalised?: boolean | undefined;
}

export interface OpenPosePerson {
  pose_keypoints_2d: number[];
  face_keypoints_2d?: number[];
  hand_left_keypoints_2d?: number[];
  hand_right_keypoints_2d?: number[];
}

export interface OpenPoseJson {
  canvas_width: number;
  canvas_height: number;
  people: OpenPosePerson[];
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Raw triples of one keypoint array, before the canvas scale is known. */
interface RawPerson {
  body: number[];
  face?: number[];
  leftHand?: number[];
  rightHand?: number[];
}

/** Parses the JSON text of an OpenPose / ControlNet pose file into a skeleton. */
export function parseOpenPoseJson(text: string, options: ReadOpenPoseOptions = {}): Skeleton {
  const what = options.name ? `“${options.name}”` : 'The pose file';
  if (text.length > MAX_OPENPOSE_JSON_BYTES) {
    throw new AppError('INVALID_INPUT', `${what} is too large to be a pose file (over 4 MB).`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError(
      'INVALID_INPUT',
      `${what} is not valid JSON, so it cannot be read as an OpenPose file.`,
    );
  }
  return readOpenPose(value, options);
}

/** Reads an already parsed OpenPose / ControlNet value into a skeleton. */
export function readOpenPose(value: unknown, options: ReadOpenPoseOptions = {}): Skeleton {
  const what = options.name ? `“${options.name}”` : 'The pose file';
  const fail = (why: string): never => {
    throw new AppError('INVALID_INPUT', `${what} is not an OpenPose file the app can read: ${why}.`);
  };

  // ComfyUI writes a list with one entry per frame.
  if (Array.isArray(value)) {
    if (value.length !== 1) fail(`it holds ${value.length} frames, and one pose (one frame) is expected`);
    value = value[0];
  }
  if (!isRecord(value)) return fail('it has no “people” list');
  const people = value['people'];
  if (!Array.isArray(people)) return fail('it has no “people” list');
  if (people.length > MAX_FIGURES) fail(`it has ${people.length} people; at most ${MAX_FIGURES} are read`);

  const canvas = canvasOf(value, options.canvas, fail);
  const raw = people.map((person, i) => rawPerson(person, i, fail));

  // Normalised when every coordinate is within [-1, 1] (OPENPOSE.md): the ControlNet encoder's rule.
  const coordinates = raw.flatMap((p) =>
    [p.body, p.face, p.leftHand, p.rightHand].flatMap((a) => (a ? coordinatesOf(a) : [])),
  );
  const normalised = coordinates.every((v) => Math.abs(v) <= 1);
  const sx = normalised ? canvas.width : 1;
  const sy = normalised ? canvas.height : 1;

  const figures = raw
    .map((p) => toFigure(p, sx, sy))
    // A person with no keypoint at all draws nothing and has no box: there is no figure to keep.
    .filter((f) => hasAnyPoint(f));
  if (figures.length === 0) fail('it has no person with any keypoint');
  const parsed = SkeletonSchema.safeParse({ canvas, figures });
  if (!parsed.success) return fail('its keypoints are out of range');
  return parsed.data;
}

function canvasOf(
  value: Record<string, unknown>,
  fallback: CanvasSize | undefined,
  fail: (why: string) => never,
): CanvasSize {
  const w = value['canvas_width'];
  const h = value['canvas_height'];
  if (w === undefined && h === undefined) {
    if (!fallback) fail('it has no canvas_width and canvas_height, and no image size was given with it');
    return fallback as CanvasSize;
  }
  const side = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= MAX_CANVAS_SIDE;
  if (!side(w) || !side(h)) {
    fail(`its canvas size must be whole numbers of pixels from 1 to ${MAX_CANVAS_SIDE}`);
  }
  return { width: w as number, height: h as number };
}

function rawPerson(person: unknown, index: number, fail: (why: string) => never): RawPerson {
  const who = `person ${index + 1}`;
  if (!isRecord(person)) fail(`${who} is not an object`);
  const p = person as Record<string, unknown>;
  const numbers = (key: string, counts: readonly number[], required: boolean): number[] | undefined => {
    const v = p[key];
    if (v === undefined || v === null || (Array.isArray(v) && v.length === 0 && !required)) {
      if (required) fail(`${who} has no ${key}`);
      return undefined;
    }
    if (!Array.isArray(v)) return fail(`${who}'s ${key} is not a list of numbers`);
    if (!v.every((n) => typeof n === 'number' && Number.isFinite(n))) {
      fail(`${who}'s ${key} holds something other than finite numbers`);
    }
    if (v.length % 3 !== 0 || !counts.includes(v.length / 3)) {
      fail(`${who}'s ${key} has ${v.length} numbers; ${counts.map((c) => c * 3).join(' or ')} expected`);
    }
    return v as number[];
  };
  const body = numbers('pose_keypoints_2d', [BODY_KEYPOINT_COUNT, 25], true) as number[];
  const out: RawPerson = {
    body: body.length === 25 * 3 ? COCO_FROM_BODY_25.flatMap((i) => body.slice(i * 3, i * 3 + 3)) : body,
  };
  const faceCounts = Array.from({ length: MAX_FACE_KEYPOINTS }, (_, i) => i + 1);
  const face = numbers('face_keypoints_2d', faceCounts, false);
  const leftHand = numbers('hand_left_keypoints_2d', [HAND_KEYPOINT_COUNT], false);
  const rightHand = numbers('hand_right_keypoints_2d', [HAND_KEYPOINT_COUNT], false);
  if (face) out.face = face;
  if (leftHand) out.leftHand = leftHand;
  if (rightHand) out.rightHand = rightHand;
  return out;
}

/** The x and y of every present point (confidence above 0) of a triple list. */
function coordinatesOf(triples: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i + 2 < triples.length; i += 3) {
    if ((triples[i + 2] ?? 0) > 0) out.push(triples[i] ?? 0, triples[i + 1] ?? 0);
  }
  return out;
}

function toPoints(triples: readonly number[], sx: number, sy: number): MaybeKeypoint[] {
  const out: MaybeKeypoint[] = [];
  for (let i = 0; i + 2 < triples.length; i += 3) {
    const c = triples[i + 2] ?? 0;
    out.push(c > 0 ? { x: (triples[i] ?? 0) * sx, y: (triples[i + 1] ?? 0) * sy } : null);
  }
  return out;
}

function toFigure(p: RawPerson, sx: number, sy: number): SkeletonFigure {
  const figure: SkeletonFigure = { body: toPoints(p.body, sx, sy) };
  if (p.face) figure.face = toPoints(p.face, sx, sy);
  if (p.leftHand) figure.leftHand = toPoints(p.leftHand, sx, sy);
  if (p.rightHand) figure.rightHand = toPoints(p.rightHand, sx, sy);
  return figure;
}

function hasAnyPoint(f: SkeletonFigure): boolean {
  return [f.body, f.face ?? [], f.leftHand ?? [], f.rightHand ?? []].some((a) => a.some((p) => p !== null));
}

/** A skeleton as an OpenPose / ControlNet JSON value (missing points `0, 0, 0`, present ones confidence 1). */
export function toOpenPoseJson(skeleton: Skeleton, options: WriteOpenPoseOptions = {}): OpenPoseJson {
  // Divided, not multiplied by the reciprocal: x / w is the exact inverse of reading's x * w.
  const sx = options.normalised ? skeleton.canvas.width : 1;
  const sy = options.normalised ? skeleton.canvas.height : 1;
  const triples = (points: readonly MaybeKeypoint[]): number[] =>
    points.flatMap((p) => (p === null ? [0, 0, 0] : [p.x / sx, p.y / sy, 1]));
  return {
    canvas_width: skeleton.canvas.width,
    canvas_height: skeleton.canvas.height,
    people: skeleton.figures.map((f) => {
      const person: OpenPosePerson = { pose_keypoints_2d: triples(f.body) };
      if (f.face) person.face_keypoints_2d = triples(f.face);
      if (f.leftHand) person.hand_left_keypoints_2d = triples(f.leftHand);
      if (f.rightHand) person.hand_right_keypoints_2d = triples(f.rightHand);
      return person;
    }),
  };
}

/** The JSON text of `toOpenPoseJson`, indented for people to read. */
export function formatOpenPoseJson(skeleton: Skeleton, options: WriteOpenPoseOptions = {}): string {
  return `${JSON.stringify(toOpenPoseJson(skeleton, options), null, 2)}\n`;
}

/**
 * The skeleton's figures as separate one-figure skeletons (import with `split`). Each gets a canvas of
 * its own, its keypoints plus a margin of a tenth of its longer side (and the joint radius) all round,
 * so a single pose is the figure, not a mostly empty sheet with the figure in one corner.
 */
export function splitFigures(skeleton: Skeleton): Skeleton[] {
  return skeleton.figures.flatMap((figure) => {
    const b = keypointBounds(figure);
    if (!b) return [];
    const margin = Math.round(0.1 * Math.max(b.maxX - b.minX, b.maxY - b.minY)) + JOINT_RADIUS;
    const left = Math.floor(b.minX) - margin;
    const top = Math.floor(b.minY) - margin;
    const canvas = {
      width: Math.min(MAX_CANVAS_SIDE, Math.ceil(b.maxX) + margin + 1 - left),
      height: Math.min(MAX_CANVAS_SIDE, Math.ceil(b.maxY) + margin + 1 - top),
    };
    return [{ canvas, figures: [moveFigure(figure, -left, -top)] }];
  });
}
