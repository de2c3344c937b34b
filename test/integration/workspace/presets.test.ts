import { describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Preset } from '../../../src/contract/calls/generation';
import { useTempDirs } from '../../helpers/temp-dir';
import { newProject } from './support';

const tempDir = useTempDirs();

const preset = (name: string): Preset => ({
  name,
  modelId: 'consistent-character',
  params: { seed: 1 },
  updatedAt: new Date().toISOString(),
});

describe('presets.json', () => {
  it('keeps every one of many saves made at once (each sees the others, none is lost)', async () => {
    const { project, ws, dir } = await newProject(tempDir);
    const names = Array.from({ length: 12 }, (_, i) => `Preset ${String(i).padStart(2, '0')}`);
    await Promise.all(names.map((name) => ws.presets.update((all) => [...all, preset(name)])));
    expect((await ws.presets.list()).map((p) => p.name)).toEqual(names);
    const file = JSON.parse(await readFile(join(dir, 'presets.json'), 'utf8')) as { presets: Preset[] };
    expect(file.presets).toHaveLength(12);
    await project.close();
  });

  it('keeps the fields of a newer version of the app when it saves', async () => {
    const { project, ws, dir } = await newProject(tempDir);
    await writeFile(
      join(dir, 'presets.json'),
      JSON.stringify({ presets: [preset('Old')], folders: [{ id: 'f1', name: 'From the future' }] }),
    );
    await ws.presets.update((all) => [...all, preset('New')]);
    const file = JSON.parse(await readFile(join(dir, 'presets.json'), 'utf8')) as Record<string, unknown>;
    expect(file.folders).toEqual([{ id: 'f1', name: 'From the future' }]);
    expect((file.presets as Preset[]).map((p) => p.name)).toEqual(['New', 'Old']);
    await project.close();
  });
});
