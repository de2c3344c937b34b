import type { Character, Pose, Result } from '../../domain';
import type { ProjectHandle } from '../../library/project-store';

/**
 * What generation needs from a project's content, implemented by the workspace stores. A port, so the job
 * pipeline does not depend on how characters, poses and results are laid out on disk.
 */
export interface ProjectSources {
  character(project: ProjectHandle, id: string): Promise<Character>;
  /**
   * The pose and its image's bytes, read from inside the project only (a link out of it is refused) and
   * checked against the hash recorded at import: these bytes, and no others, may be uploaded. Throws
   * PROJECT_DAMAGED when the file leads outside the project or is not the one recorded.
   */
  pose(project: ProjectHandle, id: string): Promise<{ pose: Pose; bytes: Uint8Array }>;
  /** One of a character's reference images, read and checked exactly as a pose's image is. */
  referenceImage(project: ProjectHandle, characterId: string, imageId: string): Promise<Uint8Array>;
  result(project: ProjectHandle, id: string): Promise<Result>;
  /**
   * Records a new result: copies the image from `imageFile` into the project, writes its receipt (image
   * first, JSON second), makes its thumbnail and updates the index.
   */
  commitResult(project: ProjectHandle, result: Result, imageFile: string): Promise<void>;
}
