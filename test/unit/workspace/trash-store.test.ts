import { describe, expect, it } from 'vitest';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createProject, openProject } from '../../../src/library/project-store';
import { workspaceFor } from '../../../src/library/workspace';
import { useTempDirs } from '../../helpers/temp-dir';

const tempDir = useTempDirs();

describe('the trash store', () => {
  it('refuses entries that name paths outside what the app trashes', async () => {
    const dir = join(await tempDir(), 'p');
    const project = await createProject(dir, 'T');
    const ws = workspaceFor(project);
    for (const rel of [
      '../outside',
      'project.json',
      '.studio/index.json',
      'results/../../x',
      '/etc/passwd',
    ]) {
      await expect(
        ws.trash.put({ kind: 'results', label: 'x', count: 1, moves: [rel], refs: {} }),
      ).rejects.toThrow();
    }
    // A tampered entry on disk cannot move files out of the trash to arbitrary places.
    const id = 'tamperedentry1';
    await mkdir(join(dir, 'trash', id, 'files', 'results'), { recursive: true });
    await writeFile(join(dir, 'trash', id, 'files', 'results', 'a.json'), '{}');
    await writeFile(
      join(dir, 'trash', id, 'entry.json'),
      JSON.stringify({
        schemaVersion: 1,
        id,
        kind: 'results',
        label: 'x',
        trashedAt: new Date().toISOString(),
        count: 1,
        moves: ['results/../../../evil'],
        refs: {},
      }),
    );
    // A damaged entry in the project, not a hostile caller: quarantined and reported, its files kept.
    await expect(ws.restore(id)).rejects.toMatchObject({ code: 'PROJECT_DAMAGED' });
    expect(await readdir(join(dir, 'trash', id, 'files', 'results'))).toEqual(['a.json']);
    expect(project.problems.map((p) => p.file)).toEqual([`trash/${id}/entry.json`]);
    await project.close();
  });

  it('drops, at open, an entry a crash left moving before its files moved', async () => {
    const dir = join(await tempDir(), 'p');
    const project = await createProject(dir, 'T');
    const ws = workspaceFor(project);
    const c = await ws.characters.create({ name: 'Kept' });
    const id = 'staleentry001';
    await mkdir(join(dir, 'trash', id), { recursive: true });
    await writeFile(
      join(dir, 'trash', id, 'entry.json'),
      JSON.stringify({
        schemaVersion: 1,
        id,
        kind: 'character',
        label: 'Kept',
        trashedAt: new Date().toISOString(),
        count: 1,
        moves: [`characters/${c.id}`],
        refs: { characters: [{ id: c.id, name: 'Kept' }] },
        state: 'moving',
      }),
    );
    // Never listed (it is not in the trash), never deleted by listing: settled when the project opens.
    expect(await ws.trashView()).toEqual([]);
    expect(await readdir(join(dir, 'trash'))).toEqual([id]);
    await project.close();
    const again = await openProject(dir);
    expect(await readdir(join(dir, 'trash'))).toEqual([]);
    expect((await workspaceFor(again).characters.readAll()).characters.map((x) => x.name)).toEqual(['Kept']);
    await again.close();
  });
});
