import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { IdSchema, JobSchema, nowIso, type Job, type JobOutput } from '../domain';
import {
  fsyncFolderAfterCommit,
  targetOfTempName,
  writeFileAtomic,
  writeJsonAtomic,
} from '../library/atomic-write';
import { quarantine, readJsonFile } from '../library/json-file';
import { renameWithRetry } from '../library/rename-retry';
import { expiredRunError, withinRecordLifetime } from './async-run';
import { findPaidExtras, findPaidImage, RECEIVED_FILE, writePaidImage } from './paid-image';

/** A job being enqueued is put together here, then renamed into place whole (see create). */
const STAGING = /^\.enqueue-([a-z0-9]+)$/;
const stagingName = (id: string): string => `.enqueue-${id}`;
const inputName = (format: string): string => `input.${format === 'jpeg' ? 'jpg' : format}`;
const referenceName = (format: string): string => `reference.${format === 'jpeg' ? 'jpg' : format}`;

export interface OutboxLoad {
  /** Jobs found `submitting`: their POST may have been in flight, so they are `unknown` now. */
  interrupted: Job[];
  /** Jobs found `submitting`/`unknown` whose paid image had arrived and was kept: `completed` now. */
  recovered: Job[];
  /** Job folders whose job.json was damaged (moved to quarantine). */
  damaged: string[];
  /** Job folders left without their job.json (an interrupted enqueue): removed, or moved aside. */
  settled: string[];
  /** Async (v2) jobs whose run Segmind accepted, under an hour old: the queue resumes polling them. */
  resumed: Job[];
  /** Async (v2) jobs whose run Segmind accepted more than an hour ago: its record is gone, `failed` now. */
  expired: Job[];
}

/**
 * The durable list of generation jobs, in the app's user-data folder (not the project: a job outlives a
 * closed project and a restart). One folder per job: job.json, the sheet exactly as it will be sent
 * (input.*), and, once paid for, the image exactly as it arrived (output.*) with its record
 * (received.json, see paid-image.ts).
 *
 * Every state change is written (atomically, fsynced) before the step it names happens. A job's folder
 * appears whole: it is put together under a hidden name and renamed into place (create).
 */
export class JobOutbox {
  private readonly jobs = new Map<string, Job>();

  constructor(readonly dir: string) {}

  /** Where job folders left without their job.json are moved when they hold more than a copied sheet. */
  private get leftoversDir(): string {
    return join(dirname(this.dir), 'leftovers', 'outbox');
  }

