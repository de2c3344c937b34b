import { join } from 'node:path';
import type { ImageFormat } from '../../images';
import type { ProjectLayout } from '../project-layout';

/** The extension an accepted image is stored under: from its bytes, never from the name it came with. */
export const extensionFor: Record<ImageFormat, string> = {
  png: 'png',
  jpeg: 'jpg',
  webp: 'webp',
  avif: 'avif',
  tiff: 'tif',
  gif: 'gif',
};

/** File names a folder walk picks up. HEIC is included so the person hears why it cannot be used. */
export const IMAGE_FILE_NAME = /\.(png|jpe?g|jfif|webp|avif|tiff?|gif|heic|heif)$/i;

export const THUMB_SIZE = 256;

/** `.studio/thumbs/<imageId>.webp`, relative to the project root (what the UI passes to mediaUrl). */
export const thumbFileFor = (imageId: string): string => `.studio/thumbs/${imageId}.webp`;
export const thumbPathFor = (layout: ProjectLayout, imageId: string): string =>
  join(layout.thumbsDir, `${imageId}.webp`);
