import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { AppError, IdSchema, IsoDateSchema, isAppError, newId, nowIso } from '../../domain';
import { TrashKindSchema } from '../../contract/calls/workspace';
import { parseRelativePath } from '../contained-path';
import { fsyncFolderAfterCommit, writeFileAtomic, writeJsonAtomic } from '../atomic-write';
import { readJsonFile } from '../json-file';
import type { ProjectHandle } from '../project-store';
import { renameWithRetry } from '../rename-retry';
import { exists, listDir, moveInto, removeQuietly, toProjectPath } from './fs-utils';
import { thumbPathFor } from './paths';
import { bytesOf, recordsFor, type Undo } from './trash-records';

export type TrashKind = z.infer<typeof TrashKindSchema>;

const NamedSchema = z.object({ id: IdSchema, name: z.string() });

/** What a trash entry holds, so results pointing at a trashed character or pose can say so by name. */
export const TrashRefsSchema = z.object({
  characters: z.array(NamedSchema).default([]),
  libraries: z.array(NamedSchema).default([]),
  poses: z
    .array(
      NamedSchema.extend({
        libraryId: IdSchema,
        kind: z.enum(['sheet', 'single']),
        figures: z.number().int().nonnegative(),
      }),
    )
    .default([]),
  results: z.array(IdSchema).default([]),
});
export type TrashRefs = z.infer<typeof TrashRefsSchema>;

/**
 * Where an entry is in its life. Written before each step, so that after a crash the entry itself says
 * what was under way: `moving` while its files go into the trash and its records drop them, `done` once
 * it is wholly in the trash (the only state the trash lists), `restoring` while its records take the
 * things back and its files go back. Entries written before this field existed are `done`.
 */
export const TrashStateSchema = z.enum(['moving', 'done', 'restoring']);
export type TrashState = z.infer<typeof TrashStateSchema>;

/**
 * trash/<trashId>/entry.json. `moves` are project-relative paths; each item sits at
 * trash/<trashId>/files/<from> while trashed, so the trash folder itself reads like the project.
 */
export const TrashEntryFileSchema = z.object({
  schemaVersion: z.literal(1),
  id: IdSchema,
  kind: TrashKindSchema,
  label: z.string(),
  trashedAt: IsoDateSchema,
  count: z.number().int().nonnegative(),
  moves: z.array(z.string()),
  refs: TrashRefsSchema,
  /** Images whose cached thumbnails go when the entry is emptied (they serve the trash view till then). */
  thumbIds: z.array(IdSchema).default([]),
  /** Kind-specific data that restoring needs (a pose's JSON and its library, a reference image). */
  payload: z.unknown().optional(),
  state: TrashStateSchema.default('done'),
});
export type TrashEntryFile = z.infer<typeof TrashEntryFileSchema>;

export interface TrashSpec {
  kind: TrashKind;
  label: string;
  count: number;
  moves: string[];
  refs: Partial<TrashRefs>;
  thumbIds?: string[];
  payload?: unknown;
}

/** Steps a caller adds to a restore, inside it (so a failure there puts everything back in the trash). */
export interface RestoreSteps {
  /** After the files are back, before the entry goes: the results index reads the restored receipts. */
  afterMoves?(entry: TrashEntryFile, undo: Undo[]): Promise<void>;
}

/** Only paths into the folders the app trashes from, and never a `..`: the entry file is on disk, so untrusted. */
function checkedMove(rel: string): string[] {
  const segments = parseRelativePath(rel, false);
  if (!['characters', 'poses', 'results'].includes(segments[0] ?? '') || segments.length < 2) {
    throw new AppError('PROJECT_DAMAGED', `A trash entry names a path the app never trashes: ${rel}`);
  }
  return segments;
}

/** Why an entry read from disk cannot be used, or undefined when every path it names is one the app trashes. */
function badMove(entry: TrashEntryFile): string | undefined {
  for (const rel of entry.moves) {
    try {
      checkedMove(rel);
    } catch {
      return `it names ${JSON.stringify(rel.slice(0, 200))}, a path the app never trashes`;
    }
  }
  return undefined;
}

/**
 * Records (a receipt: JSON naming an image) leave the project last and come back first, so that whatever
 * moment a crash picks, no image is in results/ without its receipt (the leftovers check at open would
 * move it aside) and no receipt is in the trash without its image.
 */
