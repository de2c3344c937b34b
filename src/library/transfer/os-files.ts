import { basename } from 'node:path';
import { AppError } from '../../domain';
import { firstFrameAsPng, inspectImage } from '../../images';
import { readContainedFile, resolveContainedFile } from '../contained-path';
import { idOfFileName } from '../workspace/in-flight';
import { IMAGE_FILE_NAME, thumbFileFor } from '../workspace/paths';

/**
 * The project files the OS may be handed (a drag out of the window, the clipboard): images in the
 * project's own folders, never its JSON or the `.studio/` cache. Each is resolved the contained way
 * (resolveContainedFile): a path that climbs out of the project, or a link that leads out of it, is
 * refused, so a renderer can only ever give the OS what the project holds.
 */
function assertShareable(relativePath: string): void {
  const segments = relativePath.replace(/\\/g, '/').split('/');
  if (segments[0] === '.studio' || !IMAGE_FILE_NAME.test(relativePath)) {
    throw new AppError('INVALID_INPUT', `${basename(relativePath)} is not an image of the project.`, {
      file: relativePath,
      reason: 'not-an-image',
    });
  }
}

/** The absolute paths of these project images, each checked to be inside the project. */
export async function resolveShareableFiles(root: string, files: readonly string[]): Promise<string[]> {
  const resolved: string[] = [];
  for (const file of files) {
    assertShareable(file);
    resolved.push(await resolveContainedFile(root, file, { encoded: false }));
  }
  return resolved;
}

/**
 * A project image as PNG bytes for the clipboard, after the import's check (format from the bytes, size
 * caps, a full decode): what reaches another app is a whole, sane image.
 */
export async function clipboardImage(
  root: string,
  file: string,
): Promise<{ png: Buffer; width: number; height: number }> {
  assertShareable(file);
  const bytes = await readContainedFile(root, file);
  const facts = await inspectImage(bytes, { fileName: basename(file) });
  return { png: await firstFrameAsPng(bytes), width: facts.width, height: facts.height };
}

/**
 * The icon shown under the pointer while files are dragged out: the first file's thumbnail (a 640 px
 * WebP in the cache) as PNG, which Electron's nativeImage reads; the image itself when the thumbnail is
 * not there. Main scales it down.
 */
export async function dragIcon(root: string, firstFile: string): Promise<Buffer> {
  const thumb = thumbFileFor(idOfFileName(basename(firstFile)));
  const bytes = await readContainedFile(root, thumb).catch(() => readContainedFile(root, firstFile));
  await inspectImage(bytes, { fileName: basename(firstFile) });
  return firstFrameAsPng(bytes);
}
