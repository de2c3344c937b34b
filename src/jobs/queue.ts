import { createHash } from 'node:crypto';
import { AppError, nowIso, type AppErrorData, type Job, type JobOutput, type Settings } from '../domain';
import { storageFault } from '../library/storage-fault';
import { buildRequestBody, getModel } from '../models';
import type { GenerateSuccess, RequestFailure, SegmindClient } from '../segmind';
import type { SegmindAsyncClient } from '../segmind/async-client';
import type { SegmindApi } from '../domain/job';
import {
  DEFAULT_POLL_BACKOFF,
  expiredRunError,
  failedRunError,
  headersFromMetrics,
  nextPollDelay,
  outputFileName,
  retiredModelError,
  withinRecordLifetime,
  type PollBackoff,
} from './async-run';
import type { JobOutbox } from './outbox';
import type { NetworkMonitor } from './network-monitor';
import { RateLimiter } from './rate-limiter';
import {
  automaticRetryNotice,
  RATE_LIMIT_FALLBACK_WAIT_MS,
  SERVER_ERROR_RETRY_DELAY_MS,
} from './automatic-retry';
import { typicalDurationMs } from './typical-duration';

interface Flight {
  controller: AbortController;
  cancelRequested: boolean;
  done: Promise<void>;
  /** The rate limiter's slot of the request this flight sent; -1 when it sent none (resumed polling). */
  rateSlot: number;
}

export interface QueueState {
  /** Why nothing is going out (no key, key rejected, out of credits), or null. */
  paused: AppErrorData | null;
  online: boolean;
  running: number;
  /** Median of recent runs, to show elapsed time against; the model's figure until there are some. */
  typicalDurationMs: number;
}

export interface JobQueueDeps {
  outbox: JobOutbox;
  client(): SegmindClient;
  limits(): Pick<Settings, 'concurrency' | 'requestsPerMinute'>;
  network: NetworkMonitor;
  /**
   * Commits a paid image into its project (receipt, thumbnail, index). Returns the result's id, or null
   * when the job's project is not open here now: the image then waits in the outbox and nothing is lost.
   */
  deliver(job: Job, outputFile: string): Promise<string | null>;
  onJob(job: Job): void;
  onState(state: QueueState): void;
  /** True for a queued job that must not be sent now (its batch is paused); checked at every pump. */
  held?(job: Job): boolean;
  now?: () => number;
  /** Which API a model's jobs go through (Settings); v1 when not given. */
  apiFor?(modelId: string): SegmindApi;
  /** The async API's client (v2); needed only when apiFor answers v2. */
  asyncClient?(): SegmindAsyncClient;
  /** How often a v2 run is polled (tests shorten it). */
  pollBackoff?: PollBackoff;
}

/**
 * The generation queue: queued -> submitting -> completed | failed | unknown, and cancelled.
 * It never sends a request twice by accident: a job is durably `submitting` before its POST leaves, and a
 * failure whose request may have arrived (`sent: 'maybe'`) becomes `unknown`, which only the person can
 * send again. Automatic retries: a request that provably never left, a 429 after its reset, one 500.
 */
export class JobQueue {
  private readonly running = new Map<string, Flight>();
  private readonly limiter: RateLimiter;
  private paused: AppErrorData | null = null;
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;
  private readonly now: () => number;
  private readonly waiters = new Set<() => void>();
  private readonly delivering = new Set<string>();

  constructor(private readonly deps: JobQueueDeps) {
    this.now = deps.now ?? Date.now;
    this.limiter = new RateLimiter(() => deps.limits().requestsPerMinute, this.now);
    deps.network.onChange(() => {
      this.emitState();
      this.pump();
    });
  }

  state(): QueueState {
    const completed = this.deps.outbox.list().filter((j) => j.state === 'completed');
    const model = getModel(this.deps.outbox.list()[0]?.modelId ?? '') ?? undefined;
    return {
      paused: this.paused,
      online: this.deps.network.isOnline(),
      running: this.running.size,
      typicalDurationMs: typicalDurationMs(completed, model?.typicalDurationMs ?? 40_000),
    };
  }

  list(): Job[] {
    return this.deps.outbox.list();
  }

