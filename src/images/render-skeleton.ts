import sharp from 'sharp';
import type { CanvasSize, Skeleton } from '../domain/skeleton';
import { drawSkeleton } from '../skeleton/draw';

export interface RenderedSkeleton {
  png: Buffer;
  width: number;
  height: number;
}

/**
 * A skeleton as the PNG the model is sent: the standard OpenPose rendering (src/skeleton/draw.ts) at
 * `size` (default: the skeleton's canvas). The pixels are drawn by hand into a raw buffer rather than
 * through an SVG, because an SVG rasteriser antialiases every edge and the standard rendering has none;
 * sharp only encodes them.
 */
export async function renderSkeletonPng(
  skeleton: Skeleton,
  size: CanvasSize = skeleton.canvas,
): Promise<RenderedSkeleton> {
  const img = drawSkeleton(skeleton, size);
  const png = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .png()
    .toBuffer();
  return { png, width: img.width, height: img.height };
}
