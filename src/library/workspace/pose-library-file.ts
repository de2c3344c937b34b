import { constants, lstat, open, stat, unlink } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { AppError, IdSchema, IsoDateSchema, PoseSchema, TagsSchema } from '../../domain';
import { fsyncFolderAfterCommit, writeJsonAtomic } from '../atomic-write';
import { assertInsideProject, MAX_JSON_BYTES, readFileInside, type FileRead } from '../contained-fs';
import { nestedDeeperThan, MAX_JSON_DEPTH, type JsonRead } from '../json-file';
import { keepUnknownFields } from '../unknown-fields';

/**
 * A pose library on disk is two files in its folder:
 *
 * - `library.json`: the library and its poses as they were when it was last written whole;
 * - `library.changes.jsonl`: every change since, one JSON line each (fields set, poses put, poses dropped).
 *
 * A change appends one line and fsyncs it, so renaming a pose in a library of 5,000 writes a few hundred
 * bytes rather than the whole library (issue 10: writes proportional to the change). When the log has
 * grown larger than library.json (and past COMPACT_AT), the merged library is written whole and the log
 * removed; the bytes written over many changes therefore stay within about twice the bytes of the
 * changes themselves.
 *
 * Why a log of our own rather than SQLite or one file per pose: the library stays a plain JSON file a
 * person can read and back up (results' receipts follow the same rule; the SQLite index is a cache), an
 * import's batch of 500 poses is still one fsync (one file per pose would add one fsync per pose to an
 * import that is already bound by them), and the trash can undo a change by cutting the log back to
 * its length before it, byte for byte.
 *
 * Crash safety: a line is whole or absent. A crash can tear only the last line, which readers ignore and
 * the next append cuts off before writing. Every change is idempotent (set fields, upsert poses by id,
 * drop ids), so a crash between writing library.json whole and removing the log replays changes that
 * are already in it, which changes nothing. A damaged line anywhere but at the end (no version of the
 * app writes one) makes the log damaged: it is reported and quarantined, library.json stands.
 */
export const CHANGES_FILE_NAME = 'library.changes.jsonl';

/** Below this the log is never folded in: small libraries would otherwise be rewritten every few edits. */
export const COMPACT_AT = 64 * 1024;

const PoseLibraryFieldsSchema = z.object({
  name: z.string().trim().min(1).max(200),
  tags: TagsSchema,
});

/** One line of the log. Poses are checked with the library they join (PoseLibrarySchema), after merging. */
export const PoseLibraryChangeSchema = z.object({
  updatedAt: IsoDateSchema,
  set: PoseLibraryFieldsSchema.partial().optional(),
  put: z.array(z.record(z.string(), z.unknown())).optional(),
  drop: z.array(IdSchema).optional(),
});
export type PoseLibraryChange = z.infer<typeof PoseLibraryChangeSchema>;