  /** Adds a `queued` job with the sheet it will send (written to the outbox together) and starts the pump. */
  async add(job: Job, input: Uint8Array, reference?: Uint8Array): Promise<Job> {
    const saved = await this.deps.outbox.create(job, input, reference);
    this.deps.onJob(saved);
    this.pump();
    return saved;
  }

  /**
   * Cancels a job. A queued job is cancelled at once. A job whose request is in flight is aborted at once;
   * if the request had already left, Segmind may still bill it, so the job becomes `unknown`, not `cancelled`.
   * Answers with the job as the cancel left it (not the `submitting` it was a moment before).
   */
  async cancel(id: string): Promise<Job> {
    const job = this.require(id);
    if (job.state !== 'queued' && job.state !== 'submitting') {
      // Also while a finished job's image is still being committed: there is nothing left to cancel.
      throw new AppError('INVALID_INPUT', 'Only a waiting or running job can be cancelled.');
    }
    if (job.requestId !== undefined) {
      // The async API has no cancel: Segmind runs (and charges for) an accepted run whatever the app does.
      throw new AppError(
        'INVALID_INPUT',
        'Segmind has already accepted this run and cannot cancel it: it will be charged, and its picture is kept when it arrives.',
      );
    }
    const inFlight = this.running.get(id);
    if (inFlight) {
      inFlight.cancelRequested = true;
      inFlight.controller.abort();
      await inFlight.done;
      return this.require(id);
    }
    if (job.state !== 'queued')
      throw new AppError('INVALID_INPUT', 'Only a waiting or running job can be cancelled.');
    return this.update(job, { state: 'cancelled', finishedAt: nowIso(), waitingFor: undefined });
  }

  /**
   * The person's explicit "send again" for a job that failed or whose outcome is unknown. This is the only
   * way an `unknown` job is ever sent again.
   */
  async resend(id: string): Promise<Job> {
    const job = this.require(id);
    if (!['unknown', 'failed', 'cancelled'].includes(job.state)) {
      throw new AppError('INVALID_INPUT', 'Only a failed, cancelled or unknown job can be sent again.');
    }
    const next = await this.update(job, {
      state: 'queued',
      error: undefined,
      finishedAt: undefined,
      notBefore: undefined,
      autoRetries: 0,
    });
    this.pump();
    return next;
  }

  /** Removes a finished job from the list (and its outbox folder). A job still owed to a project stays. */
  async dismiss(id: string): Promise<void> {
    const job = this.require(id);
    if (job.state === 'queued' || job.state === 'submitting')
      throw new AppError('INVALID_INPUT', 'Cancel the job first.');
    if (job.output && !job.resultId) {
      throw new AppError(
        'INVALID_INPUT',
        'This job’s image has not been saved into its project yet. Open the project first.',
      );
    }
    await this.deps.outbox.remove(id);
  }

  pause(reason: AppErrorData): void {
    this.paused = reason;
    this.emitState();
  }

  resume(): void {
    this.paused = null;
    this.emitState();
    this.pump();
  }

  /** Commits paid images that are still waiting in the outbox (their project was closed when they arrived). */
  async deliverPending(): Promise<void> {
    for (const job of this.deps.outbox.list()) {
      if (job.state === 'completed' && job.output && !job.resultId) await this.deliver(job);
    }
  }

  /** Resolves when `predicate` holds for the job (CLI and tests). */
  waitFor(id: string, predicate: (job: Job) => boolean): Promise<Job> {
    return new Promise((resolve) => {
      const check = () => {
        const job = this.deps.outbox.get(id);
        if (job && predicate(job)) {
          this.waiters.delete(check);
          resolve(job);
        }
      };
      this.waiters.add(check);
      check();
    });
  }

  /**
   * Stops sending. Requests in flight are aborted, and their outcome (unknown, or a paid image that had
   * already arrived and is being saved) is recorded before this resolves: nothing is written to the outbox
   * or a project after dispose, so the next owner of the outbox finds it final.
   */
  async dispose(): Promise<void> {
    this.disposed = true;
    clearTimeout(this.timer);
    for (const { controller } of this.running.values()) controller.abort();
    await Promise.allSettled([...this.running.values()].map((flight) => flight.done));
  }

