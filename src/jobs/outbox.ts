import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { IdSchema, JobSchema, nowIso, type Job } from '../domain';
import { writeFileAtomic, writeJsonAtomic } from '../library/atomic-write';
import { quarantine, readJsonFile } from '../library/json-file';

/**
 * The durable list of generation jobs, in the app's user-data folder (not the project: a job outlives a
 * closed project and a restart). One folder per job: job.json, the sheet exactly as it will be sent
 * (input.*), and, once paid for, the image exactly as it arrived (output.*).
 *
 * Every state change is written (atomically, fsynced) before the step it names happens.
 */
export class JobOutbox {
  private readonly jobs = new Map<string, Job>();

  constructor(readonly dir: string) {}

  /**
   * Loads every job. A job found `submitting` was interrupted while its POST may have been in flight:
   * it becomes `unknown` (it may have been charged) and is never re-sent without the person saying so.
   */
  async load(): Promise<{ interrupted: Job[]; damaged: string[] }> {
    await mkdir(this.dir, { recursive: true });
    const interrupted: Job[] = [];
    const damaged: string[] = [];
    for (const entry of await readdir(this.dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || !IdSchema.safeParse(entry.name).success) continue;
      const file = this.jobFile(entry.name);
      const read = await readJsonFile(file, JobSchema);
      if (!read.ok) {
        if (!read.missing) {
          await quarantine(this.dir, join(this.dir, '..', 'quarantine'), file, read.reason);
          damaged.push(entry.name);
        }
        continue;
      }
      let job = read.value;
      if (job.state === 'submitting') {
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
        interrupted.push(job);
      }
      this.jobs.set(job.id, job);
    }
    return { interrupted, damaged };
  }

  list(): Job[] {
    return [...this.jobs.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  /** Persists the job, then makes it visible: a crash between the two loses nothing. */
  async save(job: Job): Promise<Job> {
    const next = { ...job, updatedAt: nowIso() };
    await this.write(next);
    this.jobs.set(next.id, next);
    return next;
  }

  async saveInput(jobId: string, bytes: Uint8Array, format: string): Promise<void> {
    await writeFileAtomic(this.inputFile(jobId, format), bytes);
  }

  async readInput(job: Job): Promise<Buffer> {
    return readFile(this.inputFile(job.id, job.sentImage.format));
  }

  /** The paid image, written the moment it arrives. Returns the file name inside the job's folder. */
  async saveOutput(jobId: string, bytes: Uint8Array, extension: string): Promise<string> {
    const name = `output.${extension}`;
    await writeFileAtomic(join(this.dir, jobId, name), bytes);
    return name;
  }

  outputPath(job: Job): string | null {
    return job.output ? join(this.dir, job.id, job.output.file) : null;
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
    return join(this.dir, id, `input.${format === 'jpeg' ? 'jpg' : format}`);
  }
  private async write(job: Job): Promise<void> {
    await writeJsonAtomic(this.jobFile(job.id), job);
  }
}
