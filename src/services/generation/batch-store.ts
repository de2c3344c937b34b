/**
 * Batches on disk: one JSON file each in the user-data folder (beside the outbox, not in the project: a
 * batch, like its jobs, outlives a closed project and a restart). Every change is written atomically
 * before it takes effect, so a restart finds each batch as it was left: active, paused or cancelled, and
 * every run with the id its job has or will have.
 */
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BatchSchema, nowIso, type Batch } from '../../domain';
import { writeJsonAtomic } from '../../library/atomic-write';
import { readJsonFile } from '../../library/json-file';

export class BatchStore {
  private readonly batches = new Map<string, Batch>();

  constructor(readonly dir: string) {}

  async load(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    for (const name of await readdir(this.dir)) {
      const match = /^([a-z0-9]{8,40})\.json$/.exec(name);
      if (!match) continue;
      const read = await readJsonFile(join(this.dir, name), BatchSchema);
      if (read.ok) this.batches.set(read.value.id, read.value);
      else if (!read.missing) console.warn(`[ccstudio] batch ${name} could not be read: ${read.reason}`);
    }
  }

  list(): Batch[] {
    return [...this.batches.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  get(id: string): Batch | undefined {
    return this.batches.get(id);
  }

  /** Persists, then makes visible: a crash between the two loses nothing. */
  async save(batch: Batch): Promise<Batch> {
    const next = { ...batch, updatedAt: nowIso() };
    await mkdir(this.dir, { recursive: true });
    await writeJsonAtomic(join(this.dir, `${next.id}.json`), next);
    this.batches.set(next.id, next);
    return next;
  }
}