  /** Starts as many queued jobs as the limits allow, and schedules itself for the next one that must wait. */
  pump(): void {
    clearTimeout(this.timer);
    if (this.disposed || this.paused || !this.deps.network.isOnline()) return;
    const { concurrency } = this.deps.limits();
    let nextWake = Infinity;
    // Runs Segmind already accepted (v2, found after a restart or a pause) are followed first: polling is
    // free and always safe, and their pictures are already paid for.
    for (const job of this.deps.outbox.list()) {
      if (this.running.size >= concurrency) break;
      if (job.state !== 'submitting' || job.requestId === undefined || this.running.has(job.id)) continue;
      this.startFlight(job, -1, (flight) => this.resumeAsync(job, flight));
    }
    for (const job of this.deps.outbox.list()) {
      if (this.running.size >= concurrency) break;
      if (job.state !== 'queued' || this.running.has(job.id)) continue;
      // A job of a paused batch, or one the project's spending cap holds back, waits where it is.
      if (this.deps.held?.(job)) continue;
      const notBefore = job.notBefore ? Date.parse(job.notBefore) - this.now() : 0;
      if (notBefore > 0) {
        nextWake = Math.min(nextWake, notBefore);
        continue;
      }
      const wait = this.limiter.waitMs();
      if (wait > 0) {
        nextWake = Math.min(nextWake, wait);
        break;
      }
      const rateSlot = this.limiter.record();
      this.startFlight(job, rateSlot, () => this.run(job));
    }
    if (nextWake !== Infinity) {
      this.timer = setTimeout(() => this.pump(), Math.max(50, nextWake));
      this.timer.unref();
    }
  }

  private startFlight(job: Job, rateSlot: number, work: (flight: Flight) => Promise<void>): void {
    const flight: Flight = {
      controller: new AbortController(),
      cancelRequested: false,
      done: Promise.resolve(),
      rateSlot,
    };
    this.running.set(job.id, flight);
    flight.done = work(flight)
      .catch((error: unknown) => {
        // Only the outbox itself can fail here (a full disk, a folder made read-only): stop sending rather
        // than loop, and say why. Nothing about the job's billing state was lost: it was written first.
        this.pause(
          errorData(error, 'The generation queue stopped because the app could not write its outbox.'),
        );
      })
      .finally(() => {
        this.running.delete(job.id);
        this.emitState();
        if (!this.disposed) this.pump();
      });
  }

  private async run(queued: Job): Promise<void> {
    const flight = this.running.get(queued.id)!;
    const model = getModel(queued.modelId);
    if (!model) {
      await this.update(queued, {
        state: 'failed',
        finishedAt: nowIso(),
        error: {
          code: 'MODEL_RETIRED',
          message: `The model ${queued.modelId} is not known to this version of the app.`,
        },
      });
      return;
    }
    let body;
    try {
      const reference = await this.deps.outbox.readReference(queued);
      body = buildRequestBody(model, queued.params, {
        pose: (await this.deps.outbox.readInput(queued)).toString('base64'),
        character: reference?.toString('base64'),
      });
    } catch (error) {
      await this.update(queued, {
        state: 'failed',
        finishedAt: nowIso(),
        error: errorData(error, 'The job’s pose sheet could not be read from the outbox.'),
      });
      return;
    }
    const api: SegmindApi = this.deps.apiFor?.(model.id) ?? 'v1';
    let client: SegmindClient | SegmindAsyncClient;
    try {
      client = api === 'v2' ? this.asyncClient() : this.deps.client();
    } catch (error) {
      // The address cannot be used (not http(s), credentials in it): nothing can leave, for any job. The job
      // stays `queued` (never `submitting`, which a restart would turn into `unknown`) until the person fixes it.
      this.limiter.release(flight.rateSlot);
      this.pause(errorData(error, 'The Segmind address cannot be used.'));
      return;
    }
    // Durably `submitting` before the POST leaves: after a crash this job is `unknown`, never re-sent.
    const submitting = await this.update(queued, {
      state: 'submitting',
      api,
      attempts: queued.attempts + 1,
      submittedAt: nowIso(),
      error: undefined,
      waitingFor: undefined,
      notBefore: undefined,
      requestId: undefined,
      remoteStatus: undefined,
    });
    this.emitState();
    if (!('generate' in client)) {
      await this.submitAsync(submitting, client, model.path, body, flight);
      return;
    }
    const result = await client.generate(model.path, body, { signal: flight.controller.signal });
    // Only requests that left count against Segmind's per-minute limit.
    if (!result.ok && result.sent === 'no') this.limiter.release(flight.rateSlot);
    if (result.ok) await this.received(submitting, result);
    else await this.failed(submitting, result, flight.cancelRequested);
  }

