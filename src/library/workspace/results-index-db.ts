import { lstat, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Flag } from '../../domain';
import type { CutFrom } from './result-types';
import { isIndexEntry, type IndexEntry } from './result-index-file';

/**
 * `.studio/results-index.sqlite`: the results index as an SQLite database, so a change costs what it
 * changes (a rating writes one row, a few KB of WAL) instead of rewriting a 36 MB file at 100,000 results.
 * It is a cache: the receipts (results/<id>.json) stay the truth and the index can be deleted and rebuilt.
 *
 * Why SQLite (better-sqlite3): it is what catalog apps of this size use (Lightroom, digiKam), it writes
 * in place with a write-ahead log, survives a killed process by construction, and better-sqlite3's
 * synchronous calls cost microseconds for one row, far less than the promise round trip of an async
 * driver. Version 12 (13 needs Node 22). See the README for how it is built for Electron.
 *
 * Durability: WAL with synchronous=NORMAL. A killed process loses nothing committed; a power cut may
 * lose the last transactions, which the checks at open (the pending journal, the results folder's
 * time) then read again from the receipts.
 *
 * The pending journal: before the app writes or moves a receipt it records the id in `pending` (its
 * own committed transaction); the row and the journal entry are settled together once the files are in
 * place. After a crash anywhere in between, opening reads exactly the pending receipts again, however
 * many results the project holds and whatever the folder's time says.
 */

/** Bumped when the tables change: an index of another version is dropped and rebuilt. */
export const RESULTS_INDEX_VERSION = 1;

const SCHEMA = `
  CREATE TABLE results (
    id TEXT PRIMARY KEY,
    file TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    t REAL NOT NULL,
    model_id TEXT NOT NULL,
    character_id TEXT NOT NULL,
    pose_id TEXT NOT NULL,
    rating INTEGER NOT NULL,
    flag TEXT NOT NULL,
    tags TEXT NOT NULL,
    seed INTEGER,
    cost REAL,
    cut_from TEXT,
    m REAL NOT NULL,
    s INTEGER NOT NULL,
    image_missing INTEGER NOT NULL DEFAULT 0
  ) WITHOUT ROWID;
  CREATE INDEX results_newest ON results (t DESC, id DESC);
  CREATE TABLE pending (id TEXT PRIMARY KEY) WITHOUT ROWID;
  CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
`;

interface Row {
  id: string;
  file: string;
  width: number;
  height: number;
  created_at: string;
  t: number;
  model_id: string;
  character_id: string;
  pose_id: string;
  rating: number;
  flag: string;
  tags: string;
  seed: number | null;
  cost: number | null;
  cut_from: string | null;
  m: number;
  s: number;
  image_missing: number;
}

const toRow = (e: IndexEntry, imageMissing: boolean): Row => ({
  id: e.id,
  file: e.file,
  width: e.width,
  height: e.height,
  created_at: e.createdAt,
  t: e.t,
  model_id: e.modelId,
  character_id: e.characterId,
  pose_id: e.poseId,
  rating: e.rating,
  flag: e.flag,
  tags: JSON.stringify(e.tags),
  seed: e.seed,
  cost: e.cost,
  cut_from: e.cutFrom ? JSON.stringify(e.cutFrom) : null,
  m: e.m,
  s: e.s,
  image_missing: imageMissing ? 1 : 0,
});

function fromRow(r: Row): IndexEntry {
  const entry: IndexEntry = {
    id: r.id,
    file: r.file,
    width: r.width,
    height: r.height,
    createdAt: r.created_at,
    t: r.t,
    modelId: r.model_id,
    characterId: r.character_id,
    poseId: r.pose_id,
    rating: r.rating,
    flag: r.flag as Flag,
    tags: JSON.parse(r.tags) as string[],
    seed: r.seed,
    cost: r.cost,
    m: r.m,
    s: r.s,
  };
  if (r.cut_from !== null) entry.cutFrom = JSON.parse(r.cut_from) as CutFrom;
  return entry;
}

/** One change to the index, applied in one transaction. */
export interface IndexChange {
  put?: readonly { entry: IndexEntry; imageMissing: boolean }[];
  remove?: readonly string[];
  /** Ids whose pending mark is settled by this change. */
  settle?: readonly string[];
  /** The results folder's time that this change leaves the index consistent with. */
  dirMtimeMs?: number;
}

export interface OpenedIndex {
  db: ResultsIndexDb;
  /** True when the index is new (none, another version, damaged, or never finished): rebuild it. */
  needsRebuild: boolean;
}

export class ResultsIndexDb {
  private readonly upsert: Database.Statement<Row>;
  private readonly del: Database.Statement<[string]>;
  private readonly addPending: Database.Statement<[string]>;
  private readonly delPending: Database.Statement<[string]>;
  private readonly setMetaStmt: Database.Statement<[string, number | string]>;

  private constructor(private readonly db: Database.Database) {
    this.upsert = db.prepare(
      `INSERT OR REPLACE INTO results VALUES (@id, @file, @width, @height, @created_at, @t, @model_id,
        @character_id, @pose_id, @rating, @flag, @tags, @seed, @cost, @cut_from, @m, @s, @image_missing)`,
    );
    this.del = db.prepare('DELETE FROM results WHERE id = ?');
    this.addPending = db.prepare('INSERT OR IGNORE INTO pending (id) VALUES (?)');
    this.delPending = db.prepare('DELETE FROM pending WHERE id = ?');
    this.setMetaStmt = db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
  }

