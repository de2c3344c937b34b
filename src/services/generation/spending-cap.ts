/**
 * The optional spending cap per project (Settings.spendingCapByProject). Before the queue sends a run,
 * the project's spend so far (its receipts' x-cost), plus the runs under way or paid and not yet saved
 * into it, plus this run's typical cost, is compared with the cap; a run that would pass it is held and
 * the queue pauses with a message that says so. Nothing is sent past the cap.
 */
import {
  AppError,
  creditsText,
  roundCredits,
  type AppErrorData,
  type Job,
  type Settings,
} from '../../domain';
import type { ProjectHandle } from '../../library/project-store';
import { receiptsTotal } from './spend';
import { getModel } from '../../models';

export const jobCost = (job: Job): number =>
  job.output?.headers.cost ?? job.output?.metrics?.cost ?? getModel(job.modelId)?.typicalCost ?? 0;

export class SpendingCap {
  /** Receipts' total by project root; absent until read (the project was not open yet). */
  private readonly receipts = new Map<string, number>();
  private readonly reading = new Set<string>();
  /** Why a project's receipts could not be summed, until the queue has said so once. */
  private readonly unreadable = new Map<string, string>();

  constructor(
    private readonly settings: () => Pick<Settings, 'spendingCapByProject'>,
    private readonly jobs: () => Job[],
    /** How a project's receipts are summed (a test gives one that fails as a failing disk would). */
    private readonly sum: (project: ProjectHandle) => Promise<number> = receiptsTotal,
  ) {}

  capOf(projectId: string): number | undefined {
    const caps = this.settings().spendingCapByProject;
    return Object.hasOwn(caps, projectId) ? caps[projectId] : undefined;
  }

  /**
   * Sums the project's receipts once, then calls `then`; until they are summed its capped jobs wait. Only
   * a project with a cap pays for the sum (a scan of its index: about 0.25 s at 100,000 results). When
   * the sum fails (a failing disk), `then` runs too: the next check says why its jobs wait.
   */
  readReceipts(project: ProjectHandle, then: () => void): void {
    if (this.receipts.has(project.root) || this.reading.has(project.root)) return;
    this.reading.add(project.root);
    void this.sum(project)
      .then(
        (total) => {
          this.receipts.set(project.root, total);
          this.unreadable.delete(project.root);
        },
        (error: unknown) => {
          const reason = (error as Error).message;
          console.warn('[ccstudio] the spending cap could not sum the receipts:', reason);
          this.unreadable.set(project.root, reason);
        },
      )
      .finally(() => {
        this.reading.delete(project.root);
        then();
      });
  }

  /** The project's receipts must be summed again before its capped jobs go (it was opened afresh). */
  forget(root: string): void {
    this.receipts.delete(root);
    this.unreadable.delete(root);
  }

  /** A paid run's result is now in its project: its receipt counts from here on. */
  delivered(job: Job): void {
    const known = this.receipts.get(job.projectPath);
    if (known !== undefined) this.receipts.set(job.projectPath, roundCredits(known + jobCost(job)));
  }

  /**
   * The credits of a project's runs under way or paid and not yet saved into it (the real cost once
   * known, else the model's typical one): counted against the cap with the receipts.
   */
  underWay(projectId: string, exceptJobId?: string): number {
    return roundCredits(
      this.jobs()
        .filter((j) => j.projectId === projectId && j.id !== exceptJobId)
        .filter((j) => j.state === 'submitting' || (j.state === 'completed' && !j.resultId))
        .reduce((sum, j) => sum + jobCost(j), 0),
    );
  }

  /**
   * `go`; `wait` (the project's receipts are not read yet: it goes once they are); or the reason the
   * queue pauses. Jobs under way or paid and not yet saved count with their cost (the real one once
   * known, else the model's typical one). Receipts that could not be summed pause the queue once, with
   * the reason; after that the job waits again, so Resume sums them afresh.
   */
  check(job: Job): 'go' | 'wait' | AppErrorData {
    const cap = this.capOf(job.projectId);
    if (cap === undefined) return 'go';
    const receipts = this.receipts.get(job.projectPath);
    if (receipts === undefined) {
      const reason = this.unreadable.get(job.projectPath);
      if (reason === undefined) return 'wait';
      this.unreadable.delete(job.projectPath);
      return new AppError(
        'SPENDING_CAP',
        `This project’s spending cap of ${creditsText(cap)} could not be checked: what it has spent could not be read (${reason}). Nothing is sent past a cap, so its runs wait. Resume to try again, or remove the cap under Spend.`,
        { cap },
      ).toData();
    }
    const spent = roundCredits(receipts + this.underWay(job.projectId, job.id));
    const next = jobCost(job);
    if (spent + next <= cap + 1e-9) return 'go';
    return new AppError(
      'SPENDING_CAP',
      `This project’s spending cap is ${creditsText(cap)}: ${spent} ${spent === 1 ? 'is' : 'are'} spent or under way, and the next run (about ${next}) would pass it. Raise or remove the cap under Spend to go on.`,
      { cap, spent, next },
    ).toData();
  }
}