  /**
   * The image is written to disk the moment it arrives, before anything else happens to it, and with its
   * record (paid-image.ts): a crash before the job below is `completed` leaves an image the next start
   * finds and completes the job with, instead of a job that asks to be paid for again.
   */
  private async received(job: Job, result: GenerateSuccess): Promise<void> {
    this.deps.network.reportReachable();
    const extension = result.image.format === 'jpeg' ? 'jpg' : result.image.format;
    const output: JobOutput = {
      file: `output.${extension}`,
      contentType: result.contentType,
      bytes: result.bytes.length,
      sha256: createHash('sha256').update(result.bytes).digest('hex'),
      width: result.image.width,
      height: result.image.height,
      status: result.status,
      headers: result.headers,
      completedAt: result.timings.completedAt,
      durationMs: result.timings.durationMs,
    };
    await this.deps.outbox.savePaidImage(job, result.bytes, output);
    const completed = await this.update(job, { state: 'completed', finishedAt: nowIso(), output });
    await this.deliver(completed);
  }

  private asyncClient(): SegmindAsyncClient {
    if (!this.deps.asyncClient)
      throw new AppError('UNSUPPORTED', 'The async Segmind API is not available here.');
    return this.deps.asyncClient();
  }

  /**
   * v2: the submit is the only billable request. Its answer (the request id) is written to the outbox the
   * moment it arrives, before anything else: from then on a crash, a restart or a dropped connection only
   * means "poll again". A submit whose answer never arrived is `unknown`, exactly as a v1 POST (failed()).
   */
  private async submitAsync(
    job: Job,
    client: SegmindAsyncClient,
    modelPath: string,
    body: unknown,
    flight: Flight,
  ): Promise<void> {
    const slug = modelPath.split('/').pop() ?? '';
    const result = await client.submit(slug, body, { signal: flight.controller.signal });
    if (!result.ok) {
      if (result.sent === 'no') this.limiter.release(flight.rateSlot);
      await this.failed(job, result, flight.cancelRequested);
      return;
    }
    // Nothing happens before the request id is on disk: from here on the run can always be found again.
    const submitted = await this.update(job, { requestId: result.requestId, remoteStatus: result.status });
    this.deps.network.reportReachable();
    await this.follow(submitted, client, flight);
  }

  /** A run Segmind accepted before this queue started (a restart) or before a pause: polling picks it up. */
  private async resumeAsync(job: Job, flight: Flight): Promise<void> {
    let client: SegmindAsyncClient;
    try {
      client = this.asyncClient();
    } catch (error) {
      this.pause(errorData(error, 'The Segmind address cannot be used.'));
      return;
    }
    await this.follow(job, client, flight);
  }

