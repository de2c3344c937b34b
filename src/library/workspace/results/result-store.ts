import type { Result } from '../../../domain';
import type {
  ResultFacets,
  ResultFilter,
  ResultPage,
  ResultQuery,
  ResultSort,
  ResultSummary,
  ReviewState,
} from '../../../contract/calls/workspace';
import { removeQuietly } from '../fs-utils';
import { thumbPathFor } from '../paths';
import type { IndexEntry } from '../result-index-file';
import type { Catalog } from '../result-query';
import type { ResultDraft } from '../result-types';
import type { StoreContext } from '../store-context';
import type { TaskControl } from '../task-control';
import { storeResult } from './result-commit';
import { cutResult, type CutPose, type CutResultOptions } from './result-cut';
import {
  cutsOf,
  presentImages,
  queryResultIds,
  queryResults,
  resultFacets,
  resultSummary,
  type ResultImage,
} from './result-listing';
import { reviewResults, setReviews, type ReviewChange, type ReviewOutcome } from './result-review';
import { restoreResultsFromTrash, trashResults } from './result-trash';
import { ResultsIndex, type LoadReport, type SpendGroup } from './results-index';

export type { LoadReport } from './results-index';
export type { ReviewChange, ReviewOutcome } from './result-review';
export type { CutPose, CutResultOptions } from './result-cut';

/**
 * The results: results/<id>.<ext> beside results/<id>.json (the receipt, the truth), and the index
 * (.studio/results-index.sqlite, see results-index-db.ts), a cache also kept in memory while the
 * project is open.
 *
 * Writes: the id into the index's pending journal, the image, then its JSON, then the in-memory index,
 * then the changed rows of the index (persist: only what changed since the last one, best effort: a
 * failed index write only means the next open reads a few more receipts).
 *
 * The work is in the modules beside this one: results-index.ts (the index: load, refresh, rebuild,
 * persist), result-commit.ts (add), result-listing.ts (query), result-review.ts, result-trash.ts and
 * result-cut.ts; this class is the one door to them.
 */
export class ResultStore {
  private readonly index: ResultsIndex;

  constructor(private readonly ctx: StoreContext) {
    this.index = new ResultsIndex(ctx.project);
  }

  /** Bumped on every change; a page from an older revision is stale. */
  get revision(): number {
    return this.index.revision;
  }
  get lastLoad(): LoadReport | null {
    return this.index.lastLoad;
  }
  /** How many times a filter's results were counted from scratch rather than kept by difference. */
  get countedFromScratch(): number {
    return this.index.countedFromScratch;
  }

  // -- the index ---------------------------------------------------------------------------------

  /** Loads the index once per open project (later calls share the first). */
  load(): Promise<LoadReport> {
    return this.index.load();
  }

  /** Resolves when a background check started by load() is done (tests, and before a rebuild). */
  settled(): Promise<void> {
    return this.index.settled();
  }

  /** Called when a background check changed the index (receipts replaced in place, or damaged). */
  onBackgroundChange(listener: () => void): () => void {
    return this.index.onBackgroundChange(listener);
  }

  /** Looks at the folder again: notices results added, deleted or edited outside the app since. */
  refresh(options: { full?: boolean } = {}): Promise<LoadReport> {
    return this.index.refresh(options);
  }

  /** Throws the cache away and reads every receipt. */
  rebuild(control: TaskControl = {}): Promise<LoadReport> {
    return this.index.rebuild(control);
  }

  /** Writes what changed since the last persist to the index. */
  persist(): Promise<void> {
    return this.index.persist();
  }

  // -- adding and reading ------------------------------------------------------------------------

  /** Commits one result: the image, then its receipt, then the index (see result-commit.ts). */
  add(draft: ResultDraft, imageBytes: Uint8Array, options: { persist?: boolean } = {}): Promise<Result> {
    return storeResult(this.ctx, this.index, draft, imageBytes, options);
  }

  /** True when a result with this id is in the project (for a job that may have committed before a crash). */
  has(id: string): Promise<boolean> {
    return this.index.has(id);
  }

  get(id: string): Promise<Result> {
    return this.index.get(id);
  }

  entry(id: string): IndexEntry | undefined {
    return this.index.row(id)?.entry;
  }

  count(): number {
    return this.index.count();
  }

  /** Every result whose image is there, for the thumbnail check. */
  presentImages(): ResultImage[] {
    return presentImages(this.index);
  }

  isImageMissing(id: string): boolean {
    return this.index.row(id)?.imageMissing ?? false;
  }

  // -- querying ----------------------------------------------------------------------------------

  summary(id: string, cat: Catalog): ResultSummary | undefined {
    return resultSummary(this.index, id, cat);
  }

  query(q: ResultQuery, cat: Catalog): Promise<ResultPage> {
    return this.index.reading(() => queryResults(this.index, q, cat));
  }

  queryIds(
    filter: ResultFilter,
    sort: ResultSort,
    cat: Catalog,
  ): Promise<{ ids: string[]; revision: number }> {
    return this.index.reading(() => queryResultIds(this.index, filter, sort, cat));
  }

  facets(filter: ResultFilter, cat: Catalog): Promise<ResultFacets> {
    return this.index.reading(() => resultFacets(this.index, filter, cat));
  }

  /** Spend grouped by character, batch and model, summed in the index (ResultsIndex.spendGroups). */
  async spendGroups(): Promise<SpendGroup[]> {
    await this.index.load();
    return this.index.reading(async () => this.index.spendGroups());
  }

  /** Ids of the cuts made from a result. */
  cutsOf(id: string): string[] {
    return cutsOf(this.index, id).map((row) => row.entry.id);
  }

  // -- reviewing ---------------------------------------------------------------------------------

  /** Applies one change to many results: each JSON rewritten atomically, the index written once. */
  review(ids: readonly string[], change: ReviewChange): Promise<ReviewOutcome> {
    return reviewResults(this.ctx, this.index, ids, change);
  }

  /** Sets each review exactly (undo). */
  setReviews(items: readonly ReviewState[]): Promise<ReviewOutcome> {
    return setReviews(this.ctx, this.index, items);
  }

  // -- trash -------------------------------------------------------------------------------------

  /** Moves results to the trash as one entry; answers its id (see result-trash.ts). */
  trash(ids: readonly string[], cat: Catalog): Promise<string> {
    return trashResults(this.ctx, this.index, ids, cat);
  }

  /** Restores a results entry from the trash, all or nothing. The caller holds the entry's locks. */
  restoreFromTrash(trashId: string, ids: readonly string[]): Promise<void> {
    return restoreResultsFromTrash(this.ctx, this.index, trashId, ids);
  }

  // -- cutting -----------------------------------------------------------------------------------

  /** Cuts a result sheet into single poses, each a new result (see result-cut.ts). */
  cut(
    id: string,
    pose: CutPose,
    options: CutResultOptions,
    control: TaskControl = {},
  ): Promise<{ created: Result[]; existing: string[] }> {
    return cutResult(this.ctx, this.index, id, pose, options, control);
  }

  /** Removes a result's thumbnail from the cache (after emptying the trash). */
  dropThumb(id: string): Promise<void> {
    return removeQuietly(thumbPathFor(this.index.layout, id));
  }
}
