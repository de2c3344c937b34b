/**
 * Spend, from the receipts: credits per project, per character and per batch (each run counted once: a
 * run's further pictures and cuts carry cost 0 in the index), and the balance over time from the
 * `x-remaining-credits` each receipt recorded.
 */
import type { ResultSummary } from '../../contract/calls/workspace';
import type { Result } from '../../domain';
import type { ProjectHandle } from '../../library/project-store';
import { workspaceFor } from '../../library/workspace';
import type { AppRuntime } from '../runtime-types';

export interface SpendSummary {
  readonly total: number;
  /** Paid runs (a run's further pictures are not runs of their own). */
  readonly runs: number;
  /** Results whose receipt names no cost (an old receipt, a header Segmind left out). */
  readonly unknownCost: number;
  readonly byCharacter: readonly { id: string; name: string | null; cost: number; runs: number }[];
  readonly byBatch: readonly { id: string; cost: number; runs: number }[];
  readonly byModel: readonly { id: string; cost: number; runs: number }[];
  /** Oldest first: the balance each receipt recorded after its run. */
  readonly balance: readonly { at: string; credits: number; resultId: string }[];
}

/** How many of the newest receipts are read for the balance over time (each is a file read). */
const BALANCE_POINTS = 200;

const round = (n: number): number => Math.round(n * 1000) / 1000;

/** Sums summaries (results.query items). Pure, for the tests and any caller holding the list. */
export function sumSpend(items: readonly ResultSummary[]): Omit<SpendSummary, 'balance'> {
  let total = 0;
  let runs = 0;
  let unknownCost = 0;
  const characters = new Map<string, { id: string; name: string | null; cost: number; runs: number }>();
  const batches = new Map<string, { id: string; cost: number; runs: number }>();
  const models = new Map<string, { id: string; cost: number; runs: number }>();
  for (const item of items) {
    if (item.cutFrom) continue;
    if (item.cost === null) {
      unknownCost++;
      continue;
    }
    // A run's further pictures carry 0 (the run was counted with its first): only paid runs count as runs.
    const isRun = item.cost > 0;
    total += item.cost;
    if (isRun) runs++;
    const add = <T extends { cost: number; runs: number }>(
      map: Map<string, T>,
      key: string,
      make: () => T,
    ) => {
      const entry = map.get(key) ?? make();
      entry.cost += item.cost ?? 0;
      if (isRun) entry.runs++;
      map.set(key, entry);
    };
    add(characters, item.characterId, () => ({
      id: item.characterId,
      name: item.characterName,
      cost: 0,
      runs: 0,
    }));
    add(models, item.modelId, () => ({ id: item.modelId, cost: 0, runs: 0 }));
    if (item.batchId) add(batches, item.batchId, () => ({ id: item.batchId!, cost: 0, runs: 0 }));
  }
  const rounded = <T extends { cost: number }>(map: Map<string, T>) =>
    [...map.values()].map((e) => ({ ...e, cost: round(e.cost) })).sort((a, b) => b.cost - a.cost);
  return {
    total: round(total),
    runs,
    unknownCost,
    byCharacter: rounded(characters),
    byBatch: rounded(batches),
    byModel: rounded(models),
  };
}

/** Where a summary reads from: pages of generated results (newest first) and single receipts. */
export interface SpendSource {
  page(offset: number, limit: number): Promise<{ items: readonly ResultSummary[]; total: number }>;
  result(id: string): Promise<Result>;
}

/**
 * Every generated result's summary, then the balance from the newest receipts. A receipt that cannot be
 * read (damaged, removed meanwhile) leaves out its balance point rather than the whole summary.
 */
export async function summariseFrom(source: SpendSource): Promise<SpendSummary> {
  const items: ResultSummary[] = [];
  for (let offset = 0; ;) {
    const page = await source.page(offset, 1000);
    items.push(...page.items);
    offset += page.items.length;
    if (offset >= page.total || page.items.length === 0) break;
  }
  const balance: { at: string; credits: number; resultId: string }[] = [];
  for (const item of items.filter((i) => !i.cutFrom).slice(0, BALANCE_POINTS)) {
    const result = await source.result(item.id).catch(() => null);
    const credits = result?.receipt.response.headers.remainingCredits;
    if (result && credits !== undefined && !result.outputIndex) {
      balance.push({ at: result.receipt.timings.completedAt, credits, resultId: result.id });
    }
  }
  balance.sort((a, b) => a.at.localeCompare(b.at));
  return { ...sumSpend(items), balance };
}

/** The open project's spend, read through the same calls as the app (the CLI's `spend`). */
export async function summariseSpend(runtime: Pick<AppRuntime, 'handlers'>): Promise<SpendSummary> {
  const { handlers } = runtime;
  return summariseFrom({
    page: (offset, limit) =>
      handlers['results.query']({ filter: { source: 'generated' }, sort: 'newest', offset, limit }),
    result: async (id) => (await handlers['results.get']({ id })).result,
  });
}

/** A project's spend read from its workspace directly (the generation service has no handlers of others). */
export async function summariseProject(project: ProjectHandle): Promise<SpendSummary> {
  const w = workspaceFor(project);
  const [cat] = await Promise.all([w.catalog(), w.results.load()]);
  return summariseFrom({
    page: (offset, limit) =>
      w.results.query({ filter: { source: 'generated' }, sort: 'newest', offset, limit }, cat),
    result: (id) => w.results.get(id),
  });
}
