import { AppError } from '../../domain';
import type { Workspace } from '../../library/workspace';
import { sanitizeFileName } from '../../library/workspace/export';
import { formatOpenPoseJson } from '../../skeleton';

/**
 * `poses.exportSkeleton`: a pose's keypoints as an OpenPose / ControlNet JSON file (pixels, or
 * normalised to 0..1), with the file name to save it under. A pose that is only a picture has none.
 */
export async function exportSkeletonJson(
  w: Workspace,
  poseId: string,
  normalised: boolean,
): Promise<{ fileName: string; json: string }> {
  const found = await w.poses.findPose(poseId);
  if (!found) throw new AppError('NOT_FOUND', 'That pose is not in any pose library.');
  const { pose } = found;
  if (!pose.skeleton) {
    throw new AppError(
      'INVALID_INPUT',
      `“${pose.name}” is a picture, not a skeleton: only poses imported as OpenPose JSON, composed in the app or added from the starter library have keypoints to export.`,
    );
  }
  return {
    fileName: `${sanitizeFileName(pose.name, 'pose')}.json`,
    json: formatOpenPoseJson(pose.skeleton, { normalised }),
  };
}
