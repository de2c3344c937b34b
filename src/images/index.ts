/**
 * src/images: everything the app does to pixels, on sharp (libvips). Node-only.
 *
 *   inspectImage        the gate for every imported image (format from bytes, caps, full decode);
 *                       inspectAndDecode keeps the decoded pixels for the import's other steps
 *   decodesToEnd        whether bytes a server sent are a whole image (its format and size)
 *   orientedImageSize   an image's size from its header, EXIF orientation applied
 *   normaliseForUpload  a pose sheet as the exact bytes sent as the API's `image`
 *   makeThumbnail(s)    WebP thumbnails, fast path, written atomically
 *   findFigures(InPixels) the figures' boxes in a pose sheet (from its bytes, or pixels decoded already)
 *   cutFigures          a result sheet cut into single poses
 *   embed/readParameters, formatA1111Parameters, parseA1111Parameters   A1111-style metadata for export
 *   makeContactSheet    a captioned grid of images
 *   renderSkeletonPng   OpenPose keypoints drawn as the standard rendering, as PNG
 *   firstFrameAsPng     an image's first frame as PNG (export)
 *   sha256, sha256File  content hashes
 */
export {
  inspectImage,
  inspectAndDecode,
  type InspectOptions,
  type ImageFacts,
  type InspectedImage,
} from './inspect-image';
export { orientedImageSize } from './image-size';
export { decodesToEnd } from './decodes-to-end';
export { sniffFormat, type ImageFormat, type Sniffed } from './sniff-format';
export type { RejectionReason } from './image-rejection';
export { DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS } from './decode-policy';
export {
  normaliseForUpload,
  DEFAULT_UPLOAD_MAX_SIDE,
  type DecodedPixels,
  type NormaliseOptions,
  type NormalisedImage,
} from './normalise-for-upload';
export {
  GRID_THUMB_SIZE,
  makeThumbnail,
  makeThumbnails,
  type Thumbnail,
  type ThumbnailJob,
  type ThumbnailOptions,
  type ThumbnailOutcome,
} from './thumbnails';
export {
  FIGURE_ANALYSIS_SIZE,
  findFigures,
  findFiguresInPixels,
  type FindFiguresOptions,
} from './find-figures';
export { sortInReadingOrder } from './reading-order';
export { cutFigures, scaleBox, type CutFigure, type CutOptions, type SheetScale } from './cut-figures';
export { embedParameters, readParameters, PARAMETERS_KEYWORD } from './embed-parameters';
export {
  formatA1111Parameters,
  parseA1111Parameters,
  type A1111Parameters,
  type ParsedA1111Parameters,
} from './a1111-parameters';
export {
  makeContactSheet,
  contactSheetLayout,
  printSheetOptions,
  PAPER_PX,
  PRINT_DPI,
  PRINT_CAPTION_PX,
  type PaperSize,
  type PrintTarget,
  type ContactSheet,
  type ContactSheetItem,
  type ContactSheetOptions,
} from './contact-sheet';
export { firstFrameAsPng } from './first-frame-png';
export { renderSkeletonPng, type RenderedSkeleton } from './render-skeleton';
export { sha256, sha256File } from './sha256';
export { mapWithConcurrency, defaultImageConcurrency, defaultThumbnailConcurrency } from './concurrency';
