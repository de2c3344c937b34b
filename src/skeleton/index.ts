/**
 * src/skeleton: OpenPose skeletons, pure and isomorphic (the schema is in src/domain/skeleton.ts, the
 * PNG encoding in src/images/render-skeleton.ts).
 *
 *   figureBox(es), keypointBounds      a figure's exact box: what the standard rendering draws of it
 *   move/scale/rotate/mirrorFigure     transforms of one figure (mirror swaps left and right keypoints)
 *   clampToCanvas, deleteKeypoint, dropFacePoints   the editor's rules
 *   parseOpenPoseJson, readOpenPose    OpenPose / ControlNet JSON in (pixels or normalised)
 *   toOpenPoseJson, formatOpenPoseJson JSON out
 *   splitFigures                       a sheet's figures as single poses
 *   drawSkeleton                       the standard rendering into a raw RGB buffer
 *   composeSheet, sheetCells           single poses laid out on a sheet (row or grid)
 *   STARTER_POSES, starterSkeleton     the starter pose library (keypoint data)
 */
export * from './openpose-style';
export * from './figure-box';
export * from './transforms';
export * from './openpose-json';
export { drawSkeleton, type RgbImage } from './draw';
export * from './starter-poses';
export * from './compose-sheet';
