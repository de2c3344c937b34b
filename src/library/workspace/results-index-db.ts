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
 * It is also what the gallery queries (results/result-sql.ts): nothing holds every result in memory, so
 * opening a project of 1,000,000 results reads one page of rows. Every row read is checked
 * (entryFromRow): a file SQLite can read may still hold rows the app never wrote.
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

/**
 * Bumped when the tables change: an index of another version is dropped and rebuilt (4: cut and tag
 * columns for queries, kept counts, covering orders; 5: batch_id, result_text for searching prompts;
 * 6: search_docs and its full-text index in place of result_text, results.doc_n).
 */
export const RESULTS_INDEX_VERSION = 6;

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
    cut_from_id TEXT,
    cut_figure INTEGER,
    m REAL NOT NULL,
    s INTEGER NOT NULL,
    image_missing INTEGER NOT NULL DEFAULT 0,
    batch_id TEXT,
    doc_n INTEGER
  ) WITHOUT ROWID;
  CREATE TABLE result_tags (
    result_id TEXT NOT NULL,
    tag_lower TEXT NOT NULL,
    tag TEXT NOT NULL,
    PRIMARY KEY (result_id, tag_lower)
  ) WITHOUT ROWID;
  CREATE TABLE search_docs (n INTEGER PRIMARY KEY, doc TEXT NOT NULL UNIQUE);
  CREATE VIRTUAL TABLE search_fts USING fts5(
    doc, content = 'search_docs', content_rowid = 'n', tokenize = 'trigram', detail = none
  );
  CREATE TRIGGER search_docs_added AFTER INSERT ON search_docs BEGIN
    INSERT INTO search_fts (rowid, doc) VALUES (new.n, new.doc);
  END;
  CREATE TABLE pending (id TEXT PRIMARY KEY) WITHOUT ROWID;
  CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
  CREATE TABLE counts (
    query TEXT NOT NULL,
    facet TEXT NOT NULL,
    key TEXT NOT NULL,
    label TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (query, facet, key)
  ) WITHOUT ROWID;
`;

/**
 * The orders and lookups the queries use. Dropped while a rebuild fills the tables and made again once
 * at its end: one sort per index is several times cheaper than keeping them through 100,000 inserts.
 * The two orders carry cut_from_id, so paging the gallery's stacked list to an offset of 900,000 steps
 * through the index alone; and doc_n, so a search's count (and page) reads the index alone too (at
 * 100,000 results about half the time of reading the rows).
 */
const INDEXES = `
  CREATE INDEX IF NOT EXISTS results_newest ON results (t DESC, id DESC, cut_from_id, doc_n);
  CREATE INDEX IF NOT EXISTS results_rating ON results (rating DESC, t DESC, id DESC, cut_from_id, doc_n);
  CREATE INDEX IF NOT EXISTS results_character ON results (character_id);
  CREATE INDEX IF NOT EXISTS results_cuts ON results (cut_from_id) WHERE cut_from_id IS NOT NULL;
  CREATE INDEX IF NOT EXISTS result_tags_tag ON result_tags (tag_lower);
`;
const DROP_INDEXES = `
  DROP INDEX IF EXISTS results_newest; DROP INDEX IF EXISTS results_rating;
  DROP INDEX IF EXISTS results_character; DROP INDEX IF EXISTS results_cuts;
  DROP INDEX IF EXISTS result_tags_tag;
