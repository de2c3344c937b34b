import { join } from 'node:path';
import { GRID_THUMB_SIZE, type ImageFormat } from '../../images';
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

/** Thumbnails of results, poses and references; older projects' 256 px ones are remade in the background. */
export const THUMB_SIZE = GRID_THUMB_SIZE;

/** `.studio/thumbs/<imageId>.webp`, relative to the project root (what the UI passes to mediaUrl). */
export const thumbFileFor = (imageId: string): string => `.studio/thumbs/${imageId}.webp`;
export const thumbPathFor = (layout: ProjectLayout, imageId: string): string =>
  join(layout.thumbsDir, `${imageId}.webp`);

/**
 * What the project owns at its root: its JSON files and its content folders. Outputs (exports, contact
 * sheets) never go in or under these, where they could replace a paid result, a pose image or a receipt,
 * or be mistaken for one. The rest of the project folder is the person's own ("My book/For the editor").
 */
export const projectContentPaths = (layout: ProjectLayout): string[] => [
  layout.projectFile,
  layout.presetsFile,
  layout.charactersDir,
  layout.posesDir,
  layout.resultsDir,
  layout.trashDir,
  layout.studioDir,
];