const recordsLast = (moves: readonly string[]): string[] => [
  ...moves.filter((rel) => !rel.endsWith('.json')),
  ...moves.filter((rel) => rel.endsWith('.json')),
];

/** Entry folders taken out of the trash to be deleted: `.<id>.<hex>.discarded`, never listed. */
const DISCARDED = /^\.[a-z0-9]{8,40}\.[0-9a-f]{12}\.discarded$/;

interface Move {
  from: string;
  to: string;
}

/**
 * The project's trash: every delete moves files into trash/<trashId>/ and writes an entry saying what
 * they were, so it can be put back. Both directions are small transactions whose intent is on disk
 * before anything moves (the entry's `state`):
 *
 *   put:      entry `moving` → files into the trash (images, then receipts) → records drop the things
 *             (library.json, character.json) → entry `done`
 *   restore:  entry `restoring` → records list the things again → files back (receipts, then images) →
 *             entry folder taken out of the trash (one rename: the commit) → deleted
 *
 * Writing `done` commits a put; taking the entry folder away commits a restore. A step that fails before
 * the commit undoes the steps before it, newest first, back to exactly the bytes that were there (see
 * trash-records.ts), and the error goes to the caller. A change a crash interrupted before its commit (or
 * whose undo failed too) is undone the same way by `settle` when the project next opens, from the state
 * its entry was left in: every step is idempotent, so it does not matter how far it got. The trash lists
 * only `done` entries and never deletes one: only `empty` and a committed restore remove an entry.
 *
 * Callers hold the locks of what an entry touches (lockKeysFor in trash-records.ts).
 */
export class TrashStore {
  constructor(private readonly project: ProjectHandle) {}

  private get dir(): string {
    return this.project.layout.trashDir;
  }
  entryDir(id: string): string {
    return join(this.dir, id);
  }
  private entryFile(id: string): string {
    return join(this.entryDir(id), 'entry.json');
  }
  trashedPath(id: string, rel: string): string {
    return join(this.entryDir(id), 'files', ...checkedMove(rel));
  }
  private projectPath(rel: string): string {
    return join(this.project.root, ...checkedMove(rel));
  }

  /** Moves things into the trash as one entry (see the class comment). Answers the entry. */
  async put(spec: TrashSpec): Promise<TrashEntryFile> {
    this.project.assertWritable();
    const entry: TrashEntryFile = {
      schemaVersion: 1,
      id: newId(),
      kind: spec.kind,
      label: spec.label,
      trashedAt: nowIso(),
      count: spec.count,
      moves: spec.moves,
      refs: TrashRefsSchema.parse(spec.refs),
      thumbIds: spec.thumbIds ?? [],
      ...(spec.payload === undefined ? {} : { payload: spec.payload }),
      state: 'moving',
    };
    for (const rel of entry.moves) checkedMove(rel);
    const records = recordsFor(this.project.layout, entry);
    // The first undo takes the entry away whole; until then it is `moving`, which nothing lists.
    const undo: Undo[] = [() => this.discardFolder(entry.id)];
    try {
      await writeJsonAtomic(this.entryFile(entry.id), entry);
      await this.moveAll(this.inward(entry), undo);
      await records.detach(undo);
      const done: TrashEntryFile = { ...entry, state: 'done' };
      await writeJsonAtomic(this.entryFile(entry.id), done);
      return done;
    } catch (error) {
      await rollBack(undo);
      throw error;
    }
  }

  /**
   * Puts an entry back (see the class comment). A path that is taken again is refused before anything
   * changes. The entry is read again here, so the caller's copy may be stale.
   */
  async restore(id: string, steps: RestoreSteps = {}): Promise<TrashEntryFile> {
    this.project.assertWritable();
    const entry = await this.read(id);
    if (entry.state !== 'done') throw notInTrash();
    const moves = this.outward(entry);
    for (const move of moves) {
      if ((await exists(move.from)) && (await exists(move.to))) {
        const rel = toProjectPath(this.project.root, move.to);
        throw new AppError(
          'ALREADY_EXISTS',
          `“${entry.label}” cannot be put back: ${rel} exists again in the project.`,
          { file: rel },
        );
      }
    }
    const records = recordsFor(this.project.layout, entry);
    // The entry's own bytes, so a failed restore leaves it exactly as it was.
    const before = await bytesOf(this.entryFile(id));
    const undo: Undo[] = [];
    try {
      await writeJsonAtomic(this.entryFile(id), { ...entry, state: 'restoring' });
      undo.push(() => writeFileAtomic(this.entryFile(id), before));
      await records.attach(undo);
      await this.moveAll(moves, undo);
      await steps.afterMoves?.(entry, undo);
      await this.discardFolder(id);
    } catch (error) {
      await rollBack(undo);
      throw error;
    }
    return entry;
  }