  /**
   * Polls an accepted run with backoff until it ends, then fetches its result. Every request here is a GET:
   * a failure is only a reason to wait and look again, never `unknown`. Stops (the job left as it is, to be
   * resumed) when the queue is disposed or the key stops working; ends the job when the run completed
   * (its outputs kept), failed (422, not charged), or its record is gone (expired).
   */
  private async follow(start: Job, client: SegmindAsyncClient, flight: Flight): Promise<void> {
    const backoff = this.deps.pollBackoff ?? DEFAULT_POLL_BACKOFF;
    const signal = flight.controller.signal;
    let job = start;
    let delay: number | undefined;
    for (;;) {
      if (!withinRecordLifetime(job, this.now())) {
        await this.update(job, { state: 'failed', finishedAt: nowIso(), error: expiredRunError(job) });
        return;
      }
      delay = nextPollDelay(delay, backoff);
      if (!(await sleepUnlessAborted(delay, signal))) return;
      const requestId = job.requestId!;
      const status = await client.status(requestId, { signal });
      let ended = false;
      if (status.ok) {
        this.deps.network.reportReachable();
        if (status.status !== job.remoteStatus || job.waitingFor !== undefined) {
          job = await this.update(job, { remoteStatus: status.status, waitingFor: undefined });
        }
        ended = status.status === 'COMPLETED' || status.status === 'FAILED';
      } else if (await this.pollFailed(job, status)) {
        return;
      }
      if (!ended) continue;
      const result = await client.result(requestId, { signal });
      if (!result.ok) {
        if (await this.pollFailed(job, result)) return;
        continue;
      }
      if (result.state === 'RUNNING') continue;
      if (result.state === 'FAILED') {
        await this.update(job, {
          state: 'failed',
          finishedAt: nowIso(),
          remoteStatus: 'FAILED',
          error: failedRunError(job, result.message, result.metrics),
        });
        return;
      }
      if (await this.receivedAsync(job, client, result, signal)) return;
    }
  }

  /**
   * A poll or result read that failed. Returns true when following stops here: the job ended (expired), or
   * it is left `submitting` with its request id for later (the queue was disposed, or no key can be sent).
   */
  private async pollFailed(job: Job, failure: RequestFailure): Promise<boolean> {
    const { error } = failure;
    if (error.code === 'NOT_FOUND' && error.detail?.reason === 'expired') {
      await this.update(job, { state: 'failed', finishedAt: nowIso(), error: expiredRunError(job) });
      return true;
    }
    if (error.code === 'CANCELLED' || this.disposed) return true;
    if (error.code === 'KEY_MISSING' || error.code === 'KEY_REJECTED') {
      this.pause(error.toData());
      return true;
    }
    if (failure.sent === 'no' && error.code === 'OFFLINE') this.deps.network.reportUnreachable();
    const note = `Segmind has this run; the app could not reach it just now (${error.code}) and keeps asking.`;
    if (job.waitingFor !== note) await this.update(job, { waitingFor: note });
    return false;
  }

  /**
   * Every output of a completed run is downloaded, then written to disk (atomically, fsynced), before the
   * job records anything: the further outputs first, then the first with its record (paid-image.ts), then
   * job.json `completed`. A crash anywhere before that leaves the job `submitting` with its request id, and
   * the next start polls and downloads again (GETs). Returns false to keep polling (a download that may
   * succeed later), true when the job ended.
   */
  private async receivedAsync(
    job: Job,
    client: SegmindAsyncClient,
    result: Extract<Awaited<ReturnType<SegmindAsyncClient['result']>>, { state: 'COMPLETED' }>,
    signal: AbortSignal,
  ): Promise<boolean> {
    const requestId = job.requestId!;
    const downloads = await Promise.all(result.outputs.map((ref) => client.download(ref, { signal })));
    if (signal.aborted) return true;
    const refused = downloads.find((d) => !d.ok && !d.retryable);
    if (refused && !refused.ok) {
      await this.update(job, {
        state: 'failed',
        finishedAt: nowIso(),
        remoteStatus: 'COMPLETED',
        error: {
          code: refused.error.code,
          message: `The run completed and was charged, but its picture could not be kept: ${refused.error.message}`,
          detail: { ...(refused.error.detail ?? {}), requestId, charged: true },
        },
      });
      return true;
    }
    const failed = downloads.find((d) => !d.ok);
    if (failed && !failed.ok) {
      const note = `The run completed; its picture is being downloaded again (${failed.error.code}).`;
      if (job.waitingFor !== note) await this.update(job, { waitingFor: note });
      return false;
    }
    this.deps.network.reportReachable();
    const completedAt = nowIso();
    const startedAt = job.submittedAt ? Date.parse(job.submittedAt) : Date.now();
    const headers = headersFromMetrics(requestId, result.metrics, result.seed);
    const outputs: { output: JobOutput; bytes: Buffer }[] = downloads.map((d, index) => {
      if (!d.ok) throw new Error('unreachable: every download succeeded');
      return {
        bytes: d.bytes,
        output: {
          file: outputFileName(index, d.image.format),
          contentType: d.contentType,
          bytes: d.bytes.length,
          sha256: createHash('sha256').update(d.bytes).digest('hex'),
          width: d.image.width,
          height: d.image.height,
          status: 200,
          headers,
          completedAt,
          durationMs: Math.max(0, Date.now() - startedAt),
          ...(result.metrics ? { metrics: result.metrics } : {}),
        },
      };
    });
    const [first, ...rest] = outputs;
    if (!first) return false;
    for (const extra of rest) await this.deps.outbox.saveExtraOutput(job, extra.bytes, extra.output);
    await this.deps.outbox.savePaidImage(
      job,
      first.bytes,
      first.output,
      rest.map((r) => r.output),
    );
    const completed = await this.update(job, {
      state: 'completed',
      finishedAt: completedAt,
      remoteStatus: 'COMPLETED',
      waitingFor: undefined,
      output: first.output,
      ...(rest.length > 0 ? { extraOutputs: rest.map((r) => r.output) } : {}),
    });
    await this.deliver(completed);
    return true;
  }

