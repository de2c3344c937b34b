import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { mapWithConcurrency } from '../../images';
import { writeJsonAtomic } from '../atomic-write';
import { readJsonFile } from '../json-file';
import type { ProjectLayout } from '../project-layout';
import { THUMB_SIZE, thumbPathFor } from './paths';

/** An image that should have a thumbnail, with its own size (a thumbnail is never larger). */
export interface WantedThumb {
  id: string;
  file: string;
  width: number;
  height: number;
}

/**
 * `.studio/thumbs-size.json`: says every thumbnail in the cache was checked to be THUMB_SIZE. It sits
 * beside the thumbs folder, not in it, so the folder holds thumbnails only. A cache without it (older
 * projects, or one thumbnails were copied into) is checked once by `findSmallThumbnails`.
 */
const markerPath = (layout: ProjectLayout): string => join(layout.studioDir, 'thumbs-size.json');

const MarkerSchema = z.object({ size: z.number() });

export async function isThumbCacheCurrent(layout: ProjectLayout): Promise<boolean> {
  const read = await readJsonFile(markerPath(layout), MarkerSchema).catch(() => null);
  return read?.ok === true && read.value.size >= THUMB_SIZE;
}

export async function markThumbCacheCurrent(layout: ProjectLayout): Promise<void> {
  // The marker only saves a later check: failing to write it (a read-only or full disk) is harmless.
  await writeJsonAtomic(markerPath(layout), { size: THUMB_SIZE }).catch(() => undefined);
}

/**
 * The thumbnails smaller than THUMB_SIZE allows for their image (256 px ones from before, on images
 * larger than that). Reads only each file's header; unreadable ones count as small, so they are remade.
 */
export async function findSmallThumbnails(
  layout: ProjectLayout,
  present: readonly WantedThumb[],
  signal?: AbortSignal,
): Promise<WantedThumb[]> {
  const small: WantedThumb[] = [];
  await mapWithConcurrency(present, 8, async (w) => {
    if (signal?.aborted) return;
    // Rounding in the resize can lose a pixel on the long side.
    const expected = Math.min(THUMB_SIZE, Math.max(w.width, w.height)) - 1;
    const size = await webpSize(thumbPathFor(layout, w.id));
    if (!size || Math.max(size.width, size.height) < expected) small.push(w);
  });
  return small;
}

/**
 * A WebP's size from its first 30 bytes (RIFF header and the first chunk: VP8X, VP8 or VP8L), null when
 * it is not a WebP we can read. Cheaper than asking libvips, whose cache also keys on the file name and
 * could answer for a thumbnail since replaced.
 */
export async function webpSize(file: string): Promise<{ width: number; height: number } | null> {
  let head: Buffer;
  try {
    const handle = await open(file, 'r');
    try {
      head = Buffer.alloc(30);
      const { bytesRead } = await handle.read(head, 0, 30, 0);
      if (bytesRead < 30) return null;
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
  if (head.toString('ascii', 0, 4) !== 'RIFF' || head.toString('ascii', 8, 12) !== 'WEBP') return null;
  const chunk = head.toString('ascii', 12, 16);
  if (chunk === 'VP8X') return { width: head.readUIntLE(24, 3) + 1, height: head.readUIntLE(27, 3) + 1 };
  // Lossy: a key frame's start code, then two 14-bit sizes (the top 2 bits are scaling).
  if (chunk === 'VP8 ' && head[23] === 0x9d && head[24] === 0x01 && head[25] === 0x2a)
    return { width: head.readUInt16LE(26) & 0x3fff, height: head.readUInt16LE(28) & 0x3fff };
  // Lossless: a signature byte, then width - 1 and height - 1 in 14 bits each.
  if (chunk === 'VP8L' && head[20] === 0x2f) {
    const bits = head.readUInt32LE(21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  return null;
}
