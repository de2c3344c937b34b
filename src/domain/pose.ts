import { z } from 'zod';
import { IdSchema, IsoDateSchema } from './ids';
import { ProvenanceSchema, StoredImageSchema, TagsSchema } from './character';
import { SkeletonSchema } from './skeleton';

/** A figure's bounding box in a pose sheet, in the sheet's pixels. */
export const BoxSchema = z.object({
  x: z.number().int().nonnegative(),
  y: z.number().int().nonnegative(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});
export type Box = z.infer<typeof BoxSchema>;

export const PoseKindSchema = z.enum(['sheet', 'single']);

export const PoseSchema = z.object({
  id: IdSchema,
  name: z.string().trim().min(1).max(200),
  kind: PoseKindSchema,
  image: StoredImageSchema,
  /** Figures found in the image; a sheet has several, a single pose one. */
  figures: z.array(BoxSchema).default([]),
  tags: TagsSchema.default([]),
  /**
   * The OpenPose keypoints the image was drawn from, when the pose was imported as JSON, composed or
   * added from the starter library. Its canvas is the image's size, and `figures` are its exact figure
   * boxes (src/skeleton/figure-box.ts), so cutting needs no detection.
   */
  skeleton: SkeletonSchema.optional(),
  createdAt: IsoDateSchema,
});
export type Pose = z.infer<typeof PoseSchema>;

/** One file per library (poses/<id>/library.json) holds the library and all its poses. */
export const PoseLibrarySchema = z.object({
  id: IdSchema,
  name: z.string().trim().min(1).max(200),
  tags: TagsSchema.default([]),
  poses: z.array(PoseSchema).default([]),
  /** Set on a copy brought from another project. */
  copiedFrom: ProvenanceSchema.optional(),
  createdAt: IsoDateSchema,
  updatedAt: IsoDateSchema,
});
export type PoseLibrary = z.infer<typeof PoseLibrarySchema>;
