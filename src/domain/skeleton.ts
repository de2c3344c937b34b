/**
 * OpenPose skeletons (COCO-18 body keypoints, with hands and face kept when present), as a pose holds
 * them. Coordinates are in the canvas's pixels (not normalised): a figure's box, a cut and the rendering
 * are all measured in pixels, and the canvas size says what the pixels are of. A missing keypoint is
 * `null` (OpenPose writes it `0, 0, 0`); it is kept, not dropped, so indexes keep their meaning.
 *
 * The format and the standard rendering: ../../../shared/OPENPOSE.md. The geometry and transforms live
 * in src/skeleton, the rasteriser's PNG encoding in src/images/render-skeleton.ts.
 */
import { z } from 'zod';

/** COCO-18 body keypoints, in OpenPose's order (index: name). */
export const BODY_KEYPOINT_NAMES = [
  'nose',
  'neck',
  'right shoulder',
  'right elbow',
  'right wrist',
  'left shoulder',
  'left elbow',
  'left wrist',
  'right hip',
  'right knee',
  'right ankle',
  'left hip',
  'left knee',
  'left ankle',
  'right eye',
  'left eye',
  'right ear',
  'left ear',
] as const;
export const BODY_KEYPOINT_COUNT = 18;
/** OpenPose hands have 21 points (wrist, then four per finger from the thumb). */
export const HAND_KEYPOINT_COUNT = 21;
/** OpenPose faces have 70 points (the 68 iBUG landmarks and two pupils); DWPose writes 68. */
export const MAX_FACE_KEYPOINTS = 70;
/**
 * The largest canvas side a skeleton may claim: four times any sheet a model is sent. Drawn at 8192 x 8192
 * a skeleton takes 1.4 s and 200 MB of pixels; twice that side passes sharp's own pixel limit.
 */
export const MAX_CANVAS_SIDE = 8192;
/** More figures than any sheet the model draws well; the cap keeps a hostile file from costing much. */
export const MAX_FIGURES = 64;

/**
 * How far off its canvas a keypoint may lie, in pixels either way: a figure may reach past the edge, but
 * a point millions of pixels away is damage, and bounding it keeps every sum the rendering makes exact.
 */
export const MAX_KEYPOINT_COORDINATE = 4 * MAX_CANVAS_SIDE;

const coordinate = z.number().finite().min(-MAX_KEYPOINT_COORDINATE).max(MAX_KEYPOINT_COORDINATE);
/** A keypoint's place in canvas pixels (fractions allowed: the rendering truncates, as OpenPose's does). */
export const KeypointSchema = z.object({ x: coordinate, y: coordinate });
export type Keypoint = z.infer<typeof KeypointSchema>;

/** A keypoint, or null when it is missing (deleted, or not seen by the detector). */
export const MaybeKeypointSchema = KeypointSchema.nullable();
export type MaybeKeypoint = z.infer<typeof MaybeKeypointSchema>;

export const SkeletonFigureSchema = z.object({
  /** Exactly 18 entries, COCO-18 order (BODY_KEYPOINT_NAMES). */
  body: z.array(MaybeKeypointSchema).length(BODY_KEYPOINT_COUNT),
  /** OpenPose's `face_keypoints_2d`, kept when the source had it. */
  face: z.array(MaybeKeypointSchema).max(MAX_FACE_KEYPOINTS).optional(),
  /** `hand_left_keypoints_2d`: the person's left hand. */
  leftHand: z.array(MaybeKeypointSchema).length(HAND_KEYPOINT_COUNT).optional(),
  /** `hand_right_keypoints_2d`: the person's right hand. */
  rightHand: z.array(MaybeKeypointSchema).length(HAND_KEYPOINT_COUNT).optional(),
});
export type SkeletonFigure = z.infer<typeof SkeletonFigureSchema>;

export const CanvasSizeSchema = z.object({
  width: z.number().int().positive().max(MAX_CANVAS_SIDE),
  height: z.number().int().positive().max(MAX_CANVAS_SIDE),
});
export type CanvasSize = z.infer<typeof CanvasSizeSchema>;

/** One canvas and its figures: a single pose has one figure, a sheet several. */
export const SkeletonSchema = z.object({
  canvas: CanvasSizeSchema,
  figures: z.array(SkeletonFigureSchema).min(1).max(MAX_FIGURES),
});
export type Skeleton = z.infer<typeof SkeletonSchema>;
