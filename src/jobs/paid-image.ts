import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { IdSchema, JobOutputSchema, type Job, type JobOutput } from '../domain';
import { targetOfTempName, writeFileAtomic, writeJsonAtomic } from '../library/atomic-write';
import { readJsonFile } from '../library/json-file';
import { inspectImage } from '../segmind';

/**
 * How a paid image is kept in its job's outbox folder so that a crash can never strand it.
 *
 * The image is written the moment it arrives, and job.json records it as `completed` right after. Those
 * are two files, so a crash can fall between them: job.json still says `submitting` (then `unknown`, "it
 * may have been charged, send it again?") while the paid image lies in the folder, never delivered. So:
 *
 * 1. `received.json` first: everything job.json is about to record (SHA-256, size, dimensions, Segmind's
 *    status and headers, timings) and which job and attempt it answers. Written atomically and fsynced.
 * 2. Then the image, atomically (`output.<ext>`): under its real name it is always whole.
 * 3. Then job.json, `completed` with that same record.
 *
 * At start (JobOutbox.load) a `submitting` or `unknown` job without a recorded output is given its paid
 * image when findPaidImage finds one: the record names this job and attempt, the image is there with
 * exactly the recorded size and SHA-256, and it decodes. The job is then `completed`, and is delivered
 * once like any other (the result's id is the job's, so a repeated delivery adopts, never doubles). It is
 * never sent again: that is the point, as the person would otherwise pay twice for one picture.
 *
 * A crash after (1) and before (2) leaves a record without its image: nothing is adopted, and the job is
 * `unknown` as before (the picture was paid for but never kept; the person decides). An image without a
 * record can only have been left by a version of the app that wrote no record: it is adopted if it
 * decodes, with what the image itself says (no response headers, which only the record held).
 */
export const RECEIVED_FILE = 'received.json';

const ReceivedSchema = z.object({
  jobId: IdSchema,
  /** The job's `attempts` when its answer arrived: a record from an earlier attempt never matches. */
  attempt: z.number().int().nonnegative(),
  output: JobOutputSchema,
  /**
   * Async API: the run's further pictures, already written beside it (`output-2.jpg`, ...) when this record
   * was, so a crash before job.json cannot leave them paid for and forgotten.
   */
  extraOutputs: z.array(JobOutputSchema).optional(),
});

/** `output.<ext>`: the name a paid image is kept under (`output.bin` is a paid answer that was no image). */
const PAID_IMAGE_NAME = /^output\.(?!bin$)[a-z0-9]{2,5}$/;

/** Steps 1 and 2 above; job.json (step 3) is the caller's. */
export async function writePaidImage(
  jobDir: string,
  job: Pick<Job, 'id' | 'attempts'>,
  bytes: Uint8Array,
  output: JobOutput,
  extraOutputs: readonly JobOutput[] = [],
): Promise<void> {
  if (!PAID_IMAGE_NAME.test(output.file)) throw new Error(`not a paid image's name: ${output.file}`);
  await writeJsonAtomic(join(jobDir, RECEIVED_FILE), {
    jobId: job.id,
    attempt: job.attempts,
    output,
    ...(extraOutputs.length > 0 ? { extraOutputs } : {}),
  });
  await writeFileAtomic(join(jobDir, output.file), bytes);
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

const contentTypeOf = (format: string): string => `image/${format === 'jpg' ? 'jpeg' : format}`;

/**
 * The paid image a crash left in the job's folder without job.json recording it, as the output job.json
 * should have recorded; null when there is none, or none that can be trusted (see above).
 */
export async function findPaidImage(
  jobDir: string,
  job: Pick<Job, 'id' | 'attempts'>,
): Promise<JobOutput | null> {
  const record = await readJsonFile(join(jobDir, RECEIVED_FILE), ReceivedSchema).catch(() => null);
  if (record?.ok) {
    const { jobId, attempt, output } = record.value;
    if (jobId !== job.id || attempt !== job.attempts || !PAID_IMAGE_NAME.test(output.file)) return null;
    const bytes = await readFile(join(jobDir, output.file)).catch(() => null);
    if (!bytes || bytes.length !== output.bytes || sha256(bytes) !== output.sha256) return null;
    const decoded = await inspectImage(bytes);
    if (!decoded || decoded.width !== output.width || decoded.height !== output.height) return null;
    return output;
  }
  if (record && !record.ok && !record.missing) return null; // a damaged record: trust nothing
  // No record at all: only an image an older version wrote (it wrote the image, then job.json).
  const names = await readdir(jobDir).catch(() => [] as string[]);
  const name = names.find((n) => PAID_IMAGE_NAME.test(n) && targetOfTempName(n) === undefined);
  if (!name) return null;
  const file = join(jobDir, name);
  const [bytes, info] = await Promise.all([readFile(file).catch(() => null), stat(file).catch(() => null)]);
  if (!bytes || !info) return null;
  const decoded = await inspectImage(bytes);
  if (!decoded) return null;
  return {
    file: name,
    contentType: contentTypeOf(decoded.format),
    bytes: bytes.length,
    sha256: sha256(bytes),
    width: decoded.width,
    height: decoded.height,
    status: 200, // only a successful answer's image is ever kept under this name
    headers: {},
    completedAt: info.mtime.toISOString(),
    durationMs: 0,
  };
}

/** `output-2.jpg`, ...: a further picture of an async run (async-run.ts outputFileName). */
const EXTRA_IMAGE_NAME = /^output-\d+\.[a-z0-9]{2,5}$/;

/**
 * The further pictures of an async run that its record (received.json) lists, each there with exactly the
 * recorded size and SHA-256; only for the record of this job and attempt. Called once findPaidImage has
 * adopted the first picture, so those further pictures are delivered with it instead of forgotten.
 */
export async function findPaidExtras(
  jobDir: string,
  job: Pick<Job, 'id' | 'attempts'>,
): Promise<JobOutput[]> {
  const record = await readJsonFile(join(jobDir, RECEIVED_FILE), ReceivedSchema).catch(() => null);
  if (!record?.ok || record.value.jobId !== job.id || record.value.attempt !== job.attempts) return [];
  const found: JobOutput[] = [];
  for (const extra of record.value.extraOutputs ?? []) {
    if (!EXTRA_IMAGE_NAME.test(extra.file)) continue;
    const bytes = await readFile(join(jobDir, extra.file)).catch(() => null);
    if (bytes && bytes.length === extra.bytes && sha256(bytes) === extra.sha256) found.push(extra);
  }
  return found;
}