  /**
   * Loads every job and settles what a crash left:
   * - a job found `submitting` or `unknown` whose paid image is in its folder, complete and as recorded
   *   (findPaidImage), is `completed` with it: it is delivered, and never sent again;
   * - a job found `submitting` with a `requestId` (async API: Segmind answered the submit) is left as it is
   *   for the queue to resume polling when it is under an hour old, and is `failed` (its record expired)
   *   when older: it is never `unknown` and never submitted again;
   * - any other job found `submitting` was interrupted while its POST may have been in flight: it becomes
   *   `unknown` (it may have been charged) and is never re-sent without the person saying so;
   * - an enqueue that never finished (a hidden staging folder, or a job folder without job.json) is
   *   removed: its job was never listed, and nothing was sent for it. A folder that holds anything but a
   *   copied sheet is moved aside instead, never deleted.
   */
  async load(): Promise<OutboxLoad> {
    await mkdir(this.dir, { recursive: true });
    const out: OutboxLoad = {
      interrupted: [],
      recovered: [],
      damaged: [],
      settled: [],
      resumed: [],
      expired: [],
    };
    for (const entry of await readdir(this.dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      if (STAGING.test(entry.name)) {
        await rm(join(this.dir, entry.name), { recursive: true, force: true });
        out.settled.push(entry.name);
        continue;
      }
      if (!IdSchema.safeParse(entry.name).success) continue;
      const file = this.jobFile(entry.name);
      const read = await readJsonFile(file, JobSchema);
      if (!read.ok) {
        if (!read.missing) {
          await quarantine(this.dir, join(this.dir, '..', 'quarantine'), file, read.reason);
          out.damaged.push(entry.name);
        } else if (await this.settleWithoutJob(entry.name)) {
          out.settled.push(entry.name);
        }
        continue;
      }
      let job = read.value;
      if ((job.state === 'submitting' || job.state === 'unknown') && !job.output) {
        const output = await findPaidImage(join(this.dir, job.id), job);
        if (output) {
          const { error: _error, waitingFor: _waiting, ...rest } = job;
          const extraOutputs = await findPaidExtras(join(this.dir, job.id), job);
          job = {
            ...rest,
            state: 'completed',
            finishedAt: output.completedAt,
            output,
            ...(extraOutputs.length > 0 ? { extraOutputs } : {}),
            updatedAt: nowIso(),
          };
          await this.write(job);
          out.recovered.push(job);
        }
      }
      if (job.state === 'submitting' && job.requestId !== undefined) {
        // The async API's submit was answered and its request id stored: Segmind has the run, and polling
        // for it is always safe. Under an hour old, the queue resumes it; older, its record is gone.
        if (withinRecordLifetime(job, Date.now())) {
          out.resumed.push(job);
        } else {
          const { waitingFor: _waiting, ...rest } = job;
          job = {
            ...rest,
            state: 'failed',
            finishedAt: nowIso(),
            updatedAt: nowIso(),
            error: expiredRunError(job),
          };
          await this.write(job);
          out.expired.push(job);
        }
      } else if (job.state === 'submitting') {
        job = {
          ...job,
          state: 'unknown',
          updatedAt: nowIso(),
          error: {
            code: 'OUTCOME_UNKNOWN',
            message:
              'The app stopped while this request was on its way to Segmind. It may have been charged. Send it again only if no result arrived.',
          },
        };
        await this.write(job);
        out.interrupted.push(job);
      }
      this.jobs.set(job.id, job);
    }
    return out;
  }

  /**
   * A job folder without job.json: an enqueue from before staging (create) stopped between the sheet and
   * the job. Only a copied sheet and temp files: removed. Anything else: moved aside, never deleted.
   */
  private async settleWithoutJob(id: string): Promise<boolean> {
    const folder = join(this.dir, id);
    const names = await readdir(folder).catch(() => null);
    if (names === null) return false;
    const disposable = (name: string) =>
      name.startsWith('input.') || name.startsWith('reference.') || targetOfTempName(name) !== undefined;
    try {
      if (names.every(disposable)) await rm(folder, { recursive: true, force: true });
      else {
        const stamp = new Date().toISOString().replace(/[:.]/g, '-');
        await mkdir(this.leftoversDir, { recursive: true });
        await rename(folder, join(this.leftoversDir, `${stamp}__${id}`));
      }
      return true;
    } catch (error) {
      console.warn(
        `[ccstudio] the unfinished job folder ${id} could not be settled:`,
        (error as Error).message,
      );
      return false;
    }
  }

  list(): Job[] {
    return [...this.jobs.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  /**
   * Adds a new job with the sheet it will send. The folder is put together under a hidden name (sheet,
   * then job.json) and renamed into place: a crash leaves the whole job or no job, never a job without
   * its sheet nor a sheet without its job (the hidden folder is removed by the next load).
   */
  async create(job: Job, input: Uint8Array, reference?: Uint8Array): Promise<Job> {
    const next = { ...job, updatedAt: nowIso() };
    const staging = join(this.dir, stagingName(job.id));
    try {
      await writeFileAtomic(join(staging, inputName(job.sentImage.format)), input);
      if (reference !== undefined && job.sentReference !== undefined) {
        await writeFileAtomic(join(staging, referenceName(job.sentReference.format)), reference);
      }
      await writeJsonAtomic(join(staging, 'job.json'), next);
      await renameWithRetry(staging, join(this.dir, job.id));
    } catch (error) {
      await rm(staging, { recursive: true, force: true }).catch(() => undefined);
      throw error;
    }
    await fsyncFolderAfterCommit(this.dir);
    this.jobs.set(next.id, next);
    return next;
  }

  /** Persists the job, then makes it visible: a crash between the two loses nothing. */
  async save(job: Job): Promise<Job> {
    const next = { ...job, updatedAt: nowIso() };
    await this.write(next);
    this.jobs.set(next.id, next);
    return next;
  }

  async readInput(job: Job): Promise<Buffer> {
    return readFile(this.inputFile(job.id, job.sentImage.format));
  }

  /** The character's reference picture copied at enqueue time, or null for a job that takes none. */
  async readReference(job: Job): Promise<Buffer | null> {
    if (job.sentReference === undefined) return null;
    return readFile(join(this.dir, job.id, referenceName(job.sentReference.format)));
  }

  /**
   * The paid image, written the moment it arrives, after its record (paid-image.ts): from here on a crash
   * cannot strand it, even before job.json records `output`.
   */
  async savePaidImage(
    job: Job,
    bytes: Uint8Array,
    output: JobOutput,
    extraOutputs: readonly JobOutput[] = [],
  ): Promise<void> {
    await writePaidImage(join(this.dir, job.id), job, bytes, output, extraOutputs);
  }

  /**
   * A further output of an async run (`output-2.jpg`, ...), written atomically and fsynced the moment it
   * was downloaded, before the first output's record and before job.json (see JobQueue.receivedAsync).
   */
  async saveExtraOutput(job: Job, bytes: Uint8Array, output: JobOutput): Promise<void> {
    if (!/^output-\d+\.[a-z0-9]{2,5}$/.test(output.file))
      throw new Error(`not an output's name: ${output.file}`);
    await writeFileAtomic(join(this.dir, job.id, output.file), bytes);
  }

  /** Every output file of a job, first the one `output` names: a run on the async API can make several. */
  outputPaths(job: Job): string[] {
    const first = this.outputPath(job);
    if (first === null) return [];
    return [first, ...(job.extraOutputs ?? []).map((o) => join(this.dir, job.id, o.file))];
  }

  /** What arrived for a paid request that was not an image, kept for diagnosis and for any dispute. */
  async saveUnusableAnswer(jobId: string, bytes: Uint8Array): Promise<void> {
    await writeFileAtomic(join(this.dir, jobId, 'output.bin'), bytes);
  }

  outputPath(job: Job): string | null {
    return job.output ? join(this.dir, job.id, job.output.file) : null;
  }

  /** Once the result is in its project: the outbox copies (paid image, its record, the sheet) go. */
  async dropDelivered(job: Job): Promise<void> {
    const folder = join(this.dir, job.id);
    const names = [
      job.output?.file,
      // A run's further pictures (async API) are committed with the first (GenerationService.deliver).
      ...(job.extraOutputs ?? []).map((o) => o.file),
      RECEIVED_FILE,
      inputName(job.sentImage.format),
      job.sentReference && referenceName(job.sentReference.format),
    ];
    for (const name of names) if (name) await rm(join(folder, name), { force: true });
  }

  /** Forgets a job for good (dismissed, or completed and committed). Its folder goes with it. */
  async remove(id: string): Promise<void> {
    this.jobs.delete(id);
    await rm(join(this.dir, id), { recursive: true, force: true });
  }

  private jobFile(id: string): string {
    return join(this.dir, id, 'job.json');
  }
  private inputFile(id: string, format: string): string {
    return join(this.dir, id, inputName(format));
  }
  private async write(job: Job): Promise<void> {
    await writeJsonAtomic(this.jobFile(job.id), job);
  }
}
