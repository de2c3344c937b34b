/**
 * Spend, from the receipts: credits per project, per character, per batch and per model (each run counted
 * once: a run's further pictures and cuts carry cost 0 in the index), and the balance over time from the
 * `x-remaining-credits` each receipt recorded. The sums are made by the results index in SQL
 * (ResultsIndex.spendGroups), so opening Spend or a project costs the same at 100 results as at 1,000,000;
 * only the newest BALANCE_POINTS receipts are read for the balance.
 */
import { roundCredits } from '../../domain';
import type { ProjectHandle } from '../../library/project-store';
import { workspaceFor } from '../../library/workspace';
import type { SpendGroup } from '../../library/workspace/results/results-index';

export interface SpendLine {
  id: string;
  cost: number;
  runs: number;
}

export interface SpendSummary {
  readonly total: number;
  /** Paid runs (a run's further pictures are not runs of their own). */
  readonly runs: number;
  /** Results whose receipt names no cost (an old receipt, a header Segmind left out). */
  readonly unknownCost: number;
  readonly byCharacter: readonly (SpendLine & { name: string | null })[];
  readonly byBatch: readonly SpendLine[];
  readonly byModel: readonly SpendLine[];
  /** Oldest first: the balance each receipt recorded after its run. */
  readonly balance: readonly { at: string; credits: number; resultId: string }[];
}

/** How many of the newest receipts are read for the balance over time (each is a file read). */
const BALANCE_POINTS = 200;

/**
 * Folds the index's groups into totals per character, batch and model. Pure. A group whose results all
 * lack a cost counts only towards `unknownCost`: it names no spend of its own.
 */
export function sumSpend(
  groups: readonly SpendGroup[],
  characterName: (id: string) => string | null,
): Omit<SpendSummary, 'balance'> {
  let total = 0;
  let runs = 0;
  let unknownCost = 0;
  const characters = new Map<string, SpendLine & { name: string | null }>();
  const batches = new Map<string, SpendLine>();
  const models = new Map<string, SpendLine>();
  const add = <T extends SpendLine>(map: Map<string, T>, group: SpendGroup, key: string, make: () => T) => {
    const line = map.get(key) ?? make();
    line.cost += group.cost;
    line.runs += group.runs;
    map.set(key, line);
  };
  for (const group of groups) {
    unknownCost += group.unknown;
    if (group.known === 0) continue;
    total += group.cost;
    runs += group.runs;
    add(characters, group, group.characterId, () => ({
      id: group.characterId,
      name: characterName(group.characterId),
      cost: 0,
      runs: 0,
    }));
    add(models, group, group.modelId, () => ({ id: group.modelId, cost: 0, runs: 0 }));
    if (group.batchId) add(batches, group, group.batchId, () => ({ id: group.batchId!, cost: 0, runs: 0 }));
  }
  const rounded = <T extends SpendLine>(map: Map<string, T>) =>
    [...map.values()].map((e) => ({ ...e, cost: roundCredits(e.cost) })).sort((a, b) => b.cost - a.cost);
  return {
    total: roundCredits(total),
    runs,
    unknownCost,
    byCharacter: rounded(characters),
    byBatch: rounded(batches),
    byModel: rounded(models),
  };
}

/** A project's spend: the index's sums, named from its catalog, and the balance from its newest receipts. */
export async function summariseProject(project: ProjectHandle): Promise<SpendSummary> {
  const w = workspaceFor(project);
  const [cat, groups] = await Promise.all([w.catalog(), w.results.spendGroups()]);
  const name = (id: string) => cat.characters.get(id)?.name ?? cat.trashed.get(id)?.name ?? null;
  const newest = await w.results.query(
    { filter: { source: 'generated' }, sort: 'newest', offset: 0, limit: BALANCE_POINTS },
    cat,
  );
  const balance: { at: string; credits: number; resultId: string }[] = [];
  for (const item of newest.items) {
    // A receipt that cannot be read (damaged, removed meanwhile) leaves out its point, not the summary.
    const result = await w.results.get(item.id).catch(() => null);
    const credits = result?.receipt.response.headers.remainingCredits;
    if (result && credits !== undefined && !result.outputIndex) {
      balance.push({ at: result.receipt.timings.completedAt, credits, resultId: result.id });
    }
  }
  balance.sort((a, b) => a.at.localeCompare(b.at));
  return { ...sumSpend(groups, name), balance };
}

/** The credits a project's receipts record, each run once (cuts and a run's further pictures cost 0). */
export async function receiptsTotal(project: ProjectHandle): Promise<number> {
  const groups = await workspaceFor(project).results.spendGroups();
  return roundCredits(groups.reduce((sum, group) => sum + group.cost, 0));
}