  /**
   * Opens the index at `file` (`null`: in memory, for a read-only project without a usable one). A file
   * that is not an index of this version, or that SQLite finds damaged, is deleted and made anew: it is
   * only a cache. A read-only project never writes it: when it cannot be read as it is, it is built in
   * memory instead.
   */
  static async open(file: string | null, options: { readOnly: boolean }): Promise<OpenedIndex> {
    if (file !== null && !(await isPlainFileOrAbsent(file))) {
      // A link (SQLite would follow it out of the project), a folder or a device where the index
      // belongs: left alone, and the index kept in memory for this session.
      console.warn('[ccstudio] the results index is not a plain file in .studio; keeping it in memory');
      file = null;
    }
    if (file === null) return { db: ResultsIndexDb.create(new Database(':memory:')), needsRebuild: true };
    if (options.readOnly) {
      try {
        const db = new Database(file, { readonly: true, fileMustExist: true });
        if (userVersion(db) === RESULTS_INDEX_VERSION && complete(db)) {
          return { db: new ResultsIndexDb(db), needsRebuild: false };
        }
        db.close();
      } catch {
        // fall through to an index in memory
      }
      return ResultsIndexDb.open(null, options);
    }
    try {
      return ResultsIndexDb.openWritable(file);
    } catch (error) {
      console.warn(
        '[ccstudio] the results index could not be opened; making it anew:',
        (error as Error).message,
      );
      await removeDatabase(file);
      return ResultsIndexDb.openWritable(file);
    }
  }

  private static openWritable(file: string): OpenedIndex {
    const db = new Database(file);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      const version = userVersion(db);
      if (version === RESULTS_INDEX_VERSION) {
        return { db: new ResultsIndexDb(db), needsRebuild: !complete(db) };
      }
      // New, or written by another version: start over (the receipts hold everything).
      db.exec('DROP TABLE IF EXISTS results; DROP TABLE IF EXISTS pending; DROP TABLE IF EXISTS meta;');
      return { db: ResultsIndexDb.create(db), needsRebuild: true };
    } catch (error) {
      db.close();
      throw error;
    }
  }

  private static create(db: Database.Database): ResultsIndexDb {
    db.exec(SCHEMA);
    db.pragma(`user_version = ${RESULTS_INDEX_VERSION}`);
    return new ResultsIndexDb(db);
  }

  /**
   * Every entry, newest first, with which images were missing when last looked at; null when a row is
   * not what the app writes (a hostile or damaged file that SQLite still reads): then the whole cache
   * is distrusted and rebuilt, as one bad field proves nothing about the rest.
   */
  readAll(): { entries: IndexEntry[]; missing: string[] } | null {
    const entries: IndexEntry[] = [];
    const missing: string[] = [];
    try {
      for (const row of this.db
        .prepare('SELECT * FROM results ORDER BY t DESC, id DESC')
        .iterate() as IterableIterator<Row>) {
        const entry = fromRow(row);
        if (!isIndexEntry(entry)) return null;
        entries.push(entry);
        if (row.image_missing) missing.push(row.id);
      }
    } catch (error) {
      console.warn('[ccstudio] the results index could not be read:', (error as Error).message);
      return null;
    }
    return { entries, missing };
  }

  /** Ids whose receipt was being written or moved when the app last stopped (see the pending journal). */
  pending(): string[] {
    return (this.db.prepare('SELECT id FROM pending').pluck().all() as string[]).slice();
  }

  /** Records that these receipts are about to be written or moved: committed before the files change. */
  markPending(ids: readonly string[]): void {
    this.db.transaction(() => {
      for (const id of ids) this.addPending.run(id);
    })();
  }

  apply(change: IndexChange): void {
    this.db.transaction(() => {
      for (const { entry, imageMissing } of change.put ?? []) this.upsert.run(toRow(entry, imageMissing));
      for (const id of change.remove ?? []) this.del.run(id);
      for (const id of change.settle ?? []) this.delPending.run(id);
      if (change.dirMtimeMs !== undefined) this.setMetaStmt.run('dirMtimeMs', change.dirMtimeMs);
    })();
  }

  /** The results folder's time the index was last known to agree with (0: never). */
  dirMtimeMs(): number {
    const value = this.db.prepare("SELECT value FROM meta WHERE key = 'dirMtimeMs'").pluck().get();
    return typeof value === 'number' ? value : 0;
  }

  /**
   * Starts a rebuild: every row goes, and the index counts as unfinished until finishRebuild, so a
   * rebuild cut short by a crash is started again at the next open rather than trusted.
   */
  beginRebuild(): void {
    this.db.transaction(() => {
      this.db.exec('DELETE FROM results; DELETE FROM pending;');
      this.setMetaStmt.run('complete', 0);
    })();
  }

  finishRebuild(dirMtimeMs: number): void {
    this.db.transaction(() => {
      this.setMetaStmt.run('complete', 1);
      this.setMetaStmt.run('dirMtimeMs', dirMtimeMs);
    })();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** True when `file` is a regular file or absent, and its folder is a real folder (not a link). */
async function isPlainFileOrAbsent(file: string): Promise<boolean> {
  const [folder, info] = await Promise.all([
    lstat(dirname(file)).catch(() => null),
    lstat(file).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? 'absent' : null)),
  ]);
  if (!folder?.isDirectory()) return false;
  return info === 'absent' || (info !== null && info.isFile());
}

const userVersion = (db: Database.Database): number => db.pragma('user_version', { simple: true }) as number;

const complete = (db: Database.Database): boolean =>
  db.prepare("SELECT value FROM meta WHERE key = 'complete'").pluck().get() === 1;

async function removeDatabase(file: string): Promise<void> {
  await Promise.all(['', '-wal', '-shm'].map((suffix) => rm(`${file}${suffix}`, { force: true })));
}
