/**
 * Things leaving or entering the project other than by import and export:
 *
 * - **To the OS** (the clipboard, a drag out of the window). In the desktop app main does the OS work
 *   (Electron's `clipboard` and `webContents.startDrag`), so the renderer keeps no clipboard permission
 *   at all (main/security.ts denies every permission). Each call answers `supported: false` where the
 *   shell cannot do it (the browser host has no OS clipboard or native drag: the page uses what the
 *   browser offers instead). Files are named by their path relative to the open project, as the
 *   workspace's `file` fields give them; a path outside the project is refused (FORBIDDEN_SENDER or
 *   NOT_FOUND), so a renderer can never drag or copy an arbitrary file of the machine.
 * - **From another project** (characters and pose libraries, with their images; results stay behind).
 *   The other project is only read: opened without its lock, never written. Each copy keeps where it
 *   came from (`copiedFrom` on the character or library), and a second copy of the same thing is
 *   recognised by it and skipped.
 */
import { z } from 'zod';
import { IdSchema, IsoDateSchema } from '../../domain';
import { call } from '../define';
import { TaskIdSchema } from './workspace';

const PathSchema = z.string().min(1).max(4096);
/** A file inside the open project, relative to its root (`results/<id>.jpg`). */
const ProjectFileSchema = z.string().min(1).max(1024);

/** The most files one drag carries (a selection of a few hundred results is plenty for a drag). */
export const MAX_DRAG_FILES = 500;
/** "Copy parameters" copies a few KB; a megabyte is far beyond any receipt. */
export const MAX_CLIPBOARD_TEXT = 1_000_000;

/** One character or pose library of the other project, as the copy dialog lists it. */
export const TransferItemSchema = z.object({
  id: IdSchema,
  name: z.string(),
  /** Reference images of a character, poses of a library. */
  images: z.number().int().nonnegative(),
  tags: z.array(z.string()),
  updatedAt: IsoDateSchema,
  /**
   * Set when a copy of it is already in the open project (recognised by provenance). Copying it again
   * brings only `newPoses` across (a pose library's poses made since the two parted, in either
   * project); with none, it is skipped.
   */
  alreadyHere: z
    .object({ id: IdSchema, name: z.string(), newPoses: z.number().int().nonnegative().optional() })
    .optional(),
});
export type TransferItem = z.infer<typeof TransferItemSchema>;

/** What became of one chosen item. */
export const TransferOutcomeSchema = z.object({
  sourceId: IdSchema,
  name: z.string(),
  /**
   * 'copied': a new item `id`; 'updated': the copy made earlier, `id`, gained `images` poses made since;
   * 'already-here': the copy made earlier is `id`, nothing was written.
   */
  status: z.enum(['copied', 'updated', 'already-here']),
  id: IdSchema,
  images: z.number().int().nonnegative(),
});
export type TransferOutcome = z.infer<typeof TransferOutcomeSchema>;

export const transferCalls = {
  /** Puts text on the OS clipboard ("Copy parameters"). */
  'clipboard.writeText': call(
    z.object({ text: z.string().max(MAX_CLIPBOARD_TEXT) }).strict(),
    z.object({ supported: z.boolean() }),
  ),
  /**
   * Puts the image at `file` (inside the open project) on the OS clipboard as an image other apps can
   * paste. The file is read the contained way and decoded as an import checks it.
   */
  'clipboard.writeImage': call(
    z.object({ file: ProjectFileSchema }).strict(),
    z.object({
      supported: z.boolean(),
      width: z.number().int().positive().optional(),
      height: z.number().int().positive().optional(),
    }),
  ),
  /**
   * Starts an OS drag of these files (inside the open project) from the app window, so they can be
   * dropped on the desktop, a folder or another app. Called from the page's `dragstart` (which cancels
   * the page's own drag); the drag icon is the first file's thumbnail.
   */
  'shell.startDrag': call(
    z.object({ files: z.array(ProjectFileSchema).min(1).max(MAX_DRAG_FILES) }).strict(),
    z.object({ supported: z.boolean(), files: z.number().int().nonnegative() }),
  ),
  /**
   * Opens another project folder read-only (no lock taken, nothing written) and lists its characters
   * and pose libraries. NOT_FOUND when `dir` is not a project; INVALID_INPUT (reason 'same-project') for
   * the open project's own folder. A project saved by a newer version of the app is refused
   * (PROJECT_READ_ONLY): its files may hold fields this version would drop while copying.
   */
  'transfer.inspect': call(
    z.object({ dir: PathSchema }).strict(),
    z.object({
      project: z.object({ id: IdSchema, name: z.string(), path: z.string() }),
      characters: z.array(TransferItemSchema),
      poseLibraries: z.array(TransferItemSchema),
      /** Files of the other project that could not be read (named, with why); the rest is listed. */
      problems: z.array(z.object({ file: z.string(), reason: z.string() })),
    }),
  ),
  /**
   * Copies the chosen characters (with their reference images) and pose libraries (with their poses'
   * images, figures and tags) from the project at `dir` into the open project, as new items with new ids
   * and `copiedFrom` set. Every image is read the contained way, checked against its recorded hash and
   * checked as an import checks it; an item with an image that fails is not copied at all (IMAGE_REJECTED
   * or PROJECT_DAMAGED naming it) and the items copied before it stay. An item already copied here is
   * skipped ('already-here'). Runs as a task (kind 'import'; done/total count images).
   */
  'transfer.copy': call(
    z
      .object({
        dir: PathSchema,
        characterIds: z.array(IdSchema).max(1000).default([]),
        poseLibraryIds: z.array(IdSchema).max(1000).default([]),
        taskId: TaskIdSchema.optional(),
      })
      .strict()
      .refine((input) => input.characterIds.length + input.poseLibraryIds.length > 0, {
        message: 'choose at least one character or pose library',
      }),
    z.object({
      from: z.object({ id: IdSchema, name: z.string() }),
      characters: z.array(TransferOutcomeSchema),
      poseLibraries: z.array(TransferOutcomeSchema),
      /** Images written into this project. */
      images: z.number().int().nonnegative(),
      cancelled: z.boolean(),
    }),
  ),
};
