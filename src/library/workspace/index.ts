/**
 * The workspace on disk: characters, pose libraries, results with their index cache, the trash and export.
 *
 * For the generation side, committing a result is one call:
 *   addResult(project, draft, imageBytes)   image first, then results/<id>.json, then the index
 *   hasResult(project, id)                  whether a job's result is already in (crash recovery)
 * (src/services/workspace/commit-result.ts wraps it and emits 'project.changed' for the UI.)
 */
export { addResult, hasResult, workspaceFor, Workspace, type PoseGeometry } from './workspace';
export type { ResultDraft } from './result-types';
export type { LoadReport } from './results/result-store';
export type { TaskControl } from './task-control';
export {
  exportResults,
  writeContactSheet,
  parametersText,
  sanitizeFileName,
  humanStem,
  uniqueStem,
} from './export';
export { repairThumbnails } from './thumbnail-repair';
export { viewCharacter, viewImage } from './character-store';
export { viewLibrary, viewPose } from './pose-store';
export { thumbFileFor } from './paths';