  private async deliver(job: Job): Promise<void> {
    const outputFile = this.deps.outbox.outputPath(job);
    // One delivery per job at a time: opening a project delivers pending images while a new one may be arriving.
    if (!outputFile || this.delivering.has(job.id)) return;
    this.delivering.add(job.id);
    try {
      await this.deliverOnce(job, outputFile);
    } finally {
      this.delivering.delete(job.id);
    }
  }

  private async deliverOnce(job: Job, outputFile: string): Promise<void> {
    if (this.deps.outbox.get(job.id)?.resultId) return;
    try {
      const resultId = await this.deps.deliver(job, outputFile);
      if (resultId === null) {
        await this.update(job, {
          waitingFor:
            'The image is safe in the outbox; it is saved into its project when that project is open.',
        });
        return;
      }
      await this.update(job, { resultId, waitingFor: undefined, error: undefined });
      // The result is in the project now: the outbox copies are no longer needed.
      await this.deps.outbox.dropDelivered(job);
    } catch (error) {
      await this.update(job, {
        waitingFor: undefined,
        error: errorData(
          error,
          'The image arrived and is safe in the outbox, but could not be saved into the project.',
        ),
      });
    }
  }

  private async failed(job: Job, result: RequestFailure, cancelRequested: boolean): Promise<void> {
    const error = result.error;
    const unsent = { attempts: Math.max(0, job.attempts - 1), submittedAt: undefined };
    if (result.sent === 'no') {
      if (cancelRequested || error.code === 'CANCELLED') {
        await this.update(job, { ...unsent, state: 'cancelled', finishedAt: nowIso() });
      } else if (error.code === 'OFFLINE') {
        // Provably never left: it waits for the network and goes out when it is back.
        await this.update(job, {
          ...unsent,
          state: 'queued',
          waitingFor: 'Offline: this job goes out when the network is back.',
        });
        this.deps.network.reportUnreachable();
      } else {
        // Stopped before sending for a reason every job shares (no key, a key that cannot be sent, a bad
        // address): not the network, so wait for the person rather than probing forever.
        await this.update(job, { ...unsent, state: 'queued' });
        this.pause(error.toData());
      }
      return;
    }
    if (result.bytes && result.billed !== 'no') {
      // Paid for but not an image: keep exactly what arrived, for diagnosis and for any dispute.
      await this.deps.outbox.saveUnusableAnswer(job.id, result.bytes);
    }
    // Stopped after the request left is `unknown` too, even when the answer had begun to arrive (sent: 'yes').
    if (result.sent === 'maybe' || error.code === 'OUTCOME_UNKNOWN' || error.code === 'CANCELLED') {
      const message = cancelRequested
        ? result.billed === 'yes'
          ? 'Cancelled while the picture was arriving: Segmind has already charged for it, and no image will arrive for it.'
          : 'Cancelled after the request had reached Segmind, which may still charge for it. No image will arrive for it.'
        : `${error.message} The request may have reached Segmind and been charged. Send it again only if you accept paying twice.`;
      await this.update(job, {
        state: 'unknown',
        finishedAt: nowIso(),
        error: { code: 'OUTCOME_UNKNOWN', message, detail: { cause: error.code } },
      });
      return;
    }
    this.deps.network.reportReachable();
    switch (error.code) {
      case 'RATE_LIMITED': {
        const resetAt = typeof error.detail?.resetAt === 'string' ? Date.parse(error.detail.resetAt) : NaN;
        const at =
          Number.isFinite(resetAt) && resetAt > this.now()
            ? resetAt
            : this.now() + RATE_LIMIT_FALLBACK_WAIT_MS;
        await this.update(job, {
          state: 'queued',
          autoRetries: job.autoRetries + 1,
          notBefore: new Date(at).toISOString(),
          waitingFor: automaticRetryNotice('RATE_LIMITED', at),
        });
        return;
      }
      case 'SERVER_ERROR':
        if (job.autoRetries === 0) {
          const at = this.now() + SERVER_ERROR_RETRY_DELAY_MS;
          await this.update(job, {
            state: 'queued',
            autoRetries: 1,
            notBefore: new Date(at).toISOString(),
            waitingFor: automaticRetryNotice('SERVER_ERROR', at),
          });
          return;
        }
        break;
      case 'MODEL_RETIRED':
        // Not billed. The error names the models that can be used instead.
        await this.update(job, {
          state: 'failed',
          finishedAt: nowIso(),
          error: retiredModelError(job.modelId, error.toData()),
        });
        return;
      case 'CREDITS_EXHAUSTED':
      case 'KEY_REJECTED':
      case 'KEY_MISSING':
        // Not billed, and every other job would fail the same way: wait for the person to fix it.
        await this.update(job, { state: 'queued', submittedAt: undefined });
        this.pause(error.toData());
        return;
    }
    await this.update(job, { state: 'failed', finishedAt: nowIso(), error: error.toData() });
  }