export const changesFileOf = (libraryFile: string): string => join(dirname(libraryFile), CHANGES_FILE_NAME);

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `library` (library.json's value, not yet validated) with `change` applied: fields set, poses dropped
 * by id, poses put (an existing pose keeps its place and the fields this app does not know, a new one
 * is added at the end). A value that is not an object is left as it is, for the schema to refuse.
 */
export function applyPoseLibraryChange(library: unknown, change: PoseLibraryChange): unknown {
  if (!isPlain(library)) return library;
  const poses: unknown[] = Array.isArray(library.poses) ? [...(library.poses as unknown[])] : [];
  const dropped = new Set(change.drop ?? []);
  let kept = dropped.size ? poses.filter((p) => !(isPlain(p) && dropped.has(p.id as string))) : poses;
  if (change.put?.length) {
    const at = new Map<unknown, number>();
    kept.forEach((p, i) => isPlain(p) && at.set(p.id, i));
    kept = [...kept];
    for (const pose of change.put) {
      const i = at.get(pose.id);
      if (i === undefined) {
        at.set(pose.id, kept.length);
        kept.push(pose);
      } else kept[i] = keepUnknownFields(PoseSchema, kept[i], pose);
    }
  }
  return { ...library, ...change.set, poses: kept, updatedAt: change.updatedAt };
}

/** The changes in the log's text: whole lines only (a torn last line is not one), or the first bad line. */
function parseChanges(
  text: string,
): { changes: PoseLibraryChange[] } | { damagedAt: number; reason: string } {
  const lines = text.split('\n');
  lines.pop(); // after the last newline: empty, or a line torn by a crash
  const changes: PoseLibraryChange[] = [];
  for (const [i, line] of lines.entries()) {
    let value: unknown;
    try {
      if (nestedDeeperThan(line, MAX_JSON_DEPTH)) throw new Error('nested too deep');
      value = JSON.parse(line) as unknown;
    } catch (error) {
      return { damagedAt: i + 1, reason: (error as Error).message };
    }
    const parsed = PoseLibraryChangeSchema.safeParse(value);
    if (!parsed.success)
      return { damagedAt: i + 1, reason: parsed.error.issues[0]?.message ?? 'wrong shape' };
    changes.push(parsed.data);
  }
  return { changes };
}

export type PoseLibraryRead = JsonRead<unknown> & {
  /** On failure: the file that is damaged (library.json, or its log), to quarantine. */
  damagedFile?: string;
  /** On success: library.json's size, to judge when the log is worth folding in. */
  baseBytes?: number;
};

const unreadable = (read: Exclude<FileRead, { ok: true }>, file: string): PoseLibraryRead =>
  read.missing
    ? read
    : {
        ok: false,
        missing: false,
        reason: read.refusal.message,
        refusal: read.refusal.reason,
        damagedFile: file,
      };

/**
 * The library as its two files say (library.json with the log applied), not yet validated; read the
 * contained way (contained-fs.ts), so either file leading out of the project is refused. A library
 * written whole while this read ran (its log then removed) is read again, so no change is missed.
 */
export async function readPoseLibraryValue(file: string): Promise<PoseLibraryRead> {
  const log = changesFileOf(file);
  for (let attempt = 0; ; attempt++) {
    const base = await readFileInside(file, MAX_JSON_BYTES);
    if (!base.ok) return unreadable(base, file);
    const text = base.bytes.toString('utf8');
    if (nestedDeeperThan(text, MAX_JSON_DEPTH)) {
      return {
        ok: false,
        missing: false,
        reason: `it nests lists or objects more than ${MAX_JSON_DEPTH} levels deep, which no version of the app writes`,
        damagedFile: file,
      };
    }
    let value: unknown;
    try {
      value = JSON.parse(text) as unknown;
    } catch (error) {
      return {
        ok: false,
        missing: false,
        reason: `it is not valid JSON (${(error as Error).message})`,
        damagedFile: file,
      };
    }
    const changes = await readFileInside(log, MAX_JSON_BYTES);
    if (!changes.ok && !changes.missing) return unreadable(changes, log);
    if (changes.ok) {
      const parsed = parseChanges(changes.bytes.toString('utf8'));
      if ('damagedAt' in parsed) {
        return {
          ok: false,
          missing: false,
          reason: `its change log is damaged at line ${parsed.damagedAt} (${parsed.reason})`,
          damagedFile: log,
        };
      }
      for (const change of parsed.changes) value = applyPoseLibraryChange(value, change);
    }
    // Folded in meanwhile (library.json replaced, then the log removed): read both again.
    const now = await stat(file).catch(() => undefined);
    if (attempt < 3 && now && (now.mtimeMs !== base.stat.mtimeMs || now.size !== base.stat.size)) continue;
    return { ok: true, value, baseBytes: base.stat.size };
  }
}

/** readPoseLibraryValue, validated by `schema`, as readJsonFile does for a single file. */
export async function readPoseLibrary<S extends z.ZodType>(
  file: string,
  schema: S,
): Promise<JsonRead<z.output<S>> & { damagedFile?: string; raw?: unknown; baseBytes?: number }> {
  const read = await readPoseLibraryValue(file);
  if (!read.ok) return read;
  const checked = validated(read.value, schema, file);
  return checked.ok ? { ...checked, raw: read.value, baseBytes: read.baseBytes ?? 0 } : checked;
}

function validated<S extends z.ZodType>(
  value: unknown,
  schema: S,
  file: string,
): JsonRead<z.output<S>> & { damagedFile?: string } {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length ? ` at ${issue.path.join('.')}` : '';
    return {
      ok: false,
      missing: false,
      reason: `it does not have the expected shape${where}: ${issue?.message ?? ''}`,
      damagedFile: file,
    };
  }
  return { ok: true, value: parsed.data };
}

