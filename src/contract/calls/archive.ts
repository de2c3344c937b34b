/**
 * Project archives: the whole project as one zip, and a zip unpacked into a new project folder.
 *
 * Both are long work and follow the workspace's task conventions (calls/workspace.ts): an optional
 * `taskId` chosen by the UI, 'task.progress' events (kind 'export' or 'import', `done`/`total` counting
 * files), `tasks.cancel({ taskId })` to stop. A cancelled call resolves with `cancelled: true` and leaves
 * nothing behind: no half zip, no half-unpacked folder.
 */
import { z } from 'zod';
import { call } from '../define';
import { TaskIdSchema } from './workspace';

const PathSchema = z.string().min(1).max(4096);

export const archiveCalls = {
  /**
   * Writes the project as a zip at `file` (".zip" is added when missing): every file and folder of the
   * project folder except `.studio/` (the rebuildable cache: the results index is rebuilt from the
   * receipts when the archive is unpacked and opened). `dir` is the project folder, by default the open
   * one; a project opened read-only elsewhere can be exported. Links, pipes and devices are left out and
   * named in `skipped`. The zip is written to a hidden temp file beside `file` and renamed at the end.
   * An existing file is refused with ALREADY_EXISTS unless `overwrite`; a `file` inside the project's own
   * folders (results/, .studio/, ...) with INVALID_INPUT, reason 'inside-project'.
   */
  'projects.exportArchive': call(
    z
      .object({
        dir: PathSchema.optional(),
        file: PathSchema,
        overwrite: z.boolean().default(false),
        taskId: TaskIdSchema.optional(),
      })
      .strict(),
    z.object({
      /** The archive written; absent when cancelled. */
      file: z.string().optional(),
      files: z.number().int().nonnegative(),
      folders: z.number().int().nonnegative(),
      /** Bytes of the files before compression. */
      bytes: z.number().nonnegative(),
      skipped: z.array(z.object({ file: z.string(), reason: z.string() })),
      skippedCount: z.number().int().nonnegative(),
      cancelled: z.boolean(),
    }),
  ),
  /**
   * Unpacks the project archive `file` into the folder `dir`, which must not exist or be empty (anything
   * else is refused before the archive is read). The archive is untrusted: an entry that would land
   * outside the folder, a link, too many entries, a declared or actual size over the limits (a zip
   * bomb), a damaged or cut-short zip, or an image that fails the import check is refused as a whole:
   * INVALID_INPUT with detail.reason ('unsafe-entry', 'too-many-entries', 'too-large', 'size-mismatch',
   * 'damaged', 'not-a-project', ...) or IMAGE_REJECTED naming the image. Nothing is left behind then.
   * The project is not opened: call `projects.open({ dir })` with the answer's `dir`.
   */
  'projects.importArchive': call(
    z
      .object({
        file: PathSchema,
        dir: PathSchema,
        taskId: TaskIdSchema.optional(),
      })
      .strict(),
    z.object({
      /** The new project folder; absent when cancelled. */
      dir: z.string().optional(),
      /** The project's name, from the archive's project.json. */
      name: z.string().optional(),
      files: z.number().int().nonnegative(),
      folders: z.number().int().nonnegative(),
      bytes: z.number().nonnegative(),
      /** Images checked (every image in characters/, poses/, results/ and trash/). */
      images: z.number().int().nonnegative(),
      /** Entries left out: the `.studio/` cache and macOS `__MACOSX/` resource forks. */
      skipped: z.number().int().nonnegative(),
      cancelled: z.boolean(),
    }),
  ),
};
