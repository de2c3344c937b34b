import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../domain';
import { workspaceFor } from '../../library/workspace';
import type { ProjectSources } from '../generation/project-sources';

/**
 * The generation pipeline's ProjectSources over the workspace stores: characters and poses as the UI
 * sees them (trashed ones are NOT_FOUND), and commits that write the image first, then the receipt,
 * then the index and thumbnail, so the gallery shows the result at once. Committing the same result
 * twice (a retry after a crash) is harmless: the second call finds it in and does nothing.
 */
export const workspaceProjectSources: ProjectSources = {
  character: (project, id) => workspaceFor(project).characters.get(id),
  async pose(project, id) {
    const found = await workspaceFor(project).poses.findPose(id);
    if (!found) throw new AppError('NOT_FOUND', 'That pose is not in the project (it may be in the trash).');
    return { pose: found.pose, file: join(project.root, ...found.pose.image.file.split('/')) };
  },
  result: (project, id) => workspaceFor(project).results.get(id),
  async commitResult(project, result, imageFile) {
    const ws = workspaceFor(project);
    if (await ws.results.has(result.id)) return;
    await ws.results.add(result, await readFile(imageFile));
  },
};
