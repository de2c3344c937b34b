/**
 * Batches: characters x pose sheets x seeds (and models) in one request. Planned first (batch-plan.ts:
 * runs, cost per model and in total, time at the rate limit, whether the balance covers it), confirmed
 * once, then paused, resumed and cancelled as a whole.
 *
 * Never more runs than planned, even across a crash: every run gets its job's id when the batch is
 * confirmed, and the batch is written before any job exists. Turning runs into jobs (materialise) skips
 * a run whose job is already in the outbox, and the outbox creates a job whole or not at all, so a
 * restart in the middle finishes the batch with exactly the planned jobs. From there the queue's own
 * rules apply: a job is sent once.
 */
import { AppError, newId, nowIso, roundCredits, type Job } from '../../domain';
import { defaultParams, getModel, imageFields, validateParams } from '../../models';
import type { ProjectHandle } from '../../library/project-store';
import type { ProjectSources } from './project-sources';
import { BatchPlanError, planBatch, withBalance, type BatchPlan, type BatchRequest } from './batch-plan';
import { BatchStore } from './batch-store';
import type { Batch, BatchProgress } from '../../domain';

/** What a batch needs from the generation service and its queue. */
export interface BatchHost {
  enqueue(input: {
    modelId: string;
    characterId: string;
    poseId: string;
    params: Record<string, string | number | boolean>;
    jobId: string;
    batchId: string;
  }): Promise<Job>;
  jobs(): Job[];
  cancelJob(id: string): Promise<Job>;
  pump(): void;
  balance(): Promise<number | null>;
  limits(): { requestsPerMinute: number; concurrency: number };
  /** The open project, writable (throws the app's usual error otherwise). */
  project(): ProjectHandle;
  currentProject(): ProjectHandle | null;
  sources: ProjectSources;
  onChange(batch: Batch): void;
}

export class BatchService {
  private readonly store: BatchStore;
  private readonly materialising = new Map<string, Promise<void>>();

  constructor(
    dir: string,
    private readonly host: BatchHost,
  ) {
    this.store = new BatchStore(dir);
  }

  async load(): Promise<void> {
    await this.store.load();
  }

  /** A job the queue must not send now: its batch is paused (or cancelled and the job not yet settled). */
  isHeld(job: Job): boolean {
    if (job.batchId === undefined) return false;
    const batch = this.store.get(job.batchId);
    return batch !== undefined && batch.state !== 'active';
  }

  /** The plan the person confirms: every check `start` makes, then the balance (asked only then). */
  async plan(request: BatchRequest): Promise<BatchPlan> {
    const { plan } = await this.check(this.host.currentProject() ?? this.host.project(), request);
    return withBalance(plan, await this.host.balance());
  }

  /**
   * Confirms a batch: plans it again with the seeds the person saw (so the runs are exactly the ones
   * shown), checks every model, character and pose and the shared settings before anything is sent or
   * written, then writes the batch and queues its jobs.
   */
  async start(request: BatchRequest & { seeds: number[] }): Promise<BatchProgress> {
    const project = this.host.project();
    const checked = await this.check(project, request);
    const { characters, poses } = checked;
    const plan = withBalance(checked.plan, await this.host.balance());
    const runs = request.modelIds.flatMap((modelId) =>
      characters.flatMap((character) =>
        poses.flatMap(({ pose }) =>
          plan.seeds.map((seed) => ({
            jobId: newId(),
            modelId,
            characterId: character.id,
            poseId: pose.id,
            seed,
          })),
        ),
      ),
    );
    const label = `${characters.map((c) => c.name).join(', ')} × ${poses.length} sheet${poses.length === 1 ? '' : 's'} × ${plan.seeds.length} seed${plan.seeds.length === 1 ? '' : 's'}`;
    const batch = await this.store.save({
      id: newId(),
      projectPath: project.root,
      projectId: project.file.id,
      createdAt: nowIso(),
      updatedAt: nowIso(),
      state: 'active',
      label,
      params: request.params,
      plan,
      runs,
      materialised: false,
    });
    this.host.onChange(batch);
    await this.materialise(batch.id);
    return this.progress(batch.id);
  }

