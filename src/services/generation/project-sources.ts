import type { Character, Pose, Result } from '../../domain';
import type { ProjectHandle } from '../../library/project-store';

/**
 * What generation needs from a project's content, implemented by the workspace stores. A port, so the job
 * pipeline does not depend on how characters, poses and results are laid out on disk.
 */
export interface ProjectSources {
  character(project: ProjectHandle, id: string): Promise<Character>;
  /** The pose and the absolute path of its image. */
  pose(project: ProjectHandle, id: string): Promise<{ pose: Pose; file: string }>;
  result(project: ProjectHandle, id: string): Promise<Result>;
  /**
   * Records a new result: copies the image from `imageFile` into the project, writes its receipt (image
   * first, JSON second), makes its thumbnail and updates the index.
   */
  commitResult(project: ProjectHandle, result: Result, imageFile: string): Promise<void>;
}
