import { DEFAULT_MAX_BYTES } from '../../images';

/**
 * What an archive from elsewhere may ask of this computer. Every number is checked against what the
 * archive declares (its central directory) before a byte is written, and the sizes again against what
 * its entries really hold while they are unpacked (a zip bomb declares little and inflates to much).
 *
 * Why these numbers:
 * - `maxEntries` 250,000: a project of 100,000 results is about 200,000 files (an image and a receipt
 *   each) plus its characters, pose libraries and trash, and such projects are expected (DESIGN.md). A
 *   lower cap would refuse the app's own archives; a higher one buys nothing.
 * - `maxEntryBytes` 200 MB: the largest image an import accepts (DEFAULT_MAX_BYTES); JSON files are
 *   read up to 64 MB anyway, so no file the app uses is larger.
 * - `maxTotalBytes` 64 GB in all, and never more than the free space of the disk it goes to (each file
 *   counted with a 4 KB block of overhead, so a million empty files cost what they really cost).
 * - `maxCompressionRatio` 200 for entries over 1 MB: project files are images (already compressed,
 *   ratio about 1) and JSON (about 5 to 20); deflate tops out near 1,032, which only bombs reach.
 */
export interface ArchiveLimits {
  maxEntries: number;
  maxEntryBytes: number;
  maxTotalBytes: number;
  maxCompressionRatio: number;
}

export const DEFAULT_ARCHIVE_LIMITS: Readonly<ArchiveLimits> = Object.freeze({
  maxEntries: 250_000,
  maxEntryBytes: DEFAULT_MAX_BYTES,
  maxTotalBytes: 64 * 1024 ** 3,
  maxCompressionRatio: 200,
});

/** Entries smaller than this are not held to the compression ratio: a small file's ratio says little. */
export const RATIO_CHECK_FROM_BYTES = 1024 * 1024;

/** What one unpacked file costs the disk beyond its bytes (a block), for the free-space check. */
export const PER_FILE_OVERHEAD_BYTES = 4096;
