import { AppError, newId, nowIso, type Job, type Result } from '../../domain';
import type { generationCalls, KeyStatus, SpendSummaryView } from '../../contract/calls/generation';
import {
  bodyWithoutImages,
  composePrompt,
  defaultParams,
  getModel,
  validateParams,
  type ModelSpec,
} from '../../models';
import {
  canReachOverFetch,
  createSegmindClient,
  DEFAULT_SEGMIND_BASE_URL,
  type SegmindClient,
} from '../../segmind';
import { normaliseForUpload } from '../../images';
import { workspaceFor } from '../../library/workspace';
import { validateKeyShape, type SecretStore } from '../../secrets/secret-store';
import { JobOutbox } from '../../jobs/outbox';
import { ProjectLock } from '../../library/project-lock';
import { dirname, join } from 'node:path';
import { JobQueue } from '../../jobs/queue';
import { createSegmindAsyncClient, type SegmindAsyncClient } from '../../segmind/async-client';
import { segmindApiFor } from '../../domain/settings';
import { NetworkMonitor } from '../../jobs/network-monitor';
import type { HandlersFor, ServiceContext } from '../context';
import type { ProjectSources } from './project-sources';
import { resultFromJob } from './receipt';
import { chooseReference } from './reference-image';
import { extraResultsFromJob } from './extra-results';
import { BatchService } from './batches';
import { SpendingCap } from './spending-cap';
import { summariseProject } from './spend';

const MAX_RANDOM_SEED = 2 ** 32 - 1;

/**
 * Generation end to end: the key, the balance, composing and validating a request, the durable queue, and
 * committing each paid image into its project with a receipt.
 */
