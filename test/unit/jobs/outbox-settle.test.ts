/**
 * What JobOutbox.load settles at start besides interrupted jobs (RELIABILITY.md, "Minor"): an enqueue cut
 * short leaves no job folder without its job.json. A new job's folder is put together under a hidden name
 * and renamed into place (create); what an interrupted one leaves, and the job folders without job.json
 * that an older version left (the sheet copied, the job never written), are gone after load, except a
 * folder holding something more than a copied sheet, which is moved aside and never deleted.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JobSchema, newId } from '../../../src/domain';
import { JobOutbox } from '../../../src/jobs/outbox';
import { queuedJob } from '../../helpers/jobs';
import { useTempDirs } from '../../helpers/temp-dir';

const tempDir = useTempDirs();

async function outboxIn(): Promise<{ dir: string; userData: string }> {
  const userData = await tempDir();
  const dir = join(userData, 'outbox');
  await mkdir(dir, { recursive: true });
  return { dir, userData };
}

describe('JobOutbox.create', () => {
  it('puts the job folder in place whole: the sheet and job.json, nothing else left behind', async () => {
    const { dir } = await outboxIn();
    const outbox = new JobOutbox(dir);
    await outbox.load();
    const job = await outbox.create(queuedJob(), Buffer.from('png'));
    expect(await readdir(dir)).toEqual([job.id]);
    expect((await readdir(join(dir, job.id))).sort()).toEqual(['input.png', 'job.json']);
    expect(JobSchema.parse(JSON.parse(await readFile(join(dir, job.id, 'job.json'), 'utf8'))).id).toBe(
      job.id,
    );
    expect(await readFile(join(dir, job.id, 'input.png'), 'utf8')).toBe('png');
    expect(outbox.get(job.id)?.state).toBe('queued');
  });

  it('a failed create leaves neither a job nor a folder', async () => {
    const { dir } = await outboxIn();
    const outbox = new JobOutbox(dir);
    const job = queuedJob();
    await mkdir(join(dir, job.id)); // the final name taken: the rename into place fails
    await writeFile(join(dir, job.id, 'in-the-way'), '');
    await expect(outbox.create(job, Buffer.from('png'))).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual([job.id]);
    expect(outbox.get(job.id)).toBeUndefined();
  });
});

describe('JobOutbox.load settles interrupted enqueues', () => {
  it('removes a staging folder and a job folder that holds only its copied sheet', async () => {
    const { dir } = await outboxIn();
    const staged = newId();
    await mkdir(join(dir, `.enqueue-${staged}`));
    await writeFile(join(dir, `.enqueue-${staged}`, 'input.png'), 'png');
    const sheetOnly = newId();
    await mkdir(join(dir, sheetOnly));
    await writeFile(join(dir, sheetOnly, 'input.png'), 'png');
    await writeFile(join(dir, sheetOnly, '.job.json.0123456789ab.tmp'), '{"id":');
    const whole = queuedJob();
    await mkdir(join(dir, whole.id));
    await writeFile(join(dir, whole.id, 'job.json'), JSON.stringify(whole));
    await writeFile(join(dir, whole.id, 'input.png'), 'png');

    const outbox = new JobOutbox(dir);
    const loaded = await outbox.load();
    expect(loaded.settled.sort()).toEqual([`.enqueue-${staged}`, sheetOnly].sort());
    expect(await readdir(dir)).toEqual([whole.id]);
    expect(outbox.list().map((j) => j.id)).toEqual([whole.id]);

    // Nothing is left to settle the next time.
    expect((await new JobOutbox(dir).load()).settled).toEqual([]);
  });

  it('moves aside, never deletes, a folder without job.json that holds more than a sheet', async () => {
    const { dir, userData } = await outboxIn();
    const id = newId();
    await mkdir(join(dir, id));
    await writeFile(join(dir, id, 'input.png'), 'png');
    await writeFile(join(dir, id, 'output.jpg'), 'paid bytes');

    const loaded = await new JobOutbox(dir).load();
    expect(loaded.settled).toEqual([id]);
    expect(await readdir(dir)).toEqual([]);
    const [kept] = await readdir(join(userData, 'leftovers', 'outbox'));
    expect(kept).toMatch(new RegExp(`__${id}$`));
    expect(await readFile(join(userData, 'leftovers', 'outbox', kept ?? '', 'output.jpg'), 'utf8')).toBe(
      'paid bytes',
    );
  });
});
