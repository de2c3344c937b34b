import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AppError, CharacterSchema, PoseLibrarySchema, ResultSchema, type Character, type Pose, type Result } from '../../domain';
import { writeJsonAtomic } from '../../library/atomic-write';
import { readJsonFile } from '../../library/json-file';
import type { ProjectHandle } from '../../library/project-store';
import type { ProjectSources } from './project-sources';

/**
 * ProjectSources straight over the project's files (interim: the workspace stores replace it).
 */
export const fileProjectSources: ProjectSources = {
  async character(project, id): Promise<Character> {
    const read = await readJsonFile(project.layout.characterFile(id), CharacterSchema);
    if (!read.ok) throw new AppError('NOT_FOUND', 'That character is not in the project (it may be in the trash).');
    return read.value;
  },
  async pose(project, id): Promise<{ pose: Pose; file: string }> {
    const libraries = await readdir(project.layout.posesDir).catch(() => []);
    for (const libraryId of libraries) {
      const read = await readJsonFile(project.layout.poseLibraryFile(libraryId), PoseLibrarySchema);
      const pose = read.ok ? read.value.poses.find((p) => p.id === id) : undefined;
      if (pose) return { pose, file: join(project.root, pose.image.file) };
    }
    throw new AppError('NOT_FOUND', 'That pose is not in the project (it may be in the trash).');
  },
  async result(project, id): Promise<Result> {
    const read = await readJsonFile(join(project.layout.resultsDir, `${id}.json`), ResultSchema);
    if (!read.ok) throw new AppError('NOT_FOUND', 'That result is not in the project.');
    return read.value;
  },
  async commitResult(project: ProjectHandle, result: Result, imageFile: string): Promise<void> {
    const target = join(project.root, result.file);
    await mkdir(dirname(target), { recursive: true });
    await copyFile(imageFile, target);
    await writeJsonAtomic(join(project.layout.resultsDir, `${result.id}.json`), result);
  },
};
