import { readFile, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import {
  AppError,
  IdSchema,
  isAppError,
  ResultSchema,
  nowIso,
  newId,
  type ProjectProblem,
  type Result,
  type Review,
} from '../../domain';
import type {
  ResultFacets,
  ResultFilter,
  ResultPage,
  ResultQuery,
  ResultSort,
  ResultSummary,
  ReviewState,
} from '../../contract/calls/workspace';
import { cutFigures, mapWithConcurrency, sniffFormat } from '../../images';
import { writeFileAtomic, writeJsonAtomic } from '../atomic-write';
import { resolveContainedFile } from '../contained-path';
import { readJsonFile, writeJsonKeepingUnknown } from '../json-file';
import {
  exists,
  guardWrite,
  isEnvironmentError,
  listDir,
  notMissingAfterAll,
  readFault,
  removeQuietly,
  storageFault,
  writeRefused,
} from './fs-utils';
import { makeThumbQuietly } from './image-intake';
import { extensionFor, thumbPathFor } from './paths';
import { RESULT_FILE, entryOf, hasFineMtime, newestFirst, type IndexEntry } from './result-index-file';
import { FolderWatch } from './folder-watch';
import { ResultsIndexDb } from './results-index-db';
import {
  arrangeStacks,
  compileFilter,
  facetsOf,
  sortEntries,
  stackPlace,
  summarize,
  type Catalog,
} from './result-query';
import type { ResultDraft } from './result-types';
import type { TaskControl } from './task-control';
import { withLocks, type Undo } from './trash-records';
import type { Workspace } from './workspace';

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

export interface ReviewChange {
  rating?: number | undefined;
  flag?: Review['flag'] | undefined;
  addTags?: string[] | undefined;
  removeTags?: string[] | undefined;
}

/**
 * The results: results/<id>.<ext> beside results/<id>.json (the receipt, the truth), and the index
 * (.studio/results-index.sqlite, see results-index-db.ts), a cache also kept in memory while the
 * project is open.
 *
 * Writes: the id into the index's pending journal, the image, then its JSON, then the in-memory index,
 * then the changed rows of the index (persist: only what changed since the last one, best effort: a
 * failed index write only means the next open reads a few more receipts).
 */
export class ResultStore {
  private readonly entries = new Map<string, IndexEntry>();
  private sorted: IndexEntry[] | null = null;
  private missingImages = new Set<string>();
  /** While a background check runs: the folder time to record instead of the current one. */
  private unverifiedDirMtime: number | null = null;
  private verifying: Promise<void> | undefined;
  private readonly listeners = new Set<() => void>();
  private loading: Promise<LoadReport> | null = null;
  private db: ResultsIndexDb | null = null;
  /** Ids whose row must be written (or deleted) by the next persist. */
  private readonly dirty = new Set<string>();
  /** Ids in the pending journal whose files are settled: the next persist clears their mark. */
  private readonly settledMarks = new Set<string>();
  /** What changed in results/ while the project is open (see refresh). */
  private watch: FolderWatch | null = null;
  /** The results folder's time the index last agreed with (what the database records). */
  private recordedDirMtime = 0;
  private queryCache: { key: string; list: IndexEntry[] } | null = null;
  /** Bumped on every change; a page from an older revision is stale. */
  revision = 0;
  lastLoad: LoadReport | null = null;

  constructor(private readonly ws: Workspace) {}

  private get layout() {
    return this.ws.project.layout;
  }
  private jsonPath(id: string): string {
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
    const project = this.ws.project;
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

  private async readReceipt(
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
          problem: await this.ws.project.quarantine(
            file,
            `its image path “${result.file}” is not inside results/`,
          ),
        };
      }
      return { result, stat: info };
    }
    if (read.missing) return { problem: null };
    return { problem: await this.ws.project.quarantine(file, read.reason) };
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
    const there = await exists(join(this.ws.project.root, ...entry.file.split('/'))).catch(() => true);
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
    const writable = !this.ws.project.readOnly;
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

  private touch(orderChanged: boolean): void {
    this.revision++;
    this.queryCache = null;
    if (orderChanged) this.sorted = null;
  }

  private newestFirst(): IndexEntry[] {
    this.sorted ??= [...this.entries.values()].sort(newestFirst);
    return this.sorted;
  }

  private put(entry: IndexEntry): void {
    this.entries.set(entry.id, entry);
    this.dirty.add(entry.id);
  }

  private drop(id: string): boolean {
    this.dirty.add(id);
    return this.entries.delete(id);
  }

  /**
   * Records in the index's pending journal that these results' files are about to change, before they
   * do: a crash before their rows are written makes the next open read exactly these receipts again.
   */
  private expect(ids: readonly string[]): void {
    if (ids.length === 0 || this.ws.project.readOnly) return;
    try {
      this.db?.markPending(ids);
    } catch (error) {
      // Without the mark a crash in the next moments is still caught by the folder's time at open.
      console.warn('[ccstudio] the results index could not note a change:', (error as Error).message);
    }
  }

  /** The files of these results are in place (or the change failed and left them as they were). */
  private settle(ids: readonly string[]): void {
    for (const id of ids) this.settledMarks.add(id);
  }

  /**
   * Writes what changed since the last persist: the changed rows, the settled pending marks and the
   * folder's time, in one transaction (a few KB, whatever the project's size). Synchronous once the
   * folder's time is known, so two persists never interleave.
   */
  async persist(): Promise<void> {
    if (this.ws.project.readOnly || !this.db) return;
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

  // -- adding ------------------------------------------------------------------------------------

  /**
   * Commits one result: the image bytes first (results/<id>.<ext>, atomically), then its JSON
   * (results/<id>.json, atomically), then the index. If the JSON cannot be written the image stays
   * (paid output is never dropped) and calling again with the same draft completes it.
   */
  async add(
    draft: ResultDraft,
    imageBytes: Uint8Array,
    options: { persist?: boolean } = {},
  ): Promise<Result> {
    this.ws.project.assertWritable();
    await this.load();
    if (!IdSchema.safeParse(draft.id).success)
      throw new AppError('INVALID_INPUT', 'A result needs a valid id.');
    if (this.entries.has(draft.id) || (await exists(this.jsonPath(draft.id)))) {
      throw new AppError('ALREADY_EXISTS', `The result ${draft.id} is already in the project.`);
    }
    const sniffed = sniffFormat(imageBytes);
    const given =
      draft.file?.startsWith(`results/${draft.id}.`) &&
      /^results\/[a-z0-9]+\.[a-z0-9]{2,5}$/.test(draft.file);
    const file =
      given && draft.file
        ? draft.file
        : `results/${draft.id}.${sniffed.kind === 'image' ? extensionFor[sniffed.format] : 'bin'}`;
    const imagePath = join(this.ws.project.root, ...file.split('/'));
    // A failed add leaves its mark: the next open reads whatever of it reached the disk.
    this.expect([draft.id]);
    await guardWrite('the result image', () => writeFileAtomic(imagePath, imageBytes));

    let { width, height } = draft;
    if (width === undefined || height === undefined) {
      const meta = await sharp(imageBytes)
        .metadata()
        .catch(() => null);
      if (!meta) {
        throw new AppError(
          'BAD_RESPONSE',
          `The image of result ${draft.id} cannot be read; it was kept as ${file}.`,
          { file },
        );
      }
      width ??= meta.autoOrient.width;
      height ??= meta.autoOrient.height;
    }
    const result = ResultSchema.parse({
      ...draft,
      file,
      width,
      height,
      review: draft.review ?? { rating: 0, flag: 'none', tags: [] },
    });
    const jsonPath = this.jsonPath(result.id);
    await guardWrite(
      'the result’s receipt',
      () => writeJsonAtomic(jsonPath, result),
      `The image was kept as ${file}`,
    );
    this.missingImages.delete(result.id);
    this.put(entryOf(result, await stat(jsonPath)));
    this.settle([result.id]);
    this.touch(true);
    await makeThumbQuietly(this.layout, result.id, imageBytes);
    if (options.persist !== false) await this.persist();
    return result;
  }

  /** True when a result with this id is in the project (for a job that may have committed before a crash). */
  async has(id: string): Promise<boolean> {
    await this.load();
    return this.entries.has(id);
  }

  // -- reading -----------------------------------------------------------------------------------

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

  entry(id: string): IndexEntry | undefined {
    return this.entries.get(id);
  }

  count(): number {
    return this.entries.size;
  }

  allEntries(): IndexEntry[] {
    return this.newestFirst();
  }

  summary(id: string, cat: Catalog): ResultSummary | undefined {
    const entry = this.entries.get(id);
    return entry ? summarize(entry, cat, this.missingImages.has(id)) : undefined;
  }

  isImageMissing(id: string): boolean {
    return this.missingImages.has(id);
  }

  /** The filtered, sorted list; the last one is cached, so paging through it costs a slice. */
  private list(filter: ResultFilter, sort: ResultSort, cat: Catalog): IndexEntry[] {
    const key = `${this.revision}|${cat.version}|${sort}|${JSON.stringify(filter)}`;
    if (this.queryCache?.key === key) return this.queryCache.list;
    const all = this.newestFirst();
    const hasFilter = Object.values(filter).some(
      (v) => v !== undefined && (!Array.isArray(v) || v.length > 0),
    );
    const filtered = hasFilter ? all.filter(compileFilter(filter, cat)) : all;
    const list = arrangeStacks(sortEntries(filtered, sort, true), filter);
    this.queryCache = { key, list };
    return list;
  }

  async query(q: ResultQuery, cat: Catalog): Promise<ResultPage> {
    await this.load();
    const list = this.list(q.filter, q.sort, cat);
    const items = list
      .slice(q.offset, q.offset + q.limit)
      .map((e) => summarize(e, cat, this.missingImages.has(e.id), stackPlace(list, e.id)));
    return { total: list.length, offset: q.offset, items, revision: this.revision };
  }

  async queryIds(
    filter: ResultFilter,
    sort: ResultSort,
    cat: Catalog,
  ): Promise<{ ids: string[]; revision: number }> {
    await this.load();
    return { ids: this.list(filter, sort, cat).map((e) => e.id), revision: this.revision };
  }

  async facets(filter: ResultFilter, cat: Catalog): Promise<ResultFacets> {
    await this.load();
    return facetsOf(this.list(filter, 'newest', cat), cat);
  }

  /** Ids of the cuts made from a result. */
  cutsOf(id: string): string[] {
    return this.newestFirst()
      .filter((e) => e.cutFrom?.resultId === id)
      .map((e) => e.id);
  }

  // -- reviewing ---------------------------------------------------------------------------------

  /** Applies one change to many results: each JSON rewritten atomically, the index written once. */
  async review(
    ids: readonly string[],
    change: ReviewChange,
  ): Promise<{ updated: string[]; previous: ReviewState[]; missing: string[] }> {
    const add = change.addTags ?? [];
    const remove = new Set((change.removeTags ?? []).map((t) => t.trim().toLowerCase()));
    return this.rewriteReviews([...new Set(ids)], (review) => {
      const tags = review.tags.filter((t) => !remove.has(t.toLowerCase()));
      for (const tag of add) if (!tags.some((t) => t.toLowerCase() === tag.toLowerCase())) tags.push(tag);
      return {
        rating: change.rating ?? review.rating,
        flag: change.flag ?? review.flag,
        tags,
      };
    });
  }

  /** Sets each review exactly (undo). */
  async setReviews(
    items: readonly ReviewState[],
  ): Promise<{ updated: string[]; previous: ReviewState[]; missing: string[] }> {
    const byId = new Map(items.map((i) => [i.id, i]));
    return this.rewriteReviews([...byId.keys()], (_review, id) => {
      const next = byId.get(id);
      return next ? { rating: next.rating, flag: next.flag, tags: next.tags } : _review;
    });
  }

  private async rewriteReviews(
    ids: string[],
    next: (review: Review, id: string) => Review,
  ): Promise<{ updated: string[]; previous: ReviewState[]; missing: string[] }> {
    this.ws.project.assertWritable();
    await this.load();
    const updated: string[] = [];
    const previous: ReviewState[] = [];
    const missing: string[] = [];
    let stop: unknown;
    try {
      await mapWithConcurrency(ids, 8, (id) =>
        this.ws.locks.run(`result:${id}`, async () => {
          if (stop !== undefined) return;
          const entry = this.entries.get(id);
          if (!entry) {
            missing.push(id);
            return;
          }
          const read = await this.readReceipt(id);
          if ('problem' in read) {
            this.drop(id);
            this.touch(true);
            missing.push(id);
            return;
          }
          const before = read.result.review;
          const result: Result = { ...read.result, review: next(before, id) };
          this.expect([id]);
          try {
            await writeJsonKeepingUnknown(this.jsonPath(id), ResultSchema, ResultSchema.parse(result));
          } catch (error) {
            if (isEnvironmentError(error)) {
              stop ??= error;
              return;
            }
            throw error;
          }
          previous.push({ id, ...before });
          updated.push(id);
          // In place: the sorted list holds the same objects, and a review never changes the order.
          Object.assign(entry, entryOf(result, await stat(this.jsonPath(id))));
          this.dirty.add(id);
          this.settle([id]);
        }),
      );
    } finally {
      this.touch(false);
      await this.persist();
    }
    if (stop !== undefined) {
      throw writeRefused(stop, 'the review', `${updated.length} result(s) were updated before it stopped`);
    }
    return { updated, previous, missing };
  }

  // -- trash -------------------------------------------------------------------------------------

  /**
   * Moves results to the trash as one entry (TrashStore.put: each image, then each receipt, so a crash
   * never leaves a receipt in the trash without its image). Their receipts stay locked meanwhile (a review
   * writing one back into results/ would split the result); the index drops them once the entry is done.
   */
  async trash(ids: readonly string[], cat: Catalog): Promise<string> {
    this.ws.project.assertWritable();
    await this.load();
    const known = [...new Set(ids)].filter((id) => this.entries.has(id));
    if (known.length === 0) throw notFound();
    return withLocks(
      this.ws.locks,
      known.map((id) => `result:${id}`),
      async () => {
        // Again under the locks: one trashed meanwhile is gone from the index.
        const entries = known
          .map((id) => this.entries.get(id))
          .filter((e): e is IndexEntry => e !== undefined);
        const first = entries[0];
        if (!first) throw notFound();
        const label =
          entries.length === 1
            ? `Result: ${cat.characters.get(first.characterId)?.name ?? 'unknown character'}, ${cat.poses.get(first.poseId)?.name ?? 'unknown pose'}`
            : `${entries.length} results`;
        const trashed = entries.map((e) => e.id);
        this.expect(trashed);
        try {
          const trashEntry = await guardWrite('the trash', () =>
            this.ws.trash.put({
              kind: 'results',
              label,
              count: entries.length,
              moves: [...entries.map((e) => e.file), ...trashed.map((id) => `results/${id}.json`)],
              refs: { results: trashed },
              thumbIds: trashed,
            }),
          );
          for (const id of trashed) this.drop(id);
          this.touch(true);
          return trashEntry.id;
        } finally {
          // Moved, or put back by the failed trash: either way their files are settled.
          this.settle(trashed);
          await this.persist();
        }
      },
    );
  }

  /**
   * Restores a results entry from the trash. The restored receipts are read into the index as a step of
   * the restore, before it commits (TrashStore.restore's `afterMoves`), so a receipt that cannot be read
   * fails the whole restore, which puts everything back in the trash, rather than leaving a result back
   * in results/ but missing from the gallery. The caller holds the entry's locks.
   */
  async restoreFromTrash(trashId: string, ids: readonly string[]): Promise<void> {
    this.ws.project.assertWritable();
    await this.load();
    this.expect(ids);
    try {
      await this.ws.trash.restore(trashId, {
        afterMoves: (entry, undo) => this.readBack(entry.refs.results, undo),
      });
    } finally {
      this.settle(ids);
      this.touch(true);
      await this.persist();
    }
  }

  /**
   * Reads restored receipts into the index. Unlike a load, a receipt that cannot be read or stat'ed is an
   * error here (never taken for a missing one): the restore is undone. The undo drops them again.
   */
  private async readBack(ids: readonly string[], undo: Undo[]): Promise<void> {
    const read: { entry: IndexEntry; imageMissing: boolean }[] = [];
    for (const id of ids) {
      const file = this.jsonPath(id);
      const rel = `results/${id}.json`;
      const receipt = await readJsonFile(file, ResultSchema);
      if (!receipt.ok) {
        if (receipt.missing) continue; // not in this entry after all (moved out of the trash by hand)
        const why = `The receipt of a restored result is damaged (${receipt.reason}).`;
        throw new AppError('PROJECT_DAMAGED', why, { file: rel });
      }
      const result = receipt.value.id === id ? receipt.value : { ...receipt.value, id };
      if (!isResultFile(result.file)) {
        const why = 'The receipt of a restored result names an image outside results/.';
        throw new AppError('PROJECT_DAMAGED', why, { file: rel });
      }
      const info = await stat(file);
      const imageMissing = !(await exists(join(this.ws.project.root, ...result.file.split('/'))));
      read.push({ entry: entryOf(result, info), imageMissing });
    }
    for (const { entry, imageMissing } of read) {
      const previous = this.entries.get(entry.id);
      const wasMissing = this.missingImages.has(entry.id);
      this.put(entry);
      if (imageMissing) this.missingImages.add(entry.id);
      else this.missingImages.delete(entry.id);
      undo.push(async () => {
        if (previous) this.put(previous);
        else this.drop(entry.id);
        if (wasMissing) this.missingImages.add(entry.id);
        else this.missingImages.delete(entry.id);
        this.touch(true);
      });
    }
    this.touch(true);
  }

  // -- cutting -----------------------------------------------------------------------------------

  /**
   * Cuts a result sheet into single poses. The boxes are the pose's figures in the pose sheet's pixels;
   * the result is the sheet redrawn larger with every figure in place, so each box scaled by
   * result size / sheet size (per axis) frames that figure. (Boxes drawn in the cut editor come in the
   * result's own pixels, with the result's size as `image`: a scale of 1.) Each cut is a new PNG result
   * with `cutFrom`, the same character, pose and (copied) receipt; the index is written once at the end.
   */
  async cut(
    id: string,
    pose: {
      figures: { x: number; y: number; width: number; height: number }[];
      image: { width: number; height: number };
    },
    options: { figures?: number[] | undefined; padding?: number | undefined; again?: boolean | undefined },
    control: TaskControl = {},
  ): Promise<{ created: Result[]; existing: string[] }> {
    this.ws.project.assertWritable();
    const parent = await this.get(id);
    if (pose.figures.length === 0) {
      throw new AppError(
        'INVALID_INPUT',
        'No figures were found on this result’s pose sheet, so there is nothing to cut.',
      );
    }
    const wanted = [...new Set(options.figures ?? pose.figures.map((_, i) => i))].filter(
      (i) => i < pose.figures.length,
    );
    if (wanted.length === 0)
      throw new AppError('INVALID_INPUT', `That pose sheet has ${pose.figures.length} figure(s).`);
    const already = new Map<number, string>();
    for (const e of this.entries.values())
      if (e.cutFrom?.resultId === id) already.set(e.cutFrom.figureIndex, e.id);
    const todo = options.again ? wanted : wanted.filter((i) => !already.has(i));
    const existing = options.again
      ? []
      : wanted.flatMap((i) => (already.has(i) ? [already.get(i) as string] : []));
    if (todo.length === 0) return { created: [], existing };

    const bytes = await this.readImageToCut(parent);
    // Every figure goes in, only the wanted ones come out: each crop keeps clear of all its neighbours,
    // including those cut earlier or not at all.
    const cuts = await cutFigures(
      bytes,
      pose.figures,
      { width: pose.image.width, height: pose.image.height },
      {
        only: todo,
        ...(options.padding === undefined ? {} : { padding: options.padding }),
      },
    );
    control.onProgress?.(0, cuts.length, 0);
    const created: Result[] = [];
    try {
      for (const [n, cut] of cuts.entries()) {
        if (control.signal?.aborted) break;
        created.push(
          await this.add(
            {
              id: newId(),
              createdAt: nowIso(),
              modelId: parent.modelId,
              characterId: parent.characterId,
              poseId: parent.poseId,
              receipt: parent.receipt,
              cutFrom: { resultId: parent.id, figureIndex: cut.index, box: cut.box },
              width: cut.box.width,
              height: cut.box.height,
            },
            cut.png,
            { persist: false },
          ),
        );
        control.onProgress?.(n + 1, cuts.length, 0);
      }
    } finally {
      await this.persist();
    }
    return { created, existing };
  }

  /**
   * The image of a result to cut, read through the contained path. Only a file that is not there is
   * "missing"; a disk that failed to read it is IO_ERROR (PERMISSION_DENIED for a refused read).
   */
  private async readImageToCut(parent: Result): Promise<Buffer> {
    const what = 'this result’s image';
    const missing = () =>
      new AppError(
        'NOT_FOUND',
        'This result’s image is missing from the project folder, so it cannot be cut.',
      );
    let imagePath: string;
    try {
      imagePath = await resolveContainedFile(this.ws.project.root, parent.file, { encoded: false });
    } catch (error) {
      if (isAppError(error) && error.code === 'NOT_FOUND')
        throw await notMissingAfterAll(this.ws.project.root, parent.file, missing(), what);
      if (isAppError(error)) throw missing(); // a path leading outside the project: nothing here to cut
      throw readFault(error, what, missing) ?? error;
    }
    return readFile(imagePath).catch((error: unknown) => {
      throw readFault(error, what, missing) ?? error;
    });
  }

  /** Removes a result's thumbnail from the cache (after emptying the trash). */
  dropThumb(id: string): Promise<void> {
    return removeQuietly(thumbPathFor(this.layout, id));
  }
}

const isResultFile = (file: string): boolean => RESULT_FILE.test(file);

const notFound = (): AppError =>
  new AppError('NOT_FOUND', 'That result is not in the project (it may be in the trash).');
