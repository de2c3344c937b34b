import { z } from 'zod';
import { IdSchema, IsoDateSchema } from './ids';

export const ColorLabelSchema = z.enum(['none', 'red', 'orange', 'yellow', 'green', 'blue', 'purple']);
export type ColorLabel = z.infer<typeof ColorLabelSchema>;

export const TagsSchema = z.array(z.string().trim().min(1).max(60)).max(100);

/** An image stored in the project (a character reference, a pose). `file` is relative to the project root. */
export const StoredImageSchema = z.object({
  id: IdSchema,
  file: z.string(),
  /** The name the person's file had when it was imported; exports and tooltips use it. */
  originalName: z.string(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  format: z.string(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type StoredImage = z.infer<typeof StoredImageSchema>;

/**
 * Where a character or pose library was copied from (transfer.copy): the other project and the item
 * there. Recognising it is how a second copy of the same thing is skipped; the inspector shows it.
 */
export const ProvenanceSchema = z.object({
  projectId: IdSchema,
  projectName: z.string().max(200),
  itemId: IdSchema,
  copiedAt: IsoDateSchema,
});
export type Provenance = z.infer<typeof ProvenanceSchema>;

export const CharacterSchema = z.object({
  id: IdSchema,
  name: z.string().trim().min(1).max(120),
  /** Goes into the prompt: who the character is and what they wear. */
  description: z.string().max(4000).default(''),
  /** Goes into the prompt after the description: "2D illustration style", "watercolor". */
  styleWords: z.string().max(1000).default(''),
  /** When non-empty, replaces the model's default negative prompt. */
  negativePrompt: z.string().max(4000).default(''),
  referenceImages: z.array(StoredImageSchema).default([]),
  tags: TagsSchema.default([]),
  notes: z.string().max(20000).default(''),
  colorLabel: ColorLabelSchema.default('none'),
  /** Set on a copy brought from another project. */
  copiedFrom: ProvenanceSchema.optional(),
  createdAt: IsoDateSchema,
  updatedAt: IsoDateSchema,
});
export type Character = z.infer<typeof CharacterSchema>;
