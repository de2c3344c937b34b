import { join } from 'node:path';
import { z } from 'zod';
import { AppError, IdSchema, IsoDateSchema, newId, nowIso } from '../../domain';
import { TrashKindSchema } from '../../contract/calls/workspace';
import { parseRelativePath } from '../contained-path';
import { writeJsonAtomic } from '../atomic-write';
import { readJsonFile } from '../json-file';
import type { ProjectHandle } from '../project-store';
import { exists, listDir, moveInto, removeQuietly } from './fs-utils';
import { thumbPathFor } from './paths';

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

/** Only paths into the folders the app trashes from, and never a `..`: the entry file is on disk, so untrusted. */
function checkedMove(rel: string): string[] {
  const segments = parseRelativePath(rel, false);
  if (!['characters', 'poses', 'results'].includes(segments[0] ?? '') || segments.length < 2) {
    throw new AppError('PROJECT_DAMAGED', `A trash entry names a path the app never trashes: ${rel}`);
  }
  return segments;
}

/**
 * The project's trash: every delete moves files into trash/<trashId>/ and writes an entry saying what
 * they were, so it can be put back. Order of steps, for a crash at any point: the entry is written
 * first, then the files are moved (renames inside the project: atomic, nothing copied). An entry whose
 * files never moved is recognised as stale and dropped; nothing is ever deleted except by `empty`.
 */
export class TrashStore {
  /**
   * Entries this process is filling or emptying right now (put, or a restore between moveBack and
   * discard). Until their moves are done they look exactly like stale ones (nothing moved), so `list`
   * must leave them alone: dropping one mid-put deleted the files being moved into it.
   */
  private readonly busy = new Set<string>();

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

  /** Writes the entry, then moves each path into it. Answers the trash id. */
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
    };
    for (const rel of entry.moves) checkedMove(rel);
    this.busy.add(entry.id);
    try {
      await writeJsonAtomic(this.entryFile(entry.id), entry);
      await this.moveIn(entry);
    } finally {
      this.busy.delete(entry.id);
    }
    return entry;
  }

  private async moveIn(entry: TrashEntryFile): Promise<void> {
    const moved: string[] = [];
    try {
      for (const rel of entry.moves) {
        const from = join(this.project.root, ...checkedMove(rel));
        if (!(await exists(from))) continue;
        await moveInto(from, this.trashedPath(entry.id, rel));
        moved.push(rel);
      }
    } catch (error) {
      // Put back what already moved, so a failed delete leaves the project as it was.
      for (const rel of moved.reverse()) {
        await moveInto(this.trashedPath(entry.id, rel), join(this.project.root, ...checkedMove(rel))).catch(
          () => undefined,
        );
      }
      await removeQuietly(this.entryDir(entry.id));
      throw error;
    }
  }

  /** Every readable entry, newest first. Stale entries (nothing moved) are dropped; damaged ones skipped. */
  async list(): Promise<TrashEntryFile[]> {
    const ids = (await listDir(this.dir)).filter((name) => IdSchema.safeParse(name).success);
    const read = await Promise.all(ids.map((id) => this.read(id).catch(() => null)));
    const entries: TrashEntryFile[] = [];
    for (const entry of read) {
      if (!entry) continue;
      if (entry.moves.length > 0 && !this.busy.has(entry.id) && !(await this.anyMoved(entry))) {
        if (!this.project.readOnly) await removeQuietly(this.entryDir(entry.id));
        continue;
      }
      entries.push(entry);
    }
    return entries.sort((a, b) => (a.trashedAt < b.trashedAt ? 1 : a.trashedAt > b.trashedAt ? -1 : 0));
  }

  async read(id: string): Promise<TrashEntryFile> {
    if (!IdSchema.safeParse(id).success) throw notInTrash();
    const read = await readJsonFile(this.entryFile(id), TrashEntryFileSchema);
    if (!read.ok) {
      if (read.missing) throw notInTrash();
      throw new AppError(
        'PROJECT_DAMAGED',
        `The trash entry ${id} is damaged (${read.reason}); its files are kept in trash/${id}.`,
      );
    }
    if (read.value.id !== id) return { ...read.value, id };
    return read.value;
  }

  private async anyMoved(entry: TrashEntryFile): Promise<boolean> {
    for (const rel of entry.moves) if (await exists(this.trashedPath(entry.id, rel))) return true;
    return false;
  }

  /**
   * Moves the entry's files back where they were. A path that is taken again is refused before anything
   * moves. Does not remove the entry: call `discard` once the rest of the restore is done.
   */
  async moveBack(entry: TrashEntryFile): Promise<void> {
    this.project.assertWritable();
    // Emptied by the move back, the entry would look stale until `discard`: keep `list` off it meanwhile.
    this.busy.add(entry.id);
    const pending: { from: string; to: string }[] = [];
    for (const rel of entry.moves) {
      const inTrash = this.trashedPath(entry.id, rel);
      if (!(await exists(inTrash))) continue;
      const original = join(this.project.root, ...checkedMove(rel));
      if (await exists(original)) {
        throw new AppError(
          'ALREADY_EXISTS',
          `“${entry.label}” cannot be put back: ${rel} exists again in the project.`,
          {
            file: rel,
          },
        );
      }
      pending.push({ from: inTrash, to: original });
    }
    for (const move of pending) await moveInto(move.from, move.to);
  }

  /** Removes an entry folder (after a restore, when it is empty of files, or when emptying the trash). */
  async discard(entry: TrashEntryFile, options: { dropThumbs: boolean }): Promise<void> {
    this.project.assertWritable();
    await removeQuietly(this.entryDir(entry.id));
    this.busy.delete(entry.id);
    if (options.dropThumbs) {
      await Promise.all(entry.thumbIds.map((id) => removeQuietly(thumbPathFor(this.project.layout, id))));
    }
  }
}

const notInTrash = (): AppError => new AppError('NOT_FOUND', 'That item is no longer in the trash.');
