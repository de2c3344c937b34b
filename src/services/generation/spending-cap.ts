/**
 * The optional spending cap per project (Settings.spendingCapByProject). Before the queue sends a run,
 * the project's spend so far (its receipts' x-cost), plus the runs under way or paid and not yet saved
 * into it, plus this run's typical cost, is compared with the cap; a run that would pass it is held and
 * the queue pauses with a message that says so. Nothing is sent past the cap.
 */
import { AppError, type AppErrorData, type Job, type Settings } from '../../domain';
import type { ProjectHandle } from '../../library/project-store';
import { workspaceFor } from '../../library/workspace';
import { getModel } from '../../models';

const round = (n: number): number => Math.round(n * 1000) / 1000;

/** The credits a project's receipts record, each run once (cuts and a run's further pictures cost 0). */
export async function receiptsTotal(project: ProjectHandle): Promise<number> {
  const w = workspaceFor(project);
  const [cat] = await Promise.all([w.catalog(), w.results.load()]);
  let total = 0;
  for (let offset = 0; ;) {
    const page = await w.results.query(
      { filter: { source: 'generated' }, sort: 'newest', offset, limit: 1000 },
      cat,
    );
    for (const item of page.items) total += item.cost ?? 0;
    offset += page.items.length;
    if (offset >= page.total || page.items.length === 0) break;
  }
  return round(total);
}

export const jobCost = (job: Job): number =>
  job.output?.headers.cost ?? job.output?.metrics?.cost ?? getModel(job.modelId)?.typicalCost ?? 0;

export class SpendingCap {
  /** Receipts' total by project root; absent until read (the project was not open yet). */
  private readonly receipts = new Map<string, number>();

  constructor(
    private readonly settings: () => Pick<Settings, 'spendingCapByProject'>,
    private readonly jobs: () => Job[],
  ) {}

  capOf(projectId: string): number | undefined {
    const caps = this.settings().spendingCapByProject;
    return Object.hasOwn(caps, projectId) ? caps[projectId] : undefined;
  }

  /** Reads the project's receipts (at open); until then its capped jobs wait. */
  async refresh(project: ProjectHandle): Promise<void> {
    this.receipts.set(project.root, await receiptsTotal(project));
  }

  /** A paid run's result is now in its project: its receipt counts from here on. */
  delivered(job: Job): void {
    const known = this.receipts.get(job.projectPath);
    if (known !== undefined) this.receipts.set(job.projectPath, round(known + jobCost(job)));
  }

  /**
   * The credits of a project's runs under way or paid and not yet saved into it (the real cost once
   * known, else the model's typical one): counted against the cap with the receipts.
   */
  underWay(projectId: string, exceptJobId?: string): number {
    return round(
      this.jobs()
        .filter((j) => j.projectId === projectId && j.id !== exceptJobId)
        .filter((j) => j.state === 'submitting' || (j.state === 'completed' && !j.resultId))
        .reduce((sum, j) => sum + jobCost(j), 0),
    );
  }

  /**
   * `go`; `wait` (the project's receipts are not read yet: it goes once they are); or the reason the
   * queue pauses. Jobs under way or paid and not yet saved count with their cost (the real one once
   * known, else the model's typical one).
   */
  check(job: Job): 'go' | 'wait' | AppErrorData {
    const cap = this.capOf(job.projectId);
    if (cap === undefined) return 'go';
    const receipts = this.receipts.get(job.projectPath);
    if (receipts === undefined) return 'wait';
    const spent = round(receipts + this.underWay(job.projectId, job.id));
    const next = jobCost(job);
    if (spent + next <= cap + 1e-9) return 'go';
    return new AppError(
      'SPENDING_CAP',
      `This project’s spending cap is ${cap} credits: ${spent} are spent or under way, and the next run (about ${next}) would pass it. Raise or remove the cap under Spend to go on.`,
      { cap, spent, next },
    ).toData();
  }
}
