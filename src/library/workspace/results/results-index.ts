import { rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { AppError, ResultSchema, type Flag, type ProjectProblem, type Result } from '../../../domain';
import { mapWithConcurrency } from '../../../images';
import { jsonFromRead } from '../../json-file';
import { isInsideProject, MAX_JSON_BYTES, readFileInside, readRegularFile } from '../../contained-fs';
import type { ProjectHandle } from '../../project-store';
import { FolderWatch } from '../folder-watch';
import { exists, listDir, readFault } from '../fs-utils';
import { entryOf, hasFineMtime, isResultFile, type IndexEntry } from '../result-index-file';
import {
  ResultsIndexDb,
  isIndexFailure,
  type CountRow,
  type IndexedResult,
  type SqlParams,
} from '../results-index-db';
import { emptyCatalog } from '../result-query';
import {
  addShare,
  countKey,
  countsFromRows,
  emptyCounts,
  FACET_COLUMNS,
  filterSql,
  listedSql,
  rowsOfCounts,
  sharesOf,
  STANDING_FILTERS,
  type FacetCounts,
  type FacetRow,
  type FilterSql,
} from './result-sql';
import type { TaskControl } from '../task-control';

const ID = /^[a-z0-9]{8,40}$/;
const READ_CONCURRENCY = 16;
/** One group of spendGroups(): generated results of one character, batch and model. */
export interface SpendGroup {
  characterId: string;
  batchId: string | null;
  modelId: string;
  runs: number;
  cost: number;
  known: number;
  unknown: number;
}

/** Receipts read (and written to the index) per step of a rebuild: the progress it reports. */
const REBUILD_BATCH = 1000;
/** Receipts stat'ed per step of a check of every receipt. */
const STAT_BATCH = 10_000;

/** How the last load or refresh went: for tests, the bench and logs. */
export interface LoadReport {
  mode: 'cache' | 'rebuilt' | 'refresh';
  /** Whether results/ had to be listed (false: its mtime proved the cache current). */
  listed: boolean;
  /** Receipts read because they were new, changed, or the cache was rebuilt. */
  read: number;
  added: number;
  removed: number;
  changed: number;
  problems: ProjectProblem[];
}

/** Changes held for a few counts at most: a bigger one (a rebuild, a refresh) counts again from scratch. */
const MAX_TRACKED_CHANGE = 2000;
/** Filters whose counts are kept up to date (the gallery's, the navigator's, a dialog's). */
const LIVE_QUERIES = 4;

/** A filter whose count (and facet counts) are kept by applying each change's difference. */
interface LiveQuery {
  key: string;
  f: FilterSql;
  /** One of STANDING_FILTERS: its counts are kept in the database too, and it is never let go. */
  standing: boolean;
  total: number | null;
  counts: FacetCounts | null;
}

/**
 * The index of the results: the cache on disk (.studio/results-index.sqlite, see results-index-db.ts)
 * with its pending journal, which the gallery queries directly (result-listing.ts), so memory does not
 * grow with the project. Loads, reconciles with results/, refreshes, rebuilds, and persists what
 * changed; reads single receipts. The other result modules change it through put/drop/touch,
 * expect/settle and persist.
 *
 * Changes are held in `unwritten` and written in one transaction by the next persist, or before the next
 * query reads the database (so a query always sees every change made before it). The counts of the
 * filters in use are kept by the difference each write makes to the rows it touches, so a rating at
 * 1,000,000 results never counts 1,000,000 rows again.
 */
export class ResultsIndex {
  /** While a background check runs: the folder time to record instead of the current one. */
  private unverifiedDirMtime: number | null = null;
  private verifying: Promise<void> | undefined;
  private readonly listeners = new Set<() => void>();
  private loading: Promise<LoadReport> | null = null;
  private db: ResultsIndexDb | null = null;
  /** Rows to write (or, null, to delete) at the next flush. */
  private readonly unwritten = new Map<string, IndexedResult | null>();
  /** Ids in the pending journal whose files are settled: the next persist clears their mark. */
  private readonly settledMarks = new Set<string>();
  /** Rows found not to be what the app writes: their receipts are read again (repairRows). */
  private readonly distrusted = new Set<string>();
  private repairing = false;
  private remaking: Promise<void> | null = null;
  /** What changed in results/ while the project is open (see refresh). */
  private watch: FolderWatch | null = null;
  /** The results folder's time the index last agreed with (what the database records). */
  private recordedDirMtime = 0;
  private readonly live = new Map<string, LiveQuery>();
  /** How many times a filter's rows were counted from scratch (the tests and the bench watch it). */
  countedFromScratch = 0;
  /** Bumped on every change; a page from an older revision is stale. */
  revision = 0;
  lastLoad: LoadReport | null = null;

  constructor(private readonly project: ProjectHandle) {}

  get layout() {
    return this.project.layout;
  }
  jsonPath(id: string): string {
    return join(this.layout.resultsDir, `${id}.json`);
  }

  // -- loading -----------------------------------------------------------------------------------

  /** Loads the index once per open project (later calls share the first). */
  load(): Promise<LoadReport> {
    this.loading ??= this.loadNow().catch((error: unknown) => {
      this.loading = null;
      throw error;
    });
    return this.loading;
  }

  private async loadNow(): Promise<LoadReport> {
    const project = this.project;
    const { db, needsRebuild } = await ResultsIndexDb.open(this.layout.resultsIndexFile, {
      readOnly: project.readOnly,
    });
    this.db = db;
    // Watching starts before anything is read, so no change made from here on goes unseen.
    const watch = new FolderWatch(this.layout.resultsDir);
    this.watch = watch;
    project.onClose(() => {
      watch.stop();
      this.db?.close();
      this.db = null;
    });
    if (needsRebuild) {
      const report = await this.rebuildNow();
      this.lastLoad = report;
      return report;
    }
    // The rows are not read here: each is checked when a query reads it (entryFromRow), so opening
    // costs the same at 1,000 results as at 1,000,000.
    this.loadStanding();
    // Receipts being written or moved when the app last stopped: read again, whatever else is known.
    const pending = db.pending();
    const problems = await this.readIn(pending);
    for (const id of pending) this.settledMarks.add(id);
    if (pending.length > 0) this.touch();

    const recorded = db.dirMtimeMs();
    this.recordedDirMtime = recorded;
    const dirMtimeMs = (await stat(this.layout.resultsDir).catch(() => null))?.mtimeMs ?? 0;
    let report: LoadReport;
    if (dirMtimeMs === recorded && hasFineMtime(dirMtimeMs)) {
      // Nothing was added, removed or renamed in results/ since the index last agreed with it.
      report = {
        mode: 'cache',
        listed: false,
        read: pending.length,
        added: 0,
        removed: 0,
        changed: 0,
        problems,
      };
    } else {
      // Something changed there: receipts added or removed are settled now (one listing); receipts
      // replaced in place are looked for in the background, so the first page does not wait for
      // 10,000 stat calls. What that finds is announced through onBackgroundChange.
      const names = await listDir(this.layout.resultsDir);
      const found = await this.reconcile(names, 'none');
      report = {
        ...found,
        read: found.read + pending.length,
        problems: [...problems, ...found.problems],
        mode: 'cache',
        listed: true,
      };
      // Until the check is done, rows written for another reason keep the old folder time, so after a
      // crash the next open checks again.
      this.unverifiedDirMtime = recorded;
      this.verifying = this.verifyInBackground();
    }
    if (!report.listed) await this.persist();
    this.lastLoad = report;
    return report;
  }

  /**
   * The second half of a load after results/ changed: every kept receipt is stat'ed and those whose
   * mtime or size moved are read again. The index is written only after this, so a crash before it
   * leaves the old folder time recorded and the next open checks again.
   */
  private async verifyInBackground(): Promise<void> {
    try {
      const { changed, problems } = await this.statCheck();
      this.unverifiedDirMtime = null;
      // Written even when nothing changed: the new folder time makes the next open take the fast path.
      await this.persist();
      if (changed > 0 || problems.length > 0) {
        if (this.lastLoad) {
          this.lastLoad.changed += changed;
          this.lastLoad.read += changed;
          this.lastLoad.problems.push(...problems);
        }
        this.announce();
      }
    } catch (error) {
      console.warn('[ccstudio] checking the results folder failed:', (error as Error).message);
    }
  }

  /**
   * Stats every receipt in the index, STAT_BATCH at a time (so memory stays flat at 1,000,000 results);
   * reads again those whose mtime or size moved.
   */
  private async statCheck(): Promise<{ changed: number; problems: ProjectProblem[] }> {
    const changed: string[] = [];
    let after = '';
    for (;;) {
      const kept = this.database().all<{ id: string; m: number; s: number }>(
        'SELECT id, m, s FROM results WHERE id > @after ORDER BY id LIMIT @limit',
        { after, limit: STAT_BATCH },
      );
      const last = kept.at(-1);
      if (!last) break;
      after = last.id;
      const stats = await mapWithConcurrency(kept, 64, (e) => stat(this.jsonPath(e.id)).catch(() => null));
      kept.forEach((e, i) => {
        const s = stats[i];
        if (!s || s.mtimeMs !== e.m || s.size !== e.s) changed.push(e.id);
      });
    }
    if (changed.length === 0) return { changed: 0, problems: [] };
    const problems = await this.readIn(changed);
    this.touch();
    return { changed: changed.length, problems };
  }

  /**
   * Runs a read of the index; when SQLite fails it (a damaged or hostile index that passed the open's
   * checks, such as a broken full-text table), the index, only a cache, is made anew from the receipts
   * and the read runs once more. A second failure is the app's own and is thrown.
   */
  async reading<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (error) {
      if (!isIndexFailure(error) || !this.db) throw error;
      console.warn('[ccstudio] the results index failed a read; making it anew:', (error as Error).message);
      await this.remake();
      return read();
    }
  }

  private async remake(): Promise<void> {
    this.remaking ??= (async () => {
      this.db?.close();
      this.db = null;
      this.db = await ResultsIndexDb.remake(this.layout.resultsIndexFile, {
        readOnly: this.project.readOnly,
      });
      this.lastLoad = await this.rebuildNow();
    })().finally(() => (this.remaking = null));
    return this.remaking;
  }

  /** Resolves when a background check started by load() is done (tests, and before a rebuild). */
  async settled(): Promise<void> {
    await this.load();
    await this.verifying;
  }

  /** Called when a background check changed the index (receipts replaced in place, or damaged). */
  onBackgroundChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private announce(): void {
    for (const listener of this.listeners) listener();
  }

  /**
   * Brings the index in line with a listing of results/: ids whose receipt appeared are read, ids
   * whose receipt went are dropped, and with `stat: 'all'` every kept receipt is also stat'ed and read
   * again if it moved. Also notes which images are missing.
   */
  private async reconcile(
    names: string[],
    statMode: 'none' | 'all',
  ): Promise<Omit<LoadReport, 'mode' | 'listed'>> {
    const jsonIds = new Set<string>();
    const fileNames = new Set<string>();
    for (const name of names) {
      fileNames.add(name);
      if (name.endsWith('.json')) {
        const id = name.slice(0, -5);
        if (ID.test(id)) jsonIds.add(id);
      }
    }
    const known = new Set(this.database().column<string>('SELECT id FROM results'));
    let removed = 0;
    for (const id of known) {
      if (!jsonIds.has(id)) {
        this.drop(id);
        removed++;
      }
    }
    const added = [...jsonIds].filter((id) => !known.has(id));
    known.clear();
    const imageMissing = (entry: IndexEntry) => !fileNames.has(basename(entry.file));
    const problems = await this.readIn(added, imageMissing);
    let changed = 0;
    if (statMode === 'all') {
      const checked = await this.statCheck();
      changed = checked.changed;
      problems.push(...checked.problems);
    }
    this.noteMissingImages(fileNames);
    if (removed + added.length > 0) this.touch();
    return { read: added.length + changed, added: added.length, removed, changed, problems };
  }

  /** Records, for every result, whether its image is among `fileNames` (a listing of results/). */
  private noteMissingImages(fileNames: ReadonlySet<string>): void {
    const moved: string[] = [];
    for (const row of this.database().iterate<{ id: string; file: string; image_missing: number }>(
      'SELECT id, file, image_missing FROM results',
    )) {
      if (!fileNames.has(basename(row.file)) !== (row.image_missing === 1)) moved.push(row.id);
    }
    for (const id of moved) {
      const row = this.row(id);
      if (row) this.put(row.entry, !row.imageMissing);
    }
    if (moved.length > 0) this.touch();
  }

  /**
   * Whether results/ is a folder inside the project (not a link out of it): then its receipts can be
   * read without resolving each one's path. Looked at again for every batch of reads (the folder may be
   * replaced while the project is open).
   */
  private folderInside(): Promise<boolean> {
    return isInsideProject(this.layout.resultsDir).catch(() => false);
  }

  /**
   * Reads receipts into the index; a damaged one is quarantined and reported, the rest carry on.
   * `imageMissing` says whether a receipt's image is missing when the caller knows (else it is kept).
   */
  private async readIn(
    ids: readonly string[],
    imageMissing?: (entry: IndexEntry) => boolean,
  ): Promise<ProjectProblem[]> {
    const problems: ProjectProblem[] = [];
    const inside = ids.length > 0 && (await this.folderInside());
    await mapWithConcurrency(ids, READ_CONCURRENCY, async (id) => {
      const read = await this.readReceipt(id, inside);
      if ('problem' in read) {
        this.drop(id);
        if (read.problem) problems.push(read.problem);
      } else {
        const entry = entryOf(read.result, read.stat);
        this.put(entry, imageMissing?.(entry));
      }
    });
    return problems;
  }

  /** Reads one receipt; `inside` when the caller has just seen that results/ is inside the project. */
  async readReceipt(
    id: string,
    inside?: boolean,
  ): Promise<
    { result: Result; stat: { mtimeMs: number; size: number } } | { problem: ProjectProblem | null }
  > {
    const file = this.jsonPath(id);
    // Only a receipt that is not there is missing: a read the disk failed (EIO, EACCES) is thrown, so a
    // result is never dropped from the index, or reported as not in the project, for a disk's hiccup.
    // In a results folder that is inside the project, a receipt is opened as itself (never through a
    // link) and checked on its handle, which also gives its mtime and size: four calls, as a plain read.
    const fileRead =
      (inside ?? (await this.folderInside()))
        ? await readRegularFile(file, MAX_JSON_BYTES, { noFollow: true })
        : await readFileInside(file, MAX_JSON_BYTES);
    if (!fileRead.ok && fileRead.missing) return { problem: null };
    const info = fileRead.ok ? fileRead.stat : { mtimeMs: 0, size: 0 };
    const read = jsonFromRead(fileRead, ResultSchema);
    if (read.ok) {
      const result = read.value.id === id ? read.value : { ...read.value, id };
      if (!isResultFile(result.file)) {
        return {
          problem: await this.project.quarantine(
            file,
            `its image path “${result.file}” is not inside results/`,
          ),
        };
      }
      return { result, stat: info };
    }
    if (read.missing) return { problem: null };
    return { problem: await this.project.quarantine(file, read.reason) };
  }

  /**
   * Looks at the folder again: notices results added, deleted or edited outside the app since (every
   * receipt is stat'ed, so an edit in place is caught too). About 50 ms for 10,000 results.
   */
  async refresh(options: { full?: boolean } = {}): Promise<LoadReport> {
    await this.load();
    await this.verifying;
    if (!options.full) {
      const quick = await this.refreshWhatChanged();
      if (quick) return quick;
    }
    const names = await listDir(this.layout.resultsDir);
    const report: LoadReport = { ...(await this.reconcile(names, 'all')), mode: 'refresh', listed: true };
    await this.persist(); // also records the folder's time, so the next open takes the fast path
    return report;
  }

  /**
   * The refresh made when the window regains focus: only the results whose files the OS reported
   * changed since the last look are checked (a stat each, a read for those that really changed), so it
   * costs what changed, not what the project holds. Null when it cannot be sure what changed (no
   * notifications on this platform or folder, a flood of changes, or the folder's time moved with no
   * name reported): the caller then looks at the whole folder.
   */
  private async refreshWhatChanged(): Promise<LoadReport | null> {
    const dir = await stat(this.layout.resultsDir).catch(() => null);
    // Notifications of writes that finished before this call are delivered by now (a turn of the loop).
    await new Promise((resolve) => setImmediate(resolve));
    const taken = this.watch?.take();
    if (!dir || !taken?.complete) return null;
    const report: LoadReport = {
      mode: 'refresh',
      listed: false,
      read: 0,
      added: 0,
      removed: 0,
      changed: 0,
      problems: [],
    };
    if (taken.names.size === 0) return dir.mtimeMs === this.recordedDirMtime ? report : null;
    const ids = new Set<string>();
    for (const name of taken.names) {
      const id = name.replace(/\.[a-z0-9]{2,5}$/, '');
      if (ID.test(id)) ids.add(id);
    }
    const toRead: string[] = [];
    await mapWithConcurrency([...ids], 16, async (id) => {
      const receipt = await stat(this.jsonPath(id)).catch(() => null);
      const row = this.row(id);
      if (!receipt) {
        if (row && this.drop(id)) report.removed++;
        return;
      }
      if (!row) report.added++;
      else if (receipt.mtimeMs !== row.entry.m || receipt.size !== row.entry.s) report.changed++;
      else return this.noteImage(row);
      toRead.push(id);
    });
    report.problems = await this.readIn(toRead);
    report.read = toRead.length;
    await Promise.all(toRead.map((id) => this.row(id)).map((row) => row && this.noteImage(row)));
    if (report.added + report.removed + report.changed > 0) this.touch();
    await this.persist();
    return report;
  }

  /** Checks that a result's image is (still) there, and records when that changed. */
  private async noteImage({ entry, imageMissing }: IndexedResult): Promise<void> {
    const there = await exists(join(this.project.root, ...entry.file.split('/'))).catch(() => true);
    if (there === !imageMissing) return;
    this.put(entry, !there);
    this.touch();
  }

  /** Throws the cache away and reads every receipt. */
  async rebuild(control: TaskControl = {}): Promise<LoadReport> {
    await this.settled().catch(() => undefined);
    const report = await this.rebuildNow(control);
    this.lastLoad = report;
    return report;
  }

  /**
   * Reads every receipt into an emptied index, REBUILD_BATCH at a time, each batch written to the
   * database as it is read (so the work is linear and a crash leaves an index marked unfinished, which
   * the next open rebuilds again). Removes the JSON index of earlier versions once done.
   */
  private async rebuildNow(control: TaskControl = {}): Promise<LoadReport> {
    const db = this.db;
    const writable = !this.project.readOnly;
    const dirMtimeMs = (await stat(this.layout.resultsDir).catch(() => null))?.mtimeMs ?? 0;
    const names = await listDir(this.layout.resultsDir);
    const ids = names.flatMap((name) => {
      const id = name.endsWith('.json') ? name.slice(0, -5) : '';
      return ID.test(id) ? [id] : [];
    });
    const fileNames = new Set(names);
    const imageMissing = (entry: IndexEntry) => !fileNames.has(basename(entry.file));
    this.unwritten.clear();
    this.settledMarks.clear();
    this.distrusted.clear();
    this.live.clear();
    db?.beginRebuild();
    const problems: ProjectProblem[] = [];
    control.onProgress?.(0, ids.length, 0);
    for (let from = 0; from < ids.length; from += REBUILD_BATCH) {
      problems.push(...(await this.readIn(ids.slice(from, from + REBUILD_BATCH), imageMissing)));
      this.flush();
      control.onProgress?.(Math.min(from + REBUILD_BATCH, ids.length), ids.length, 0);
    }
    db?.finishRebuild(dirMtimeMs);
    this.countStanding();
    this.recordedDirMtime = dirMtimeMs;
    this.touch();
    if (writable) await rm(this.layout.legacyIndexFile, { force: true }).catch(() => undefined);
    return {
      mode: 'rebuilt',
      listed: true,
      read: ids.length,
      added: db ? db.count() : 0,
      removed: 0,
      changed: 0,
      problems,
    };
  }

  // -- changing ----------------------------------------------------------------------------------

  /** A change was made: pages of earlier revisions are stale. */
  touch(): void {
    this.revision++;
  }

  /** Records a result's row; `imageMissing` undefined keeps what the index knew. */
  put(entry: IndexEntry, imageMissing?: boolean): void {
    const missing = imageMissing ?? this.row(entry.id)?.imageMissing ?? false;
    this.unwritten.set(entry.id, { entry, imageMissing: missing });
  }

  /** Removes a result's row; answers whether there was one. */
  drop(id: string): boolean {
    const had = this.row(id) !== undefined;
    this.unwritten.set(id, null);
    return had;
  }

  /**
   * Records in the index's pending journal that these results' files are about to change, before they
   * do: a crash before their rows are written makes the next open read exactly these receipts again.
   */
  expect(ids: readonly string[]): void {
    if (ids.length === 0 || this.project.readOnly) return;
    try {
      this.db?.markPending(ids);
    } catch (error) {
      // Without the mark a crash in the next moments is still caught by the folder's time at open.
      console.warn('[ccstudio] the results index could not note a change:', (error as Error).message);
    }
  }

  /** The files of these results are in place (or the change failed and left them as they were). */
  settle(ids: readonly string[]): void {
    for (const id of ids) this.settledMarks.add(id);
  }

  /**
   * Writes what changed since the last persist: the changed rows, the settled pending marks and the
   * folder's time, in one transaction (a few KB, whatever the project's size). Synchronous once the
   * folder's time is known, so two persists never interleave.
   */
  async persist(): Promise<void> {
    if (!this.db) return;
    const dir = this.project.readOnly ? null : await stat(this.layout.resultsDir).catch(() => null);
    this.flush(this.unverifiedDirMtime === null && dir ? dir.mtimeMs : undefined);
  }

  /**
   * Writes the unwritten rows (and settled marks, and the folder's time) in one transaction, and keeps
   * the counts of the live queries by what the rows it touches contributed before and after. A read-only
   * project's index takes the rows too (in memory, see ResultsIndexDb.writable), never its marks or time.
   */
  private flush(dirMtimeMs?: number): void {
    const db = this.db;
    const readOnly = this.project.readOnly;
    const settle = readOnly ? [] : [...this.settledMarks];
    if (!db || (this.unwritten.size === 0 && settle.length === 0 && dirMtimeMs === undefined)) return;
    const changed = [...this.unwritten];
    const put: IndexedResult[] = [];
    const remove: string[] = [];
    for (const [id, row] of changed) {
      if (row) put.push(row);
      else remove.push(id);
    }
    if (changed.length > MAX_TRACKED_CHANGE)
      for (const [key, query] of this.live) if (!query.standing) this.live.delete(key);
    try {
      const deltas = db.inTransaction(() => {
        const touched =
          this.live.size > 0 && changed.length > 0 ? this.rowsTouchedBy(changed.map(([id]) => id)) : [];
        const found = new Map<LiveQuery, Map<string, CountRow>>();
        this.shareOfRows(touched, -1, found);
        db.apply({ put, remove, settle, ...(dirMtimeMs === undefined ? {} : { dirMtimeMs }) });
        this.shareOfRows(touched, 1, found);
        for (const [query, delta] of found)
          if (query.standing)
            db.addCounts(
              query.key,
              [...delta.values()].filter((d) => d.n !== 0),
            );
        return found;
      });
      for (const [query, delta] of deltas) {
        for (const d of delta.values()) {
          if (d.facet === 'total' && query.total !== null) query.total += d.n;
          if (query.counts) addShare(query.counts, d, d.n);
        }
      }
      if (dirMtimeMs !== undefined) this.recordedDirMtime = dirMtimeMs;
      // Only what this write took: a put made meanwhile (none can be, flush is synchronous) would stay.
      for (const [id, row] of changed) if (this.unwritten.get(id) === row) this.unwritten.delete(id);
      for (const id of settle) this.settledMarks.delete(id);
    } catch (error) {
      // The index is a cache: the receipts are already safe, and the rows stay unwritten for the next
      // try. Nothing of the transaction was written, so the kept counts are read again as they were.
      this.live.clear();
      this.loadStanding();
      console.warn('[ccstudio] the results index could not be saved:', (error as Error).message);
    }
  }

  /** The changed ids and the cuts of any of them that is a sheet: whose place in a stacked list can move. */
  private rowsTouchedBy(ids: string[]): string[] {
    const cuts = this.requireDb().column<string>(
      'SELECT id FROM results WHERE cut_from_id IN (SELECT value FROM json_each(@ids))',
      { ids: JSON.stringify(ids) },
    );
    return [...new Set([...ids, ...cuts])];
  }

  /** Adds (1) or takes away (-1) what these rows contribute to each live query, into `found`. */
  private shareOfRows(ids: string[], by: 1 | -1, found: Map<LiveQuery, Map<string, CountRow>>): void {
    if (ids.length === 0) return;
    const db = this.requireDb();
    for (const query of this.live.values()) {
      const rows = db.all<FacetRow>(
        `SELECT ${FACET_COLUMNS} FROM results r WHERE r.id IN (SELECT value FROM json_each(@touched))
          AND ${listedSql(query.f)}`,
        { ...query.f.params, touched: JSON.stringify(ids) },
      );
      let delta = found.get(query);
      if (!delta) found.set(query, (delta = new Map()));
      for (const row of rows) {
        for (const share of sharesOf(row)) {
          const at = `${share.facet}\0${share.key}`;
          const slot = delta.get(at);
          if (slot) slot.n += by;
          else delta.set(at, { ...share, n: by });
        }
      }
    }
  }

  /** Takes up the counts of the standing filters the index keeps. */
  private loadStanding(): void {
    const db = this.db;
    if (!db) return;
    for (const filter of STANDING_FILTERS) {
      const key = countKey(filter, 0);
      const f = filterSql(filter, emptyCatalog());
      const rows = db.readCounts(key);
      if (!rows.some((r) => r.facet === 'total')) continue; // counted when first asked for
      const counts = countsFromRows(rows);
      this.live.set(key, { key, f, standing: true, total: counts.total, counts });
    }
  }

  /**
   * Counts the standing filters from scratch and keeps their counts: once at the end of a rebuild (one
   * grouped pass over the fresh indexes costs less than following 100,000 inserts one batch at a time).
   */
  private countStanding(): void {
    this.live.clear();
    for (const filter of STANDING_FILTERS) {
      const key = countKey(filter, 0);
      const f = filterSql(filter, emptyCatalog());
      const counts = this.countAll(f);
      this.keepCounts(key, counts);
      this.live.set(key, { key, f, standing: true, total: counts.total, counts });
    }
  }

  // -- reading -----------------------------------------------------------------------------------

  private requireDb(): ResultsIndexDb {
    if (!this.db) throw new AppError('NOT_FOUND', 'The project is closed.');
    return this.db;
  }

  /** The database, with every change made so far written to it: what queries read. */
  database(): ResultsIndexDb {
    this.flush();
    return this.requireDb();
  }

  /** A result's row as the index holds it (the unwritten change first); undefined when it has none. */
  row(id: string): IndexedResult | undefined {
    const unwritten = this.unwritten.get(id);
    if (unwritten !== undefined) return unwritten ?? undefined;
    const row = this.requireDb().get(id);
    if (row === null) {
      this.distrust(id);
      return undefined;
    }
    return row;
  }

  /** Rows of a query selecting `results` columns (r.*), each checked; one that is not what the app wrote is repaired. */
  rows(sql: string, params: SqlParams = {}): IndexedResult[] {
    return this.database().entries(sql, params, (id) => this.distrust(id));
  }

  /**
   * A row that is not what the app writes (a hostile or damaged index that SQLite still reads) is never
   * used: its receipt is read again in the background and its row replaced, and the UI is told.
   */
  private distrust(id: string): void {
    this.distrusted.add(id);
    if (this.repairing) return;
    this.repairing = true;
    setImmediate(() => {
      void this.repairRows().finally(() => {
        this.repairing = false;
      });
    });
  }

  private async repairRows(): Promise<void> {
    const ids = [...this.distrusted];
    this.distrusted.clear();
    for (const id of ids) this.unwritten.set(id, null);
    try {
      const problems = await this.readIn(ids, () => false);
      this.touch();
      await this.persist();
      this.lastLoad?.problems.push(...problems);
      this.announce();
    } catch (error) {
      console.warn('[ccstudio] repairing the results index failed:', (error as Error).message);
    }
  }

  /** How many rows the listed filter shows (kept by difference between calls: see flush). */
  listedCount(key: string, f: FilterSql): number {
    const query = this.liveQuery(key, f);
    if (query.total === null && query.standing) return this.facetCounts(key, f).total;
    if (query.total === null) {
      this.countedFromScratch++;
      query.total =
        query.counts?.total ??
        this.database().value<number>(`SELECT count(*) FROM results r WHERE ${listedSql(f)}`, f.params) ??
        0;
    }
    return query.total;
  }

  /** The facet counts of a filter (kept by difference between calls: see flush). */
  facetCounts(key: string, f: FilterSql): FacetCounts {
    const query = this.liveQuery(key, f);
    if (!query.counts) {
      const counts = this.countAll(f);
      if (query.standing) this.keepCounts(key, counts);
      query.counts = counts;
    }
    query.total = query.counts.total;
    return query.counts;
  }

  /** Writes a standing filter's counts, counted from scratch, for the next open to read. */
  private keepCounts(key: string, counts: FacetCounts): void {
    const db = this.requireDb();
    try {
      db.inTransaction(() => {
        db.clearCounts(key);
        db.addCounts(key, rowsOfCounts(counts));
      });
    } catch (error) {
      console.warn('[ccstudio] the results index could not keep its counts:', (error as Error).message);
    }
  }

  private liveQuery(key: string, f: FilterSql): LiveQuery {
    this.flush();
    let query = this.live.get(key);
    if (query) {
      this.live.delete(key); // to the end: the most recently used
    } else {
      const standing = STANDING_FILTERS.some((filter) => countKey(filter, 0) === key);
      query = { key, f, standing, total: null, counts: null };
      const others = [...this.live.values()].filter((q) => !q.standing);
      if (others.length >= LIVE_QUERIES && others[0]) this.live.delete(others[0].key);
    }
    this.live.set(key, query);
    return query;
  }

  /**
   * Spend grouped by character, batch and model over the generated results (not their cuts), summed in
   * SQL: `runs` counts paid runs (cost above 0: a run's further pictures carry 0), `known` the rows with
   * a cost, `unknown` those whose receipt names none. Kilobytes of rows, whatever the project's size.
   */
  spendGroups(): SpendGroup[] {
    const f = filterSql({ source: 'generated' }, emptyCatalog());
    return this.database().all<SpendGroup>(
      `SELECT r.character_id AS characterId, r.batch_id AS batchId, r.model_id AS modelId,
          sum(r.cost > 0) AS runs, total(r.cost) AS cost, count(r.cost) AS known,
          sum(r.cost IS NULL) AS unknown
        FROM results r WHERE ${listedSql(f)} GROUP BY r.character_id, r.batch_id, r.model_id`,
      f.params,
    );
  }

  /** Counts every listed row of a filter, grouped in SQL. */
  private countAll(f: FilterSql): FacetCounts {
    const db = this.database();
    this.countedFromScratch++;
    const counts = emptyCounts();
    const grouped = db.all<{
      character_id: string;
      pose_id: string;
      model_id: string;
      flag: string;
      rating: number;
      n: number;
    }>(
      `SELECT r.character_id, r.pose_id, r.model_id, r.flag, r.rating, count(*) AS n FROM results r
        WHERE ${listedSql(f)} GROUP BY r.character_id, r.pose_id, r.model_id, r.flag, r.rating`,
      f.params,
    );
    for (const g of grouped) {
      counts.total += g.n;
      counts.characters.set(g.character_id, (counts.characters.get(g.character_id) ?? 0) + g.n);
      counts.poses.set(g.pose_id, (counts.poses.get(g.pose_id) ?? 0) + g.n);
      counts.models.set(g.model_id, (counts.models.get(g.model_id) ?? 0) + g.n);
      if (g.flag in counts.flags) counts.flags[g.flag as Flag] += g.n;
      if (g.rating >= 0 && g.rating <= 5) counts.ratings[g.rating] = (counts.ratings[g.rating] ?? 0) + g.n;
    }
    for (const t of db.all<{ tag_lower: string; tag: string; n: number }>(
      `SELECT t.tag_lower, min(t.tag) AS tag, count(*) AS n FROM result_tags t JOIN results r ON r.id = t.result_id
        WHERE ${listedSql(f)} GROUP BY t.tag_lower`,
      f.params,
    ))
      counts.tags.set(t.tag_lower, { tag: t.tag, count: t.n });
    return counts;
  }

  /** True when a result with this id is in the project (for a job that may have committed before a crash). */
  async has(id: string): Promise<boolean> {
    await this.load();
    return this.row(id) !== undefined;
  }

  /** How many results the index holds. */
  count(): number {
    return this.database().count();
  }

  async get(id: string): Promise<Result> {
    await this.load();
    const read = await this.readReceipt(id).catch((error: unknown) => {
      throw readFault(error, 'this result’s receipt') ?? error;
    });
    if ('problem' in read) {
      if (this.drop(id)) {
        this.touch();
        void this.persist();
      }
      if (read.problem) {
        throw new AppError(
          'PROJECT_DAMAGED',
          `This result’s receipt was damaged (${read.problem.reason}); it was moved to quarantine.`,
        );
      }
      throw notFound();
    }
    return read.result;
  }
}

/** The error for a result that is not (or no longer) in the project. */
export const notFound = (): AppError =>
  new AppError('NOT_FOUND', 'That result is not in the project (it may be in the trash).');