export class GenerationService {
  readonly network: NetworkMonitor;
  readonly queue: JobQueue;
  readonly batches: BatchService;
  private readonly cap: SpendingCap;
  private readonly outbox: JobOutbox;
  private clientCache: { url: string; client: SegmindClient } | undefined;
  private asyncClientCache: { url: string; client: SegmindAsyncClient } | undefined;
  private ownerLock: ProjectLock | undefined;
  private notOwner: string | undefined;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly secrets: SecretStore,
    private readonly sources: ProjectSources,
  ) {
    this.outbox = new JobOutbox(ctx.userData.outboxDir);
    // Probe along the route requests take: through a proxy, a bare TCP connection may never succeed.
    const transport = ctx.options.segmindTransport;
    this.network = new NetworkMonitor(
      () => this.baseUrl(),
      undefined,
      transport && transport.route.kind !== 'direct'
        ? (url) => canReachOverFetch(transport.fetch, url)
        : undefined,
    );
    this.queue = new JobQueue({
      outbox: this.outbox,
      client: () => this.client(),
      limits: () => ctx.settings,
      network: this.network,
      deliver: (job, file) => this.deliver(job, file),
      onJob: (job) => ctx.events.emit('jobs.updated', job),
      onState: (state) => ctx.events.emit('queue.changed', state),
      held: (job) => this.batches.isHeld(job) || this.heldByCap(job),
      // Async API (v2) per model, as chosen in Settings (segmindApiFor); its client never sees output hosts' keys.
      apiFor: (modelId) => segmindApiFor(ctx.settings, modelId),
      asyncClient: () => this.asyncClient(),
    });
    this.cap = new SpendingCap(
      () => ctx.settings,
      () => this.queue.list(),
    );
    this.batches = new BatchService(join(dirname(ctx.userData.outboxDir), 'batches'), {
      enqueue: (input) => this.enqueue(input),
      jobs: () => this.queue.list(),
      cancelJob: (id) => this.queue.cancel(id),
      pump: () => this.queue.pump(),
      balance: () =>
        this.credits().then(
          (c) => c.credits,
          () => null,
        ),
      limits: () => ctx.settings,
      project: () => ctx.writableProject(),
      currentProject: () => ctx.currentProject(),
      sources,
      // A batch's jobs announce themselves (jobs.updated); the batch's own state rides on the queue's event.
      onChange: () => ctx.events.emit('queue.changed', this.queue.state()),
    });
    this.network.onChange((online) => ctx.events.emit('network.changed', { online }));
    ctx.onProjectChange((project) => {
      if (project) void this.queue.deliverPending();
      // A capped project's receipts are summed afresh at open (another process may have added to them
      // while it was closed), in SQL, a scan of its index; then its jobs go.
      if (project) this.cap.forget(project.root);
      if (project && this.cap.capOf(project.file.id) !== undefined)
        this.cap.readReceipts(project, () => this.queue.pump());
      // A batch a restart interrupted while it was being queued is finished once its project is open.
      if (project && this.ownerLock) void this.batches.resumeMaterialising().catch(() => undefined);
    });
  }

  /**
   * Takes ownership of the outbox (one process at a time: the app, or a CLI `generate`), settles what a
   * crash left (JobOutbox.load: a paid image that arrived completes its job, other interrupted jobs become
   * `unknown`), and starts sending what is queued. Completed jobs are delivered when their project opens.
   * A process that cannot own the outbox, or was asked not to run the queue, never sends anything.
   */
  async start(options: { runQueue: boolean }): Promise<void> {
    if (!options.runQueue) return;
    // The app notices a lost network by itself (free probes), not only when a job fails.
    this.network.watch();
    const outcome = await ProjectLock.acquire(join(this.outbox.dir, 'owner.lock.json'));
    if (!outcome.acquired) {
      this.notOwner = `The generation queue belongs to ${outcome.heldBy}. Generate there, or close it first.`;
      return;
    }
    this.ownerLock = outcome.lock;
    const settled = await this.outbox.load();
    // Before the first pump: a batch paused before the restart stays paused.
    await this.batches.load();
    for (const job of settled.recovered) {
      console.warn(`[ccstudio] job ${job.id}: its paid image had arrived before the app stopped; kept.`);
    }
    this.queue.pump();
  }

  async dispose(): Promise<void> {
    await this.queue.dispose();
    this.network.dispose();
    await this.ownerLock?.release();
  }

  private assertOwner(): void {
    if (!this.ownerLock) {
      throw new AppError('UNSUPPORTED', this.notOwner ?? 'This command does not run the generation queue.');
    }
  }

  baseUrl(): string {
    return this.ctx.options.segmindBaseUrl || this.ctx.settings.segmindBaseUrl || DEFAULT_SEGMIND_BASE_URL;
  }

  private asyncClient(): SegmindAsyncClient {
    const url = this.baseUrl();
    if (this.asyncClientCache?.url !== url) {
      this.asyncClientCache = {
        url,
        client: createSegmindAsyncClient({
          baseUrl: url,
          getKey: () => this.secrets.get(),
          fetch: this.ctx.options.segmindTransport?.fetch,
        }),
      };
    }
    return this.asyncClientCache.client;
  }

  private client(): SegmindClient {
    const url = this.baseUrl();
    if (this.clientCache?.url !== url) {
      this.clientCache = {
        url,
        client: createSegmindClient({
          baseUrl: url,
          getKey: () => this.secrets.get(),
          fetch: this.ctx.options.segmindTransport?.fetch,
        }),
      };
    }
    return this.clientCache.client;
  }

  private async keyStatus(): Promise<KeyStatus> {
    const status = this.secrets.status();
    return { hasKey: (await this.secrets.get()) !== null, ...status };
  }

  async credits(): Promise<{ credits: number; checkedAt: string }> {
    const result = await this.client().getCredits();
    if (!result.ok) {
      if (result.sent === 'no' && result.error.code === 'OFFLINE') this.network.reportUnreachable();
      throw result.error;
    }
    this.network.reportReachable();
    this.ctx.events.emit('credits.changed', { credits: result.credits });
    return { credits: result.credits, checkedAt: nowIso() };
  }

  /** Composes, validates and queues one job. The pose sheet is normalised and copied into the outbox now. */
  async enqueue(input: {
    modelId: string;
    characterId: string;
    poseId: string;
    params: Record<string, string | number | boolean>;
    /** Which of the character's reference pictures the model takes; default the first. */
    referenceImageId?: string | undefined;
    batchId?: string | undefined;
    /** A batch names its jobs before they exist, so a restart never queues a run twice. */
    jobId?: string | undefined;
  }): Promise<Job> {
    this.assertOwner();
    const project = this.ctx.project();
    const model = this.supportedModel(input.modelId);
    const character = await this.sources.character(project, input.characterId);
    const { pose, bytes } = await this.sources.pose(project, input.poseId);
    const composed = composePrompt(character, model);
    const values = {
      ...defaultParams(model),
      [model.prompt.field]: composed.prompt,
      ...(model.prompt.negativeField ? { [model.prompt.negativeField]: composed.negativePrompt } : {}),
      ...input.params,
    };
    const checked = validateParams(model, values);
    if (!checked.ok) {
      throw new AppError('INVALID_INPUT', checked.issues.map((i) => `${i.field}: ${i.message}`).join('; '), {
        issues: checked.issues,
      });
    }
    const sheet = await normaliseForUpload(bytes);
    const reference = await chooseReference(model, character, input.referenceImageId, this.sources, project);
    const job: Job = {
      id: input.jobId ?? newId(),
      state: 'queued',
      projectPath: project.root,
      projectId: project.file.id,
      modelId: model.id,
      characterId: character.id,
      poseId: pose.id,
      label: { character: character.name, pose: pose.name },
      params: checked.values,
      sentImage: {
        poseId: pose.id,
        sha256: sheet.sha256,
        width: sheet.width,
        height: sheet.height,
        bytes: sheet.bytes.length,
        format: sheet.format,
      },
      createdAt: nowIso(),
      updatedAt: nowIso(),
      attempts: 0,
      autoRetries: 0,
      ...(this.network.isOnline()
        ? {}
        : { waitingFor: 'Offline: this job goes out when the network is back.' }),
      ...(reference ? { sentReference: reference.sent } : {}),
      ...(input.batchId ? { batchId: input.batchId } : {}),
    };
    // The sheet and the job that names it go into the outbox together: a crash leaves both or neither.
    return this.queue.add(job, sheet.bytes, reference?.bytes);
  }

  async rerun(resultId: string, seed: 'same' | 'new' | number): Promise<Job> {
    const project = this.ctx.project();
    const result: Result = await this.sources.result(project, resultId);
    const model = getModel(result.modelId);
    // Every picture field (V1's image, V3's ip_image and input_image) is described, not sent: drop them all.
    const request = result.receipt.request as Record<string, string | number | boolean>;
    const { image: _image, ...sent } = (
      model ? bodyWithoutImages(model, request) : request
    ) as typeof request;
    const usedSeed = result.receipt.response.headers.seed ?? sent.seed;
    const nextSeed = seed === 'same' ? usedSeed : seed === 'new' ? randomSeed() : seed;
    return this.enqueue({
      modelId: result.modelId,
      characterId: result.characterId,
      poseId: result.poseId,
      params: { ...sent, ...(nextSeed === undefined ? {} : { seed: Number(nextSeed) }) },
      referenceImageId: result.receipt.sentReference?.imageId,
    });
  }

  /**
   * Commits a paid image into its project, if that project is the one open here. Safe to repeat: the
   * result's id follows from the job's (resultIdForJob) and the commit adopts a result already there.
   */
  private async deliver(job: Job, outputFile: string): Promise<string | null> {
    const project = this.ctx.currentProject();
    if (!project || project.root !== job.projectPath || project.readOnly) return null;
    const result = resultFromJob(job, this.baseUrl(), this.ctx.options.appVersion);
    await this.sources.commitResult(project, result, outputFile);
    // A run with several pictures makes several results, each with its receipt. Each commit adopts a result
    // already there (ids follow from the job's), so a delivery repeated after a crash commits none twice.
    for (const extra of extraResultsFromJob(job, outputFile, this.baseUrl(), this.ctx.options.appVersion)) {
      await this.sources.commitResult(project, extra.result, extra.file);
    }
    this.cap.delivered(job);
    this.ctx.events.emit('project.changed', { kind: 'results' });
    return result.id;
  }

  /** The open project's spend from its receipts, named for people, with its cap and what counts against it. */
  private async spendSummary(): Promise<SpendSummaryView> {
    const project = this.ctx.project();
    const summary = await summariseProject(project);
    const labels = new Map(this.batches.list().map((b) => [b.batch.id, b.batch.label]));
    const cap = this.cap.capOf(project.file.id);
    return {
      projectId: project.file.id,
      total: summary.total,
      runs: summary.runs,
      unknownCost: summary.unknownCost,
      byCharacter: summary.byCharacter.map((c) => ({ ...c })),
      byBatch: summary.byBatch.map((b) => ({ ...b, name: labels.get(b.id) ?? null })),
      byModel: summary.byModel.map((m) => ({ ...m, name: getModel(m.id)?.name ?? null })),
      balance: [...summary.balance],
      cap:
        cap === undefined
          ? null
          : { credits: cap, spent: summary.total, underWay: this.cap.underWay(project.file.id) },
    };
  }

  /** A job the project's spending cap holds back; passing the cap pauses the queue, with its reason. */
  private heldByCap(job: Job): boolean {
    const verdict = this.cap.check(job);
    if (verdict === 'go') return false;
    // A cap set after the project was opened: its receipts are summed now, then the job is looked at again.
    const project = this.ctx.currentProject();
    if (verdict === 'wait' && project?.root === job.projectPath)
      this.cap.readReceipts(project, () => this.queue.pump());
    if (verdict !== 'wait' && !this.queue.state().paused) this.queue.pause(verdict);
    return true;
  }

  private supportedModel(id: string): ModelSpec {
    const model = getModel(id);
    if (!model) throw new AppError('INVALID_INPUT', `There is no model named ${id}.`);
    if (model.status !== 'supported')
      throw new AppError('UNSUPPORTED', `${model.name} cannot be generated with yet.`);
    return model;
  }

  handlers(): HandlersFor<typeof generationCalls> {
    return {
      'key.status': () => this.keyStatus(),
      'key.set': async (input) => {
        const shape = validateKeyShape(input.key);
        if (!shape.ok) throw new AppError('INVALID_INPUT', shape.reason);
        const key = input.key.trim();
        if (this.network.isOnline()) {
          // Check the key with the free balance call before keeping it; offline, keep it and check later.
          const probe = await createSegmindClient({
            baseUrl: this.baseUrl(),
            getKey: async () => key,
            fetch: this.ctx.options.segmindTransport?.fetch,
          }).getCredits();
          if (!probe.ok && probe.error.code === 'KEY_REJECTED') throw probe.error;
          if (probe.ok) this.ctx.events.emit('credits.changed', { credits: probe.credits });
        }
        await this.secrets.set(key);
        if (
          this.queue.state().paused &&
          ['KEY_MISSING', 'KEY_REJECTED'].includes(this.queue.state().paused!.code)
        ) {
          this.queue.resume();
        }
        return this.keyStatus();
      },
      'key.clear': async () => {
        await this.secrets.clear();
        return this.keyStatus();
      },
      'credits.get': () => this.credits(),
      'generation.enqueue': (input) => this.enqueue(input),
      'generation.rerun': ({ resultId, seed }) => this.rerun(resultId, seed),
      'jobs.list': async () => ({ jobs: this.queue.list(), state: this.queue.state() }),
      'jobs.cancel': ({ id }) => this.queue.cancel(id),
      'jobs.resend': ({ id }) => this.queue.resend(id),
      'jobs.dismiss': async ({ id }) => {
        await this.queue.dismiss(id);
        return { dismissed: true };
      },
      'jobs.clearFinished': async () => {
        let dismissed = 0;
        for (const job of this.queue.list()) {
          if ((job.state === 'completed' && job.resultId) || job.state === 'cancelled') {
            await this.queue.dismiss(job.id);
            dismissed++;
          }
        }
        return { dismissed };
      },
      'batches.plan': (request) => this.batches.plan(request),
      'batches.start': (request) => {
        this.assertOwner();
        return this.batches.start(request);
      },
      'batches.list': async () => ({ batches: this.batches.list() }),
      'batches.pause': ({ id }) => this.batches.pause(id),
      'batches.resume': ({ id }) => this.batches.resume(id),
      'batches.cancel': ({ id }) => this.batches.cancel(id),
      'queue.resume': async () => {
        this.queue.resume();
        return this.queue.state();
      },
      'spend.summary': () => this.spendSummary(),
      'presets.list': async () => workspaceFor(this.ctx.project()).presets.list(),
      'presets.save': async (preset) => {
        const project = this.ctx.writableProject();
        const model = this.supportedModel(preset.modelId);
        const { [model.prompt.field]: _p, ...params } = preset.params;
        if (model.prompt.negativeField) delete params[model.prompt.negativeField];
        return workspaceFor(project).presets.update((presets) => [
          ...presets.filter((p) => p.name !== preset.name),
          { ...preset, params, updatedAt: nowIso() },
        ]);
      },
      'presets.delete': async ({ name }) => {
        const project = this.ctx.writableProject();
        return workspaceFor(project).presets.update((presets) => presets.filter((p) => p.name !== name));
      },
    };
  }
}

export const randomSeed = (): number => Math.floor(Math.random() * MAX_RANDOM_SEED);
