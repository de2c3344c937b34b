import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `out` through a temp file beside it and a rename, so a reader (the gallery, the media
 * protocol) sees the old file or the new one, never half of one. Unlike the library's writeFileAtomic
 * there is no fsync: this is for rebuildable output (thumbnails in `.studio/`), where losing the last
 * file to a power cut is harmless and an fsync per thumbnail would cost more than making it.
 */
export async function writeReplacing(out: string, write: (tempFile: string) => Promise<void>): Promise<void> {
  const dir = dirname(out);
  // Keep the real extension last: sharp picks nothing from it, but tools listing the folder might.
  const temp = join(dir, `.${basename(out)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    // The folder is made only after a write fails: it is there for all but the first of thousands of
    // thumbnails, and a mkdir each cost an import about 0.3 ms of main thread per file. Then the write
    // is tried once more whatever failed (libvips' errors carry no errno, and a write beside this one
    // may have made the folder meanwhile): a broken image fails twice, which costs only its failure.
    await write(temp).catch(async () => {
      await mkdir(dir, { recursive: true });
      await write(temp);
    });
    await rename(temp, out);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
}