const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/**
 * Appends one change to a library's log and fsyncs it. Call it under the library's lock. Answers the
 * log's size after it, and `undo`, which cuts the log back to what it was (the trash puts files back
 * byte for byte when a later step of its change fails). A torn line a crash left at the end is cut off
 * first. The log is opened without following a link in its place, in a folder checked to be inside the
 * project, so a hostile link is refused (PROJECT_DAMAGED) rather than written through.
 */
export async function appendPoseLibraryChange(
  libraryFile: string,
  change: PoseLibraryChange,
): Promise<{ size: number; undo: () => Promise<void> }> {
  const log = changesFileOf(libraryFile);
  await assertInsideProject(dirname(log));
  const line = Buffer.from(`${JSON.stringify(PoseLibraryChangeSchema.parse(change))}\n`);
  let handle;
  try {
    handle = await open(log, constants.O_RDWR | constants.O_CREAT | constants.O_APPEND | O_NOFOLLOW, 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') {
      throw new AppError('PROJECT_DAMAGED', `${CHANGES_FILE_NAME} is a link; the change was not saved.`, {
        reason: 'link',
      });
    }
    throw error;
  }
  let before: number | undefined;
  let synced = false;
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      throw new AppError('PROJECT_DAMAGED', `${CHANGES_FILE_NAME} is not a file; the change was not saved.`, {
        reason: 'not-a-file',
      });
    }
    before = await wholeLinesLength(handle, info.size);
    if (before !== info.size) await handle.truncate(before);
    try {
      await handle.write(line);
      await handle.datasync();
      synced = true;
    } catch (error) {
      // A full disk may have taken part of the line: the log is left as it was (or not there at all).
      if (before === 0) await unlink(log).catch(() => undefined);
      else await handle.truncate(before).catch(() => undefined);
      throw error;
    }
  } finally {
    // Once the line is synced the change is made, whatever closing says: failing the change then would
    // make the caller undo around a line every reader already sees (a pose listed without its image).
    await handle.close().catch((error: unknown) => {
      if (!synced) throw error;
      console.warn(
        '[ccstudio] a pose library log could not be closed after its change was saved:',
        (error as Error).message,
      );
    });
  }
  // A log just made must itself survive a power cut, not only its line (as after a rename: a failure
  // here is logged, the line being written already).
  if (before === 0) await fsyncFolderAfterCommit(dirname(log));
  return {
    size: before + line.length,
    undo: async () => {
      if (before === 0) await unlink(log).catch(() => undefined);
      else {
        const h = await open(log, constants.O_RDWR | O_NOFOLLOW);
        try {
          await h.truncate(before);
          await h.datasync();
        } finally {
          await h.close();
        }
      }
    },
  };
}

/** The length of the log up to its last newline: what a torn last line would be cut back to. */
async function wholeLinesLength(handle: Awaited<ReturnType<typeof open>>, size: number): Promise<number> {
  if (size === 0) return 0;
  const last = Buffer.alloc(1);
  await handle.read(last, 0, 1, size - 1);
  if (last[0] === 0x0a) return size;
  // Rare (only after a crash mid-append): read back in chunks to the previous newline.
  const chunk = Buffer.alloc(64 * 1024);
  for (let end = size; end > 0;) {
    const start = Math.max(0, end - chunk.length);
    const { bytesRead } = await handle.read(chunk, 0, end - start, start);
    const at = chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (at >= 0) return start + at + 1;
    end = start;
  }
  return 0;
}

