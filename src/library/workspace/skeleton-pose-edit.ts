/**
 * Saving an edited skeleton back into its pose (the skeleton editor's Save): the keypoints are drawn
 * again as the pose's image, and the figure boxes follow them exactly. The new image is written and
 * thumbnailed first, then the library records it (whole or not at all: writeImageThen), and only then
 * is the old image removed, so a failure at any step leaves the pose as it was.
 */
import { join } from 'node:path';
import type { PoseView } from '../../contract/calls/workspace';
import { AppError, PoseSchema, newId, type Pose, type Skeleton } from '../../domain';
import { renderSkeletonPng, sha256, type ImageFacts } from '../../images';
import { removeQuietly } from './fs-utils';
import { placeImage, writeImageThen } from './image-import';
import { thumbPathFor } from './paths';
import { viewPose } from './pose-store';
import { skeletonBoxes } from './skeleton-sources';
import type { Workspace } from './workspace';

export async function saveSkeleton(w: Workspace, poseId: string, skeleton: Skeleton): Promise<PoseView> {
  w.project.assertWritable();
  const found = await w.poses.findPose(poseId);
  if (!found) throw new AppError('NOT_FOUND', 'That pose is not in any pose library.');
  const libraryId = found.library.id;
  const before = found.pose;
  const { png, width, height } = await renderSkeletonPng(skeleton);
  const facts: ImageFacts = {
    format: 'png',
    width,
    height,
    bytes: png.length,
    sha256: sha256(png),
    hasAlpha: false,
    pages: 1,
  };
  const layout = w.project.layout;
  const imageId = newId();
  const { target, image } = placeImage(
    w.project.root,
    layout.poseLibraryDir(libraryId),
    imageId,
    `${before.name}.png`,
    facts,
  );
  let updated: Pose | undefined;
  await writeImageThen(layout, imageId, target, png, async () => {
    await w.poses.change(libraryId, (library) => {
      const pose = library.poses.find((p) => p.id === poseId);
      if (!pose) throw new AppError('NOT_FOUND', 'That pose was deleted meanwhile.');
      const figures = skeletonBoxes(skeleton, image);
      updated = PoseSchema.parse({
        ...pose,
        image,
        skeleton,
        figures,
        kind: figures.length >= 2 ? 'sheet' : 'single',
      });
      return { put: [updated] };
    });
  });
  if (!updated) throw new AppError('NOT_FOUND', 'That pose was deleted meanwhile.');
  // Nothing refers to the old picture any more (results name the pose, not its image file).
  await removeQuietly(join(w.project.root, before.image.file));
  await removeQuietly(thumbPathFor(layout, before.image.id));
  return viewPose(updated, libraryId);
}
