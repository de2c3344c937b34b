/**
 * Project archives: the whole project folder as one zip (export-archive.ts) and a zip from elsewhere
 * unpacked into a new project folder (import-archive.ts), with the limits an untrusted archive is held to
 * (archive-limits.ts) and the rule for its entry names (entry-name.ts).
 */
export { exportProjectArchive, type ArchiveExportOptions, type ArchiveExportReport } from './export-archive';
export { importProjectArchive, type ArchiveImportOptions, type ArchiveImportReport } from './import-archive';
export { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from './archive-limits';
export { checkEntryName, type EntryName, type EntryNameRefusal } from './entry-name';