  /**
   * Everything a batch is checked for, with nothing sent and nothing written: the models exist and the
   * batch is not too large (planBatch), every character and pose exists, the shared settings suit every
   * model, and a model that draws from a reference picture has one for every character.
   */
  private async check(project: ProjectHandle, request: BatchRequest) {
    let plan: BatchPlan;
    try {
      plan = planBatch(request, { ...this.host.limits(), balance: null });
    } catch (error) {
      if (error instanceof BatchPlanError) throw new AppError('INVALID_INPUT', error.message);
      throw error;
    }
    const characters = await Promise.all(
      request.characterIds.map((id) => this.host.sources.character(project, id)),
    );
    const poses = await Promise.all(request.poseIds.map((id) => this.host.sources.pose(project, id)));
    for (const modelId of request.modelIds) {
      const model = getModel(modelId)!; // planBatch refused unknown models
      // The prompt is composed per character at enqueue; any text stands in for it here.
      const checked = validateParams(model, {
        ...defaultParams(model),
        [model.prompt.field]: 'x',
        ...request.params,
      });
      if (!checked.ok) {
        throw new AppError(
          'INVALID_INPUT',
          checked.issues.map((i) => `${i.field}: ${i.message}`).join('; '),
          { issues: checked.issues },
        );
      }
      const needsPicture = imageFields(model).characterRequired;
      const without = characters.filter((c) => needsPicture && c.referenceImages.length === 0);
      if (without.length > 0) {
        throw new AppError(
          'INVALID_INPUT',
          `${model.name} draws each character from a reference picture, and ${without.map((c) => c.name).join(', ')} ${without.length === 1 ? 'has' : 'have'} none yet.`,
        );
      }
    }
    return { plan, characters, poses };
  }

  /** Finishes queuing every batch of the open project that a restart interrupted. */
  async resumeMaterialising(): Promise<void> {
    const project = this.host.currentProject();
    if (!project || project.readOnly) return;
    for (const batch of this.store.list()) {
      if (!batch.materialised && batch.state !== 'cancelled' && batch.projectPath === project.root) {
        await this.materialise(batch.id);
      }
    }
  }

  private materialise(id: string): Promise<void> {
    const running = this.materialising.get(id);
    if (running) return running;
    const work = this.materialiseOnce(id).finally(() => this.materialising.delete(id));
    this.materialising.set(id, work);
    return work;
  }

  private async materialiseOnce(id: string): Promise<void> {
    let batch = this.require(id);
    const existing = new Set(this.host.jobs().map((job) => job.id));
    const runs = [...batch.runs];
    for (const [index, run] of runs.entries()) {
      if (existing.has(run.jobId) || run.error !== undefined) continue;
      if (this.require(id).state === 'cancelled') break;
      try {
        await this.host.enqueue({
          modelId: run.modelId,
          characterId: run.characterId,
          poseId: run.poseId,
          params: { ...batch.params, seed: run.seed },
          jobId: run.jobId,
          batchId: batch.id,
        });
      } catch (error) {
        runs[index] = { ...run, error: error instanceof Error ? error.message : String(error) };
      }
    }
    batch = await this.store.save({ ...this.require(id), runs, materialised: true });
    this.host.onChange(batch);
  }

  async pause(id: string): Promise<BatchProgress> {
    const batch = this.require(id);
    if (batch.state === 'cancelled') throw new AppError('INVALID_INPUT', 'This batch was cancelled.');
    this.host.onChange(await this.store.save({ ...batch, state: 'paused' }));
    return this.progress(id);
  }

  async resume(id: string): Promise<BatchProgress> {
    const batch = this.require(id);
    if (batch.state === 'cancelled') throw new AppError('INVALID_INPUT', 'This batch was cancelled.');
    this.host.onChange(await this.store.save({ ...batch, state: 'active' }));
    if (!batch.materialised) await this.materialise(id);
    this.host.pump();
    return this.progress(id);
  }

  /**
   * Cancels every run not yet sent. A run already on its way to Segmind is not stopped: it may be billed,
   * and its picture still lands (there is no cancel on Segmind's side).
   */
  async cancel(id: string): Promise<BatchProgress> {
    const batch = this.require(id);
    this.host.onChange(await this.store.save({ ...batch, state: 'cancelled' }));
    await this.materialising.get(id);
    for (const job of this.host.jobs()) {
      if (job.batchId === id && job.state === 'queued') await this.host.cancelJob(job.id);
    }
    return this.progress(id);
  }

  list(): BatchProgress[] {
    return this.store.list().map((batch) => this.progress(batch.id));
  }

  progress(id: string): BatchProgress {
    const batch = this.require(id);
    const jobs = new Map(this.host.jobs().map((job) => [job.id, job]));
    const counts = { queued: 0, running: 0, completed: 0, failed: 0, cancelled: 0, unknown: 0 };
    let spent = 0;
    for (const run of batch.runs) {
      const job = jobs.get(run.jobId);
      if (run.error !== undefined) counts.failed++;
      else if (!job) counts[batch.materialised ? 'completed' : 'queued']++;
      else if (job.state === 'submitting') counts.running++;
      else counts[job.state]++;
      spent += job?.output?.headers.cost ?? job?.output?.metrics?.cost ?? 0;
    }
    return { batch, counts, spent: roundCredits(spent) };
  }

  private require(id: string): Batch {
    const batch = this.store.get(id);
    if (!batch) throw new AppError('NOT_FOUND', 'There is no such batch.');
    return batch;
  }
}
