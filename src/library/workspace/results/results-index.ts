import { rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { AppError, ResultSchema, type ProjectProblem, type Result } from '../../../domain';
import { mapWithConcurrency } from '../../../images';
import { readJsonFile } from '../../json-file';
import type { ProjectHandle } from '../../project-store';
import { FolderWatch } from '../folder-watch';
import { exists, listDir, readFault, storageFault } from '../fs-utils';
import { entryOf, hasFineMtime, isResultFile, newestFirst, type IndexEntry } from '../result-index-file';
import { ResultsIndexDb } from '../results-index-db';
import type { TaskControl } from '../task-control';

const ID = /^[a-z0-9]{8,40}$/;
const READ_CONCURRENCY = 16;
/** Receipts read (and written to the index) per step of a rebuild: the progress it reports. */
const REBUILD_BATCH = 1000;

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

/**
 * The index of the results: an entry per receipt in memory while the project is open, and the cache
 * of it on disk (.studio/results-index.sqlite, see results-index-db.ts) with its pending journal. Loads,
 * reconciles with results/, refreshes, rebuilds, and persists what changed; reads single receipts.
 * The other result modules change it through put/drop/touch, expect/settle and persist.
 */
export class ResultsIndex {
  readonly entries = new Map<string, IndexEntry>();
  private sorted: IndexEntry[] | null = null;
  missingImages = new Set<string>();
  /** While a background check runs: the folder time to record instead of the current one. */
  private unverifiedDirMtime: number | null = null;
  private verifying: Promise<void> | undefined;
  private readonly listeners = new Set<() => void>();
  private loading: Promise<LoadReport> | null = null;
  private db: ResultsIndexDb | null = null;
  /** Ids whose row must be written (or deleted) by the next persist. */
  readonly dirty = new Set<string>();
  /** Ids in the pending journal whose files are settled: the next persist clears their mark. */
  private readonly settledMarks = new Set<string>();
  /** What changed in results/ while the project is open (see refresh). */
  private watch: FolderWatch | null = null;
  /** The results folder's time the index last agreed with (what the database records). */
  private recordedDirMtime = 0;
  /** The last filtered, sorted list (result-listing.ts); every change drops it. */
  queryCache: { key: string; list: IndexEntry[] } | null = null;
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
    const cached = db.readAll();
    if (!cached) {
      if (project.readOnly) {
        // A read-only project's index is never written: this session's is built in memory.
        db.close();
        this.db = (await ResultsIndexDb.open(null, { readOnly: true })).db;
      }
      const report = await this.rebuildNow();
      this.lastLoad = report;
      return report;
    }
    this.entries.clear();
    for (const entry of cached.entries) this.entries.set(entry.id, entry);
    this.sorted = cached.entries;
    this.missingImages = new Set(cached.missing);
    // Receipts being written or moved when the app last stopped: read again, whatever else is known.
    const pending = db.pending();
    const problems = await this.readIn(pending);
    for (const id of pending) this.settledMarks.add(id);
    if (pending.length > 0) this.touch(true);

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
    if (pending.length > 0 && !report.listed) await this.persist();
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
        for (const listener of this.listeners) listener();
      }
    } catch (error) {
      console.warn('[ccstudio] checking the results folder failed:', (error as Error).message);
    }
  }

  /** Stats every receipt in the index; reads again those whose mtime or size moved. */
  private async statCheck(): Promise<{ changed: number; problems: ProjectProblem[] }> {
    const kept = [...this.entries.values()];
    const stats = await mapWithConcurrency(kept, 64, (e) => stat(this.jsonPath(e.id)).catch(() => null));
    const changed = kept
      .filter((e, i) => {
        const s = stats[i];
        return !s || s.mtimeMs !== e.m || s.size !== e.s;
      })
      .map((e) => e.id);
    if (changed.length === 0) return { changed: 0, problems: [] };
    const problems = await this.readIn(changed);
    this.touch(true);
    return { changed: changed.length, problems };
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

  /**
   * Brings the in-memory index in line with a listing of results/: ids whose receipt appeared are
   * read, ids whose receipt went are dropped, and with `stat: 'all'` every kept receipt is also
   * stat'ed and read again if it moved. Also notes which images are missing.
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
    let removed = 0;
    for (const id of [...this.entries.keys()]) {
      if (!jsonIds.has(id)) {
        this.drop(id);
        removed++;
      }
    }
    const added = [...jsonIds].filter((id) => !this.entries.has(id));
    const problems = await this.readIn(added);
    let changed = 0;
    if (statMode === 'all' && this.entries.size > 0) {
      const checked = await this.statCheck();
      changed = checked.changed;
      problems.push(...checked.problems);
    }
    const missingNow = new Set(
      [...this.entries.values()].filter((e) => !fileNames.has(basename(e.file))).map((e) => e.id),
    );
    for (const id of missingNow) if (!this.missingImages.has(id)) this.dirty.add(id);
    for (const id of this.missingImages) if (!missingNow.has(id)) this.dirty.add(id);
    this.missingImages = missingNow;
    if (removed + added.length > 0) this.touch(true);
    return { read: added.length + changed, added: added.length, removed, changed, problems };
  }

  /** Reads receipts into the index; a damaged one is quarantined and reported, the rest carry on. */
  private async readIn(ids: readonly string[]): Promise<ProjectProblem[]> {
    const problems: ProjectProblem[] = [];
    await mapWithConcurrency(ids, READ_CONCURRENCY, async (id) => {
      const read = await this.readReceipt(id);
      if ('problem' in read) {
        this.drop(id);
        if (read.problem) problems.push(read.problem);
      } else {
        this.put(entryOf(read.result, read.stat));
      }
    });
    return problems;
  }

  async readReceipt(
    id: string,
  ): Promise<
    { result: Result; stat: { mtimeMs: number; size: number } } | { problem: ProjectProblem | null }
  > {
    const file = this.jsonPath(id);
    // Only a receipt that is not there is missing: a stat the disk failed (EIO, EACCES) is thrown, so a
    // result is never dropped from the index, or reported as not in the project, for a disk's hiccup.
    const info = await stat(file).catch((error: unknown) => {
      if (storageFault(error) === 'missing') return null;
      throw error;
    });
    if (!info) return { problem: null };
    const read = await readJsonFile(file, ResultSchema);
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
      const entry = this.entries.get(id);
      if (!receipt) {
        if (entry && this.drop(id)) report.removed++;
        return;
      }
      if (!entry) report.added++;
      else if (receipt.mtimeMs !== entry.m || receipt.size !== entry.s) report.changed++;
      else return this.noteImage(entry);
      toRead.push(id);
    });
    report.problems = await this.readIn(toRead);
    report.read = toRead.length;
    await Promise.all(toRead.map((id) => this.entries.get(id)).map((e) => e && this.noteImage(e)));
    if (report.added + report.removed + report.changed > 0) this.touch(true);
    await this.persist();
    return report;
  }

  /** Checks that a result's image is (still) there, and records when that changed. */
  private async noteImage(entry: IndexEntry): Promise<void> {
    const there = await exists(join(this.project.root, ...entry.file.split('/'))).catch(() => true);
    if (there === !this.missingImages.has(entry.id)) return;
    if (there) this.missingImages.delete(entry.id);
    else this.missingImages.add(entry.id);
    this.dirty.add(entry.id);
    this.touch(false);
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
    db?.beginRebuild();
    this.entries.clear();
    this.dirty.clear();
    this.settledMarks.clear();
    this.missingImages = new Set();
    const problems: ProjectProblem[] = [];
    control.onProgress?.(0, ids.length, 0);
    for (let from = 0; from < ids.length; from += REBUILD_BATCH) {
      problems.push(...(await this.readIn(ids.slice(from, from + REBUILD_BATCH))));
      this.flush();
      control.onProgress?.(Math.min(from + REBUILD_BATCH, ids.length), ids.length, 0);
    }
    const fileNames = new Set(names);
    for (const entry of this.entries.values()) {
      if (!fileNames.has(basename(entry.file))) {
        this.missingImages.add(entry.id);
        this.dirty.add(entry.id);
      }
    }
    this.flush();
    db?.finishRebuild(dirMtimeMs);
    this.recordedDirMtime = dirMtimeMs;
    this.touch(true);
    if (writable) await rm(this.layout.legacyIndexFile, { force: true }).catch(() => undefined);
    return {
      mode: 'rebuilt',
      listed: true,
      read: ids.length,
      added: this.entries.size,
      removed: 0,
      changed: 0,
      problems,
    };
  }

  // -- the index file ----------------------------------------------------------------------------

  touch(orderChanged: boolean): void {
    this.revision++;
    this.queryCache = null;
    if (orderChanged) this.sorted = null;
  }

  newestFirst(): IndexEntry[] {
    this.sorted ??= [...this.entries.values()].sort(newestFirst);
    return this.sorted;
  }

  put(entry: IndexEntry): void {
    this.entries.set(entry.id, entry);
    this.dirty.add(entry.id);
  }

  drop(id: string): boolean {
    this.dirty.add(id);
    return this.entries.delete(id);
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
    if (this.project.readOnly || !this.db) return;
    const dir = await stat(this.layout.resultsDir).catch(() => null);
    this.flush(this.unverifiedDirMtime === null && dir ? dir.mtimeMs : undefined);
  }

  private flush(dirMtimeMs?: number): void {
    const db = this.db;
    if (!db || (this.dirty.size === 0 && this.settledMarks.size === 0 && dirMtimeMs === undefined)) return;
    const ids = [...this.dirty];
    const settle = [...this.settledMarks];
    const put: { entry: IndexEntry; imageMissing: boolean }[] = [];
    const remove: string[] = [];
    for (const id of ids) {
      const entry = this.entries.get(id);
      if (entry) put.push({ entry, imageMissing: this.missingImages.has(id) });
      else remove.push(id);
    }
    try {
      db.apply({ put, remove, settle, ...(dirMtimeMs === undefined ? {} : { dirMtimeMs }) });
      if (dirMtimeMs !== undefined) this.recordedDirMtime = dirMtimeMs;
      for (const id of ids) this.dirty.delete(id);
      for (const id of settle) this.settledMarks.delete(id);
    } catch (error) {
      // The index is a cache: the receipts are already safe, and the rows stay dirty for the next try.
      console.warn('[ccstudio] the results index could not be saved:', (error as Error).message);
    }
  }

  // -- reading -----------------------------------------------------------------------------------

  /** True when a result with this id is in the project (for a job that may have committed before a crash). */
  async has(id: string): Promise<boolean> {
    await this.load();
    return this.entries.has(id);
  }

  async get(id: string): Promise<Result> {
    await this.load();
    const read = await this.readReceipt(id).catch((error: unknown) => {
      throw readFault(error, 'this result’s receipt') ?? error;
    });
    if ('problem' in read) {
      if (this.drop(id)) {
        this.touch(true);
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
