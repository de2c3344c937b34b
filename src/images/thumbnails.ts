import { basename } from 'node:path';
import sharp, { type OutputInfo, type Sharp } from 'sharp';
import { AppError, isAppError } from '../domain/errors';
import { defaultThumbnailConcurrency, mapWithConcurrency } from './concurrency';
import { decodeOptions } from './decode-policy';
import { rejectImage, rejectingUnreadable } from './image-rejection';
import type { DecodedPixels } from './normalise-for-upload';
import { writeReplacing } from './replace-file';

/**
 * The grid's thumbnail size (longest side): its largest cells are 320 CSS px, so 640 keeps them sharp on a
 * 2x display. A 2048 px sheet still decodes at half size first (shrink-on-load); the larger WebP encode
 * is the difference from 256 px, kept down by a lower encoder effort (test/bench/thumbnails.ts).
 */
export const GRID_THUMB_SIZE = 640;

export interface ThumbnailOptions {
  /** The longest side of the thumbnail (default GRID_THUMB_SIZE). Never enlarged. */
  size?: number;
  /** Where to write the WebP. */
  out: string;
  /** WebP quality; 75 is libvips' and vipsthumbnail's default. */
  quality?: number;
}

export interface Thumbnail {
  file: string;
  width: number;
  height: number;
  bytes: number;
}

/**
 * A WebP thumbnail, aspect kept. The fast path matters (a 10,000-result project rebuilds its thumbnails
 * in one go): sequential read streams the file top to bottom instead of holding it, and
 * fastShrinkOnLoad lets the JPEG/WebP decoders shrink by 2/4/8 while decoding, so a 2048 px JPEG is
 * decoded at 1024 px (for 640) in the first place. libvips then finishes with a proper (high quality) reduce.
 */
export async function makeThumbnail(
  input: string | Uint8Array | DecodedPixels,
  options: ThumbnailOptions,
): Promise<Thumbnail> {
  const size = options.size ?? GRID_THUMB_SIZE;
  let info: OutputInfo | undefined;
  const name = typeof input === 'string' ? basename(input) : basename(options.out);
  await writeReplacing(options.out, async (temp) => {
    info = await rejectingUnreadable(name, () =>
      source(input)
        .resize({
          width: size,
          height: size,
          fit: 'inside',
          withoutEnlargement: true,
          fastShrinkOnLoad: true,
        })
        // Effort 2, not libvips' default 4: at 640 px the encode is most of the work, and effort 2 took
        // 45% less time for 7% larger files (same quality setting), so a result commits about as fast as
        // with the old 256 px thumbnails and an old project's thumbnails are remade sooner.
        .webp({ quality: options.quality ?? 75, effort: 2 })
        .toFile(temp),
    );
  });
  if (!info) throw new AppError('INTERNAL', 'The thumbnail was not written.');
  return { file: options.out, width: info.width, height: info.height, bytes: info.size };
}

/**
 * A file or its bytes, decoded under the one policy (first frame, oriented); or pixels an import has
 * decoded already (decodeForUpload: oriented, at most 2048 px), which are not decoded again. Either way
 * the thumbnail is the same picture; from pixels a JPEG simply misses the decoder's shrink-on-load.
 */
function source(input: string | Uint8Array | DecodedPixels): Sharp {
  if (typeof input === 'string' || input instanceof Uint8Array)
    return sharp(input, { ...decodeOptions(), sequentialRead: true, autoOrient: true, pages: 1 });
  const { width, height, channels } = input.info;
  return sharp(input.data, { raw: { width, height, channels } });
}

export interface ThumbnailJob extends ThumbnailOptions {
  input: string | Uint8Array;
}

export type ThumbnailOutcome = ({ ok: true } & Thumbnail) | { ok: false; out: string; error: AppError };

/**
 * Many thumbnails, `concurrency` at a time (default: one per core plus one; each sharp call is itself
 * single-threaded on glibc Linux, so this is what uses the cores). One unreadable image does not stop
 * the batch: each outcome says whether its thumbnail was made.
 */
export async function makeThumbnails(
  jobs: readonly ThumbnailJob[],
  concurrency: number = defaultThumbnailConcurrency(),
): Promise<ThumbnailOutcome[]> {
  return mapWithConcurrency(jobs, concurrency, async (job): Promise<ThumbnailOutcome> => {
    try {
      return { ok: true, ...(await makeThumbnail(job.input, job)) };
    } catch (error) {
      return { ok: false, out: job.out, error: thumbnailError(job, error) };
    }
  });
}

function thumbnailError(job: ThumbnailJob, error: unknown): AppError {
  if (isAppError(error)) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new AppError('DISK_FULL', 'The disk is full: thumbnails could not be saved.', { file: job.out });
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new AppError('PERMISSION_DENIED', 'The app may not write thumbnails into this folder.', {
      file: job.out,
    });
  }
  const name = typeof job.input === 'string' ? job.input : job.out;
  return rejectImage(name, 'damaged', `No thumbnail could be made for “${name}”: the image cannot be read.`);
}