  private async update(job: Job, changes: Partial<Job>): Promise<Job> {
    const current = this.deps.outbox.get(job.id) ?? job;
    const next = { ...current, ...changes } as Job;
    for (const key of Object.keys(changes) as (keyof Job)[]) if (changes[key] === undefined) delete next[key];
    const saved = await this.deps.outbox.save(next);
    this.deps.onJob(saved);
    for (const waiter of [...this.waiters]) waiter();
    return saved;
  }

  private require(id: string): Job {
    const job = this.deps.outbox.get(id);
    if (!job) throw new AppError('NOT_FOUND', 'That job is no longer in the queue.');
    return job;
  }

  private emitState(): void {
    this.deps.onState(this.state());
  }
}

/** Waits `ms`; false when the signal aborted first (the queue is stopping). */
function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(ok);
    };
    const onAbort = (): void => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * What a job (or the paused queue) says went wrong: an AppError as it is; a file-system error by the one
 * errno table (storageFault, storage-fault.ts), with the codes toAppError gives the same faults, so a
 * disk that failed a read or write (EIO, EBUSY, EISDIR, ...) is IO_ERROR (try again), never INTERNAL.
 * Only what is no file-system error at all (a bug) is INTERNAL.
 */
function errorData(error: unknown, fallback: string): AppErrorData {
  if (error instanceof AppError) return error.toData();
  switch (storageFault(error)) {
    case 'full':
      return { code: 'DISK_FULL', message: `${fallback} The disk is full: free some space and try again.` };
    case 'read-only':
      return { code: 'PERMISSION_DENIED', message: `${fallback} The disk is read-only.` };
    case 'denied':
      return {
        code: 'PERMISSION_DENIED',
        message: `${fallback} The app is not allowed to use the folder: check its permissions.`,
      };
    case 'missing':
      return { code: 'NOT_FOUND', message: `${fallback} A file or folder it needs is missing.` };
    case 'exists':
      return { code: 'ALREADY_EXISTS', message: `${fallback} A file with that name is already there.` };
    case 'name-too-long':
      return {
        code: 'INVALID_INPUT',
        message: `${fallback} A file or folder name is too long for the disk.`,
        detail: { reason: 'name-too-long' },
      };
    case 'io':
      return { code: 'IO_ERROR', message: `${fallback} The disk failed the read or write: try again.` };
    default:
      return { code: 'INTERNAL', message: fallback };
  }
}