/**
 * Folds the log into library.json when it has grown past both COMPACT_AT and library.json's own size:
 * `merged` (the library as read, unknown fields kept) is written whole, atomically, then the log is
 * removed. Call it under the library's lock, with what was read under it.
 */
export async function compactPoseLibraryIfLarge(
  libraryFile: string,
  logBytes: number,
  baseBytes: number,
  merged: unknown,
): Promise<boolean> {
  if (logBytes < Math.max(COMPACT_AT, baseBytes)) return false;
  try {
    await writeJsonAtomic(libraryFile, merged);
  } catch (error) {
    // The change itself is saved (in the log): folding is only tidying, tried again at the next change.
    console.warn(
      '[ccstudio] a pose library could not be written whole (its log is kept):',
      (error as Error).message,
    );
    return false;
  }
  // Were this removal lost in a crash, the log would replay changes library.json already holds: harmless.
  await unlink(changesFileOf(libraryFile)).catch(() => undefined);
  return true;
}

/**
 * Pose libraries as read last, kept while their two files are unchanged (the same lstat of each: size and
 * mtime). Editing one pose of 5,000 would otherwise read, parse and validate the whole library twice
 * (finding the pose, then changing it) and once more for the catalog: hundreds of milliseconds of the
 * owning process for a line written. A file changed by anyone (another process, a sync tool, the trash)
 * has a new stat and is read again; a link put in a file's place has a new lstat too, so the contained
 * read judges it. Callers must not modify what they are given.
 */
export class PoseLibraryReader {
  private readonly kept = new Map<
    string,
    { stamp: string; value: unknown; baseBytes: number; valid?: unknown }
  >();

  /** readPoseLibraryValue, from what was kept when both files are as they were. */
  async readValue(file: string): Promise<PoseLibraryRead> {
    const stamp = await stampOf(file);
    const hit = this.kept.get(file);
    if (hit && hit.stamp === stamp) return { ok: true, value: hit.value, baseBytes: hit.baseBytes };
    const read = await readPoseLibraryValue(file);
    if (read.ok && stamp !== undefined && stamp === (await stampOf(file)))
      this.kept.set(file, { stamp, value: read.value, baseBytes: read.baseBytes ?? 0 });
    else this.kept.delete(file);
    return read;
  }

  /** readPoseLibrary, validating once per version of the files. */
  async read<S extends z.ZodType>(
    file: string,
    schema: S,
  ): Promise<JsonRead<z.output<S>> & { damagedFile?: string; raw?: unknown; baseBytes?: number }> {
    const read = await this.readValue(file);
    if (!read.ok) return read;
    const entry = this.kept.get(file);
    const current = entry && entry.value === read.value ? entry : undefined;
    if (current?.valid !== undefined)
      return { ok: true, value: current.valid as z.output<S>, raw: read.value, baseBytes: current.baseBytes };
    const checked = validated(read.value, schema, file);
    if (checked.ok && current) current.valid = checked.value;
    return checked.ok ? { ...checked, raw: read.value, baseBytes: read.baseBytes ?? 0 } : checked;
  }

  /**
   * Keeps what a change of this process just wrote (`value` with unknown fields, `valid` as the schema
   * reads it), under the library's lock, so the next read need not read back the files it wrote.
   */
  async remember(file: string, value: unknown, valid: unknown): Promise<void> {
    const [stamp, base] = await Promise.all([stampOf(file), lstat(file).catch(() => undefined)]);
    if (stamp === undefined || !base) this.kept.delete(file);
    else this.kept.set(file, { stamp, value, baseBytes: base.size, valid });
  }
}

/** Both files' lstat as one string; undefined when library.json cannot be stat'ed. */
async function stampOf(file: string): Promise<string | undefined> {
  const [base, log] = await Promise.all([
    lstat(file).catch(() => undefined),
    lstat(changesFileOf(file)).catch(() => undefined),
  ]);
  if (!base) return undefined;
  const part = (s: Stats | undefined) => (s ? `${s.ino}:${s.size}:${s.mtimeMs}:${s.mode}` : '-');
  return `${part(base)}|${part(log)}`;
}