  /** Deletes a listed entry for good, with its cached thumbnails. False when it is no longer in the trash. */
  async empty(id: string): Promise<boolean> {
    this.project.assertWritable();
    const entry = await this.read(id).catch((error: unknown) => {
      if (isAppError(error) && error.code === 'NOT_FOUND') return undefined;
      throw error;
    });
    if (entry?.state !== 'done') return false;
    await this.discardFolder(id);
    await Promise.all(entry.thumbIds.map((t) => removeQuietly(thumbPathFor(this.project.layout, t))));
    return true;
  }

  /** Every entry wholly in the trash, newest first. Damaged ones are quarantined and reported, never listed. */
  async list(): Promise<TrashEntryFile[]> {
    const ids = (await listDir(this.dir)).filter((name) => IdSchema.safeParse(name).success);
    const read = await Promise.all(ids.map((id) => this.readListed(id)));
    const entries = read.filter((entry): entry is TrashEntryFile => entry?.state === 'done');
    return entries.sort((a, b) => (a.trashedAt < b.trashedAt ? 1 : a.trashedAt > b.trashedAt ? -1 : 0));
  }

  /** One entry for the list: one that cannot be read is left out, never the whole trash with it. */
  private async readListed(id: string): Promise<TrashEntryFile | null> {
    try {
      return await this.read(id);
    } catch (error) {
      // NOT_FOUND: a folder being made or taken away right now. PROJECT_DAMAGED: reported by read().
      if (!isAppError(error))
        console.warn(`[ccstudio] the trash entry ${id} could not be read:`, (error as Error).message);
      return null;
    }
  }

  /** An entry as its file says, in any state. A damaged one (unparsable, or naming a path the app never trashes) is quarantined. */
  async read(id: string): Promise<TrashEntryFile> {
    if (!IdSchema.safeParse(id).success) throw notInTrash();
    const file = this.entryFile(id);
    const read = await readJsonFile(file, TrashEntryFileSchema);
    if (!read.ok) {
      if (read.missing) throw notInTrash();
      throw await this.damaged(id, read.reason);
    }
    const bad = badMove(read.value);
    if (bad) throw await this.damaged(id, bad);
    return read.value.id === id ? read.value : { ...read.value, id };
  }

  /**
   * Moves a damaged entry file to quarantine (reported with the project's problems from then on) and
   * answers the error; its files stay in trash/<id>/ for the person to look at. Reported once.
   */
  private async damaged(id: string, reason: string): Promise<AppError> {
    const file = this.entryFile(id);
    const rel = toProjectPath(this.project.root, file);
    if (!this.project.problems.some((p) => p.file === rel)) {
      await this.project.quarantine(file, reason).catch((error: unknown) => {
        console.warn(
          `[ccstudio] the damaged trash entry ${id} could not be quarantined:`,
          (error as Error).message,
        );
      });
    }
    return new AppError(
      'PROJECT_DAMAGED',
      `The trash entry ${id} is damaged (${reason}); its record was moved to quarantine and its files are kept in trash/${id}.`,
    );
  }

