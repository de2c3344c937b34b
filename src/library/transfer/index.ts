/**
 * Transfer: what leaves the project for the OS (a drag out of the window, the clipboard) and what comes
 * into it from another project (characters and pose libraries with their images, with provenance).
 */
export { clipboardImage, dragIcon, resolveShareableFiles } from './os-files';
export { openSourceProject, type SourceProject } from './source-project';
export { copyFromProject, type CopyChoice, type CopyReport } from './copy-items';
export { OriginIndex, originKeys, posesAddedSince, type Traceable } from './provenance';
