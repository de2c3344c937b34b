import { readFile } from 'node:fs/promises';
import { AppError, type StoredImage } from '../../domain';
import type { ProjectHandle } from '../../library/project-store';
import { readRecordedFile } from '../../library/contained-path';
import { workspaceFor } from '../../library/workspace';
import { readFault } from '../../library/workspace/fs-utils';
import type { ProjectSources } from '../generation/project-sources';

/**
 * The generation pipeline's ProjectSources over the workspace stores: characters and poses as the UI
 * sees them (trashed ones are NOT_FOUND), images read through the project's one contained read path and
 * checked against their recorded hashes, and commits that write the image first, then the receipt,
 * then the index and thumbnail, so the gallery shows the result at once. Committing the same result
 * twice (a retry after a crash) is harmless: the second call finds it in and does nothing.
 */
export const workspaceProjectSources: ProjectSources = {
  character: (project, id) => workspaceFor(project).characters.get(id),
  async pose(project, id) {
    const found = await workspaceFor(project).poses.findPose(id);
    if (!found) throw new AppError('NOT_FOUND', 'That pose is not in the project (it may be in the trash).');
    const { pose } = found;
    return { pose, bytes: await readImage(project, pose.image, `The pose “${pose.name}”`) };
  },
  async referenceImage(project, characterId, imageId) {
    const character = await workspaceFor(project).characters.get(characterId);
    const image = character.referenceImages.find((i) => i.id === imageId);
    if (!image) throw new AppError('NOT_FOUND', `That reference image is not one of ${character.name}’s.`);
    return readImage(project, image, `${character.name}’s reference “${image.originalName}”`);
  },
  result: (project, id) => workspaceFor(project).results.get(id),
  async commitResult(project, result, imageFile) {
    const ws = workspaceFor(project);
    if (await ws.results.has(result.id)) return;
    await ws.results.add(result, await readFile(imageFile));
  },
};

/**
 * A pose's or reference's image for an upload (readRecordedFile: contained, hash-checked). Only a file
 * that is not there is reported missing: one the disk failed to read is IO_ERROR, or PERMISSION_DENIED
 * for a refused read, so the person tries again instead of importing the picture again.
 */
async function readImage(project: ProjectHandle, image: StoredImage, what: string): Promise<Buffer> {
  try {
    return await readRecordedFile(project.root, image, what);
  } catch (error) {
    const described = `the image file of ${what.charAt(0).toLowerCase()}${what.slice(1)}`;
    throw readFault(error, described) ?? error;
  }
}