  /**
   * Undoes what an interrupted put or restore left, when the project opens (before anything else in this
   * process writes to it): neither committed, so an entry still `moving` goes away with its things back in
   * the project, and one still `restoring` is wholly in the trash again. Entry folders taken out of the
   * trash but not yet deleted are deleted. An entry that cannot be settled is left as it is, for the next
   * open, and reported.
   */
  async settle(): Promise<void> {
    if (this.project.readOnly) return;
    const names = await listDir(this.dir);
    for (const name of names.filter((n) => DISCARDED.test(n))) await removeQuietly(join(this.dir, name));
    for (const id of names.filter((n) => IdSchema.safeParse(n).success)) {
      // Missing: a folder the leftovers check deals with. Damaged: quarantined and reported by read().
      const entry = await this.readListed(id);
      if (!entry || entry.state === 'done') continue;
      try {
        if (entry.state === 'moving') await this.undoPut(entry);
        else await this.undoRestore(entry);
      } catch (error) {
        console.warn(`[ccstudio] the trash entry ${id} could not be settled:`, (error as Error).message);
        this.project.problems.push({
          file: toProjectPath(this.project.root, this.entryFile(id)),
          reason: `A delete or restore that was interrupted could not be undone (${(error as Error).message}). Its files are kept where they are; the app tries again when the project next opens.`,
        });
      }
    }
  }

  /** A put that never committed: its records list the things again, its files go back, the entry goes. */
  private async undoPut(entry: TrashEntryFile): Promise<void> {
    const unused: Undo[] = []; // at open nothing is undone twice: each step already is the undo
    await recordsFor(this.project.layout, entry).attach(unused);
    await this.moveAll(this.outward(entry), unused);
    await this.discardFolder(entry.id);
  }

  /** A restore that never committed: its files go back into the trash, its records drop them, `done` again. */
  private async undoRestore(entry: TrashEntryFile): Promise<void> {
    const unused: Undo[] = [];
    await this.moveAll(this.inward(entry), unused);
    await recordsFor(this.project.layout, entry).detach(unused);
    await writeJsonAtomic(this.entryFile(entry.id), { ...entry, state: 'done' });
  }

  private inward(entry: TrashEntryFile): Move[] {
    return recordsLast(entry.moves).map((rel) => ({
      from: this.projectPath(rel),
      to: this.trashedPath(entry.id, rel),
    }));
  }

  private outward(entry: TrashEntryFile): Move[] {
    return this.inward(entry)
      .reverse()
      .map(({ from, to }) => ({ from: to, to: from }));
  }

  /**
   * Renames each path that is still at `from` to `to`, putting the way back on `undo` after each. A path
   * already gone from `from` is skipped: moved by an earlier, interrupted run, or missing from the
   * project. The folders are synced at the end, so the moves are on disk before the step that relies on them.
   */
  private async moveAll(moves: readonly Move[], undo: Undo[]): Promise<void> {
    const touched = new Set<string>();
    for (const { from, to } of moves) {
      if (!(await exists(from))) continue;
      if (await exists(to)) {
        const rel = toProjectPath(this.project.root, to);
        throw new AppError('ALREADY_EXISTS', `${rel} is in the way, so the move could not be finished.`, {
          file: rel,
        });
      }
      await moveInto(from, to);
      undo.push(() => moveInto(to, from));
      touched.add(dirname(from)).add(dirname(to));
    }
    for (const dir of touched) await fsyncFolderAfterCommit(dir);
  }

  /**
   * Takes an entry folder out of the trash in one rename (a crash leaves it whole in the trash or gone
   * from it, never half deleted there), then deletes it. What a crash leaves of the deletion is a hidden
   * `.discarded` folder that `settle` removes.
   */
  private async discardFolder(id: string): Promise<void> {
    const doomed = join(this.dir, `.${id}.${randomBytes(6).toString('hex')}.discarded`);
    try {
      await renameWithRetry(this.entryDir(id), doomed);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    await fsyncFolderAfterCommit(this.dir);
    await removeQuietly(doomed);
  }
}

/**
 * Runs undo steps newest first. It stops at the first that fails: the entry then keeps its `moving` or
 * `restoring` state, from which the settling at open undoes the rest (every step being idempotent), where
 * going on past a failed undo could take the entry away with a record and its file still apart.
 */
async function rollBack(undo: readonly Undo[]): Promise<void> {
  for (const step of [...undo].reverse()) {
    try {
      await step();
    } catch (error) {
      console.warn(
        '[ccstudio] undoing a failed trash change stopped; the rest is undone when the project next opens:',
        (error as Error).message,
      );
      return;
    }
  }
}

/** Settles the trash of a project being opened (see TrashStore.settle). */
export function settleTrash(project: ProjectHandle): Promise<void> {
  return new TrashStore(project).settle();
}

const notInTrash = (): AppError => new AppError('NOT_FOUND', 'That item is no longer in the trash.');
