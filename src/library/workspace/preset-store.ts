import { z } from 'zod';
import { PresetSchema, type Preset } from '../../contract/calls/generation';
import { readJsonFile, writeJsonKeepingUnknown } from '../json-file';
import { guardWrite } from './fs-utils';
import type { StoreContext } from './store-context';

export const PresetsFileSchema = z.object({ presets: z.array(PresetSchema) });

/**
 * presets.json: the named generation presets of a project. Every change is a read-modify-write under the
 * workspace's 'presets' lock, as every other project file is written, so two quick saves (two windows,
 * a double click) each see the other's result instead of one silently undoing the other.
 */
export class PresetStore {
  constructor(private readonly ws: StoreContext) {}

  private get file(): string {
    return this.ws.project.layout.presetsFile;
  }

  /** The presets; a damaged file is quarantined and reported, and the list starts empty. */
  async list(): Promise<Preset[]> {
    const read = await readJsonFile(this.file, PresetsFileSchema);
    if (read.ok) return read.value.presets;
    if (!read.missing) await this.ws.project.quarantine(this.file, read.reason);
    return [];
  }

  /** Applies `change` to the current list and saves the result (sorted by name); answers it. */
  update(change: (presets: Preset[]) => Preset[]): Promise<Preset[]> {
    this.ws.project.assertWritable();
    return this.ws.locks.run('presets', async () => {
      const next = change(await this.list()).sort((a, b) => a.name.localeCompare(b.name));
      await guardWrite('the presets', () =>
        writeJsonKeepingUnknown(this.file, PresetsFileSchema, { presets: next }),
      );
      return next;
    });
  }
}