`;

/**
 * Small pages: a change rewrites whole pages into the log (a rating touches the row and its place in
 * three indexes), so 1 KB pages write a quarter of what SQLite's default 4 KB would. Reads of a page
 * of the gallery stay a handful of pages either way.
 */
const PAGE_SIZE = 1024;

/**
 * One kept count (see ResultsIndex's standing queries): how many listed rows have `key` in `facet`;
 * `label` is how a tag reads (as first written), empty for the rest.
 */
export interface CountRow {
  facet: 'total' | 'character' | 'pose' | 'model' | 'flag' | 'rating' | 'tag';
  key: string;
  label: string;
  n: number;
}

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
  cut_from_id: string | null;
  cut_figure: number | null;
  m: number;
  s: number;
  image_missing: number;
  batch_id: string | null;
  doc_n: number | null;
}

/**
 * What search reads of a result besides names, seed and id: the prompts it sent, its model and its
 * tags, in lower case, one per line (a searched word has no spaces, so it never spans two of them).
 * Results share these far more than not (a batch sends one prompt with many seeds), so each distinct
 * text is kept once in search_docs, with a full-text index over it, and a result points at its own
 * (results.doc_n): a search finds the few texts holding a word, then the results pointing at them,
 * testing one integer per result however common the word. See searchWordSql in results/result-sql.ts.
 */
export function searchDocOf(e: IndexEntry): string {
  return [e.text ?? '', e.modelId.toLowerCase(), ...e.tags.map((t) => t.toLowerCase())].join('\n');
}

const toRow = (e: IndexEntry, imageMissing: boolean, docN: number | null): Row => ({
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
  cut_from_id: e.cutFrom?.resultId ?? null,
  cut_figure: e.cutFrom?.figureIndex ?? null,
  m: e.m,
  s: e.s,
  image_missing: imageMissing ? 1 : 0,
  batch_id: e.batchId ?? null,
  doc_n: docN,
});

/**
 * A row as the app wrote it, or null: a row of a hostile or damaged file that SQLite still reads (an
 * image path out of results/, a rating of 9) is never used. Every row read goes through here.
 */
export function entryFromRow(r: Row): IndexedResult | null {
  let entry: IndexEntry;
  try {
    entry = {
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
    if (r.batch_id !== null) entry.batchId = r.batch_id;
  } catch {
    return null;
  }
  if (!isIndexEntry(entry) || (entry.cutFrom?.resultId ?? null) !== r.cut_from_id) return null;
  return { entry, imageMissing: r.image_missing === 1 };
}

/** A result as the index holds it: its summary, and whether its image was missing when last looked at. */
export interface IndexedResult {
  entry: IndexEntry;
  imageMissing: boolean;
}

/** One change to the index, applied in one transaction. */
export interface IndexChange {
  put?: readonly IndexedResult[];
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

/** Named parameters of a query (better-sqlite3 binds `@name`). */
export type SqlParams = Record<string, unknown>;

/** Statements kept prepared; queries built from filters vary, so the cache is bounded. */
const STATEMENT_CACHE = 200;

export class ResultsIndexDb {
  private readonly statements = new Map<string, Database.Statement>();

  private constructor(private db: Database.Database) {}

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
    if (file === null) {
      const memory = new Database(':memory:');
      memory.pragma(`page_size = ${PAGE_SIZE}`);
      return { db: ResultsIndexDb.create(memory), needsRebuild: true };
    }
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
      return await ResultsIndexDb.openWritable(file);
    } catch (error) {
      console.warn(
        '[ccstudio] the results index could not be opened; making it anew:',
        (error as Error).message,
      );
      await removeDatabase(file);
      return ResultsIndexDb.openWritable(file);
    }
  }

  /**
   * A fresh, empty index in place of one SQLite failed to read as it should (a damaged or hostile file
   * that passed the open's checks): the file is removed and made anew (in memory for a read-only
   * project, which never writes it). The caller rebuilds it from the receipts.
   */
  static async remake(file: string, options: { readOnly: boolean }): Promise<ResultsIndexDb> {
    if (options.readOnly) return (await ResultsIndexDb.open(null, options)).db;
    await removeDatabase(file);
    return (await ResultsIndexDb.openWritable(file)).db;
  }

  private static async openWritable(file: string): Promise<OpenedIndex> {
    let db = new Database(file);
    try {
      const version = userVersion(db);
      if (version === RESULTS_INDEX_VERSION) {
        tune(db);
        return { db: new ResultsIndexDb(db), needsRebuild: !complete(db) };
      }
      // New, or written by another version: start over from an empty file (the receipts hold
      // everything), so the page size is this version's too.
      db.close();
      await removeDatabase(file);
      db = new Database(file);
      db.pragma(`page_size = ${PAGE_SIZE}`);
      tune(db);
      return { db: ResultsIndexDb.create(db), needsRebuild: true };
    } catch (error) {
      db.close();
      throw error;
    }
  }

  private static create(db: Database.Database): ResultsIndexDb {
    db.exec(SCHEMA);
    db.exec(INDEXES);
    db.pragma(`user_version = ${RESULTS_INDEX_VERSION}`);
    return new ResultsIndexDb(db);
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      if (this.statements.size >= STATEMENT_CACHE) this.statements.clear();
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Rows of a query over the index's tables (the callers build them: result-sql.ts). */
  all<T>(sql: string, params: SqlParams = {}): T[] {
    return this.statement(sql).all(params) as T[];
  }

  /** The first column of each row. */
  column<T>(sql: string, params: SqlParams = {}): T[] {
    return this.statement(sql).pluck().all(params) as T[];
  }

  /** The first column of the first row. */
  value<T>(sql: string, params: SqlParams = {}): T | undefined {
    return this.statement(sql).pluck().get(params) as T | undefined;
  }

  /** Rows one at a time, for a pass over every result without holding them all. */
  iterate<T>(sql: string, params: SqlParams = {}): IterableIterator<T> {
    return this.statement(sql).iterate(params) as IterableIterator<T>;
  }

  /** Full rows of a query selecting `results` columns; rows that are not what the app writes are left out. */
  entries(sql: string, params: SqlParams = {}, distrusted?: (id: string) => void): IndexedResult[] {
    const out: IndexedResult[] = [];
    for (const row of this.all<Row>(sql, params)) {
      const read = entryFromRow(row);
      if (read) out.push(read);
      else distrusted?.(row.id);
    }
    return out;
  }

  /** One result's row; undefined when there is none, null when it is not what the app writes. */
  get(id: string): IndexedResult | null | undefined {
    const row = this.statement('SELECT * FROM results WHERE id = ?').get(id) as Row | undefined;
    return row === undefined ? undefined : entryFromRow(row);
  }

  count(): number {
    return this.value<number>('SELECT count(*) FROM results') ?? 0;
  }

  /** Ids whose receipt was being written or moved when the app last stopped (see the pending journal). */
  pending(): string[] {
    return this.column<string>('SELECT id FROM pending');
  }

  /** Records that these receipts are about to be written or moved: committed before the files change. */
  markPending(ids: readonly string[]): void {
    this.writable();
    const add = this.statement('INSERT OR IGNORE INTO pending (id) VALUES (?)');
    this.db.transaction(() => {
      for (const id of ids) add.run(id);
    })();
  }

  apply(change: IndexChange): void {
    this.writable();
    const upsert = this.statement(
      `INSERT OR REPLACE INTO results VALUES (@id, @file, @width, @height, @created_at, @t, @model_id,
        @character_id, @pose_id, @rating, @flag, @tags, @seed, @cost, @cut_from, @cut_from_id, @cut_figure,
        @m, @s, @image_missing, @batch_id, @doc_n)`,
    );
    const del = this.statement('DELETE FROM results WHERE id = ?');
    const delTags = this.statement('DELETE FROM result_tags WHERE result_id = ?');
    const addTag = this.statement(
      'INSERT OR IGNORE INTO result_tags (result_id, tag_lower, tag) VALUES (?, ?, ?)',
    );
    const delPending = this.statement('DELETE FROM pending WHERE id = ?');
    const docOf = this.statement('SELECT n FROM search_docs WHERE doc = ?').pluck();
    const addDoc = this.statement('INSERT INTO search_docs (doc) VALUES (?)');
    this.db.transaction(() => {
      for (const { entry, imageMissing } of change.put ?? []) {
        // Usually a text already kept (a rating or a new seed of the same prompt): one lookup, no write.
        const doc = searchDocOf(entry);
        const docN = (docOf.get(doc) as number | undefined) ?? Number(addDoc.run(doc).lastInsertRowid);
        upsert.run(toRow(entry, imageMissing, docN));
        delTags.run(entry.id);
        for (const tag of entry.tags) addTag.run(entry.id, tag.toLowerCase(), tag);
      }
      // A text no result points at any more stays until the next rebuild: it may be shared, and it is
      // never found (a search goes from texts to the results that point at them).
      for (const id of change.remove ?? []) {
        del.run(id);
        delTags.run(id);
      }
      for (const id of change.settle ?? []) delPending.run(id);
      if (change.dirMtimeMs !== undefined) this.setMeta('dirMtimeMs', change.dirMtimeMs);
    })();
  }

  private setMeta(key: string, value: number | string): void {
    this.statement('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(key, value);
  }

  /** The results folder's time the index was last known to agree with (0: never). */
  dirMtimeMs(): number {
    const value = this.value<unknown>("SELECT value FROM meta WHERE key = 'dirMtimeMs'");
    return typeof value === 'number' ? value : 0;
  }

  /**
   * Starts a rebuild: every row goes, and the index counts as unfinished until finishRebuild, so a
   * rebuild cut short by a crash is started again at the next open rather than trusted.
   */
  beginRebuild(): void {
    this.writable();
    this.db.transaction(() => {
      this.db.exec(
        `DELETE FROM results; DELETE FROM result_tags; DELETE FROM search_docs; DELETE FROM pending; DELETE FROM counts;
        INSERT INTO search_fts (search_fts) VALUES ('delete-all'); ${DROP_INDEXES}`,
      );
      this.setMeta('complete', 0);
    })();
    this.statements.clear(); // prepared with the indexes in mind
  }

  finishRebuild(dirMtimeMs: number): void {
    this.writable();
    this.db.transaction(() => {
      this.db.exec(INDEXES);
      this.setMeta('complete', 1);
      this.setMeta('dirMtimeMs', dirMtimeMs);
    })();
    this.statements.clear();
    // A rebuild wrote the whole index through the log: moved into the file now and the log emptied,
    // so the next changes do not pay for copying it.
    if (this.db.name !== ':memory:') this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /** Runs `work` in one transaction (nested calls become savepoints): all of it is written, or none. */
  inTransaction<T>(work: () => T): T {
    this.writable();
    return this.db.transaction(work)();
  }

  /** The kept counts of one standing query (empty when it has none yet). */
  readCounts(query: string): CountRow[] {
    return this.all<CountRow>('SELECT facet, key, label, n FROM counts WHERE query = @query', { query });
  }

  clearCounts(query: string): void {
    this.statement('DELETE FROM counts WHERE query = @query').run({ query });
  }

  /** Adds each row's `n` to the count kept under its facet and key (a count reaching 0 goes). */
  addCounts(query: string, deltas: readonly CountRow[]): void {
    const add = this.statement(
      `INSERT INTO counts (query, facet, key, label, n) VALUES (@query, @facet, @key, @label, @n)
        ON CONFLICT (query, facet, key) DO UPDATE SET n = n + excluded.n`,
    );
    const drop = this.statement(
      "DELETE FROM counts WHERE query = @query AND facet = @facet AND key = @key AND n <= 0 AND facet != 'total'",
    );
    for (const delta of deltas) {
      add.run({ query, ...delta });
      if (delta.n < 0) drop.run({ query, facet: delta.facet, key: delta.key });
    }
  }

  /**
   * A read-only project's index is opened read-only and never written; when this session has to change
   * it (a result added or edited outside the app), it carries on with a copy in memory.
   */
  private writable(): void {
    if (!this.db.readonly) return;
    const copy = new Database(this.db.serialize());
    this.db.close();
    this.db = copy;
    this.statements.clear();
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

function tune(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // 32 MB of page cache: the pages a gallery reads stay in memory, well inside the 300 MB budget.
  db.pragma('cache_size = -32768');
}

const complete = (db: Database.Database): boolean =>
  db.prepare("SELECT value FROM meta WHERE key = 'complete'").pluck().get() === 1;

async function removeDatabase(file: string): Promise<void> {
  await Promise.all(['', '-wal', '-shm'].map((suffix) => rm(`${file}${suffix}`, { force: true })));
}

/** An error SQLite raised reading or writing the index (not one of the app's own): the file is at fault. */
export const isIndexFailure = (error: unknown): boolean => error instanceof Database.SqliteError;
