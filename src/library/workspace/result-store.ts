import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import {
  AppError,
  IdSchema,
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
import { exists, guardWrite, isEnvironmentError, listDir, removeQuietly, writeRefused } from './fs-utils';
import { makeThumbQuietly } from './image-intake';
import { extensionFor, thumbPathFor } from './paths';
import {
  INDEX_FORMAT,
  INDEX_VERSION,
  RESULT_FILE,
  entryOf,
  hasFineMtime,
  newestFirst,
  parseIndexFile,
  type IndexEntry,
  type IndexFile,
} from './result-index-file';
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
import type { Workspace } from './workspace';

const ID = /^[a-z0-9]{8,40}$/;
const READ_CONCURRENCY = 16;

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
 * cache (.studio/index.json, see result-index-file.ts) kept in memory while the project is open.
 *
 * Writes: the image first, then its JSON, then the in-memory index, then the index file (serialised,
 * coalesced, best effort: a failed index write only means the next open reads a few more receipts).
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
  private persistWanted = 0;
  private persistDone = 0;
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
    const [text, dir] = await Promise.all([
      readFile(this.layout.indexFile, 'utf8').catch(() => null),
      stat(this.layout.resultsDir).catch(() => null),
    ]);
    const dirMtimeMs = dir?.mtimeMs ?? 0;
    const cached = parseIndexFile(text);
    this.entries.clear();
    let report: LoadReport;
    if (cached) {
      for (const entry of cached.entries) this.entries.set(entry.id, entry);
      this.sorted = isNewestFirst(cached.entries) ? cached.entries : null;
      if (dirMtimeMs === cached.dirMtimeMs && hasFineMtime(dirMtimeMs)) {
        // Nothing was added, removed or renamed in results/ since the index was written.
        this.missingImages = new Set(cached.missing);
        report = { mode: 'cache', listed: false, read: 0, added: 0, removed: 0, changed: 0, problems: [] };
      } else {
        // Something changed there: receipts added or removed are settled now (one listing); receipts
        // replaced in place are looked for in the background, so the first page does not wait for
        // 10,000 stat calls. What that finds is announced through onBackgroundChange.
        const names = await listDir(this.layout.resultsDir);
        report = { ...(await this.reconcile(names, 'none')), mode: 'cache', listed: true };
        // Until the check is done, an index written for another reason keeps the old folder time, so
        // after a crash the next open checks again.
        this.unverifiedDirMtime = cached.dirMtimeMs;
        this.verifying = this.verifyInBackground();
      }
    } else {
      if (text !== null)
        console.warn('[ccstudio] the results index was damaged or old; rebuilding it from the receipts');
      const names = await listDir(this.layout.resultsDir);
      report = { ...(await this.reconcile(names, 'none')), mode: 'rebuilt', listed: true };
      await this.persist();
    }
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
    for (const id of this.entries.keys()) {
      if (!jsonIds.has(id)) {
        this.entries.delete(id);
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
    this.missingImages = new Set(
      [...this.entries.values()].filter((e) => !fileNames.has(basename(e.file))).map((e) => e.id),
    );
    if (removed + added.length > 0) this.touch(true);
    return { read: added.length + changed, added: added.length, removed, changed, problems };
  }

  /** Reads receipts into the index; a damaged one is quarantined and reported, the rest carry on. */
  private async readIn(ids: readonly string[]): Promise<ProjectProblem[]> {
    const problems: ProjectProblem[] = [];
    await mapWithConcurrency(ids, READ_CONCURRENCY, async (id) => {
      const read = await this.readReceipt(id);
      if ('problem' in read) {
        this.entries.delete(id);
        if (read.problem) problems.push(read.problem);
      } else {
        this.entries.set(id, entryOf(read.result, read.stat));
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
    const info = await stat(file).catch(() => null);
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
  async refresh(): Promise<LoadReport> {
    await this.load();
    await this.verifying;
    const names = await listDir(this.layout.resultsDir);
    const report: LoadReport = { ...(await this.reconcile(names, 'all')), mode: 'refresh', listed: true };
    await this.persist(); // also records the folder's time, so the next open takes the fast path
    return report;
  }

  /** Throws the cache away and reads every receipt. */
  async rebuild(): Promise<LoadReport> {
    await this.settled().catch(() => undefined);
    this.entries.clear();
    const names = await listDir(this.layout.resultsDir);
    const report: LoadReport = { ...(await this.reconcile(names, 'none')), mode: 'rebuilt', listed: true };
    this.touch(true);
    await this.persist();
    this.lastLoad = report;
    return report;
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

  /** Writes the index file; concurrent requests coalesce into one write of the latest state. */
  persist(): Promise<void> {
    const wanted = ++this.persistWanted;
    return this.ws.locks.run('results-index', async () => {
      if (this.ws.project.readOnly || this.persistDone >= wanted) return;
      const upTo = this.persistWanted;
      try {
        const dir = await stat(this.layout.resultsDir);
        const entries = this.newestFirst();
        const file: IndexFile = {
          format: INDEX_FORMAT,
          version: INDEX_VERSION,
          dirMtimeMs: this.unverifiedDirMtime ?? dir.mtimeMs,
          count: entries.length,
          entries,
          missing: [...this.missingImages],
        };
        await writeFileAtomic(this.layout.indexFile, JSON.stringify(file));
        this.persistDone = upTo;
      } catch (error) {
        // The index is a cache: the receipts are already safe, the next open reads what it misses.
        console.warn('[ccstudio] the results index could not be saved:', (error as Error).message);
      }
    });
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
    this.entries.set(result.id, entryOf(result, await stat(jsonPath)));
    this.missingImages.delete(result.id);
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
    const read = await this.readReceipt(id);
    if ('problem' in read) {
      if (this.entries.delete(id)) {
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
            this.entries.delete(id);
            this.touch(true);
            missing.push(id);
            return;
          }
          const before = read.result.review;
          const result: Result = { ...read.result, review: next(before, id) };
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

  async trash(ids: readonly string[], cat: Catalog): Promise<string> {
    this.ws.project.assertWritable();
    await this.load();
    const entries = [...new Set(ids)]
      .map((id) => this.entries.get(id))
      .filter((e): e is IndexEntry => e !== undefined);
    if (entries.length === 0) throw notFound();
    const first = entries[0];
    const label =
      entries.length === 1 && first
        ? `Result: ${cat.characters.get(first.characterId)?.name ?? 'unknown character'}, ${cat.poses.get(first.poseId)?.name ?? 'unknown pose'}`
        : `${entries.length} results`;
    const trashEntry = await guardWrite('the trash', () =>
      this.ws.trash.put({
        kind: 'results',
        label,
        count: entries.length,
        moves: entries.flatMap((e) => [`results/${e.id}.json`, e.file]),
        refs: { results: entries.map((e) => e.id) },
        thumbIds: entries.map((e) => e.id),
      }),
    );
    for (const e of entries) this.entries.delete(e.id);
    this.touch(true);
    await this.persist();
    return trashEntry.id;
  }

  /** Reads results back into the index after their files were restored from the trash. */
  async readBack(ids: readonly string[]): Promise<void> {
    await this.load();
    const problems = await this.readIn(ids);
    if (problems.length) console.warn('[ccstudio] restored results with damaged receipts were quarantined');
    this.touch(true);
    await this.persist();
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

    const imagePath = await resolveContainedFile(this.ws.project.root, parent.file, { encoded: false }).catch(
      () => {
        throw new AppError(
          'NOT_FOUND',
          'This result’s image is missing from the project folder, so it cannot be cut.',
        );
      },
    );
    const bytes = await readFile(imagePath);
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

  /** Removes a result's thumbnail from the cache (after emptying the trash). */
  dropThumb(id: string): Promise<void> {
    return removeQuietly(thumbPathFor(this.layout, id));
  }
}

function isNewestFirst(entries: readonly IndexEntry[]): boolean {
  for (let i = 1; i < entries.length; i++) {
    if (newestFirst(entries[i - 1] as IndexEntry, entries[i] as IndexEntry) > 0) return false;
  }
  return true;
}

const isResultFile = (file: string): boolean => RESULT_FILE.test(file);

const notFound = (): AppError =>
  new AppError('NOT_FOUND', 'That result is not in the project (it may be in the trash).');
