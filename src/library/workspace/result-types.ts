import type { z } from 'zod';
import type { CutFromSchema, Result, Review } from '../../domain';

export type CutFrom = z.infer<typeof CutFromSchema>;

/**
 * What the generation code hands to `addResult`: a Result without what the store works out itself.
 * `file` defaults to results/<id>.<ext> with the extension from the image's bytes; `width`/`height` default to the
 * image's own (EXIF orientation applied); `review` defaults to unrated.
 */
export type ResultDraft = Omit<Result, 'file' | 'width' | 'height' | 'review'> & {
  /** Kept when it is `results/<id>.<ext>`; otherwise worked out from the bytes. */
  file?: string;
  width?: number;
  height?: number;
  review?: Review;
};
