import { describe, expect, it } from 'vitest';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { createProject, openProject } from '../../../src/library/project-store';
import { ProjectLock } from '../../../src/library/project-lock';
import { PROJECT_SCHEMA_VERSION } from '../../../src/domain';
import { useTempDirs } from '../../helpers/temp-dir';

const tempDir = useTempDirs();

describe('projects on disk', () => {
  it('creates a readable project folder with a schemaVersion and reopens it', async () => {
    const dir = join(await tempDir(), 'Lighthouse');
    const created = await createProject(dir, 'The Lighthouse Keeper');
    const onDisk = JSON.parse(await readFile(join(dir, 'project.json'), 'utf8'));
    expect(onDisk).toMatchObject({
      schemaVersion: PROJECT_SCHEMA_VERSION,
      name: 'The Lighthouse Keeper',
      id: created.file.id,
    });
    expect((await readdir(dir)).sort()).toEqual([
      '.studio',
      'characters',
      'poses',
      'project.json',
      'results',
      'trash',
    ]);
    await created.close();
    const reopened = await openProject(dir);
    expect(reopened.summary()).toMatchObject({
      name: 'The Lighthouse Keeper',
      readOnly: false,
      problems: [],
    });
    await reopened.close();
  });

  it('refuses to create a project over a non-empty folder', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'holiday.jpg'), 'x');
    await expect(createProject(dir, 'X')).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
  });

  it('reports a damaged project.json by name, keeps it, and copies it to quarantine', async () => {
    const dir = await tempDir();
    await (await createProject(dir, 'Damaged')).close();
    await writeFile(join(dir, 'project.json'), '{"schemaVersion": 1, "name": ');
    await expect(openProject(dir)).rejects.toMatchObject({
      code: 'PROJECT_DAMAGED',
      detail: { file: 'project.json' },
    });
    expect(await readFile(join(dir, 'project.json'), 'utf8')).toBe('{"schemaVersion": 1, "name": ');
    const quarantined = await readdir(join(dir, '.studio', 'quarantine'));
    expect(quarantined.some((f) => f.endsWith('project.json'))).toBe(true);
  });

  it('opens a project from a newer app read-only, with a message, and refuses writes', async () => {
    const dir = await tempDir();
    const handle = await createProject(dir, 'Future');
    await handle.close();
    const future = { ...handle.file, schemaVersion: PROJECT_SCHEMA_VERSION + 1, newField: { x: 1 } };
    await writeFile(join(dir, 'project.json'), JSON.stringify(future));
    const opened = await openProject(dir);
    expect(opened.readOnly).toBe(true);
    expect(opened.readOnlyReason).toMatch(/newer version/);
    expect(() => opened.assertWritable()).toThrow(expect.objectContaining({ code: 'PROJECT_READ_ONLY' }));
    // Nothing was rewritten.
    expect(JSON.parse(await readFile(join(dir, 'project.json'), 'utf8'))).toEqual(future);
  });

  it('moves a damaged file found later to quarantine and lists it among the problems', async () => {
    const dir = await tempDir();
    const handle = await createProject(dir, 'P');
    const bad = join(dir, 'characters', 'abcdefgh12', 'character.json');
    await mkdir(join(dir, 'characters', 'abcdefgh12'), { recursive: true });
    await writeFile(bad, 'not json');
    await handle.quarantine(bad, 'it is not valid JSON');
    expect(handle.summary().problems).toEqual([
      expect.objectContaining({
        file: 'characters/abcdefgh12/character.json',
        reason: 'it is not valid JSON',
      }),
    ]);
    const moved = await readdir(join(dir, '.studio', 'quarantine'));
    expect(moved).toHaveLength(1);
    expect(await readFile(join(dir, '.studio', 'quarantine', moved[0]!), 'utf8')).toBe('not json');
    await handle.close();
  });
});

describe('the project lock', () => {
  it('lets a second instance open the project only read-only, with a clear message', async () => {
    const dir = await tempDir();
    const first = await createProject(dir, 'Shared');
    const second = await openProject(dir);
    expect(first.readOnly).toBe(false);
    expect(second.readOnly).toBe(true);
    expect(second.readOnlyReason).toMatch(/open in another Consistent Character Studio window/);
    await second.close();
    await first.close();
    const third = await openProject(dir);
    expect(third.readOnly).toBe(false);
    await third.close();
  });

  it('takes over a lock left by a process that has died', async () => {
    const dir = await tempDir();
    const lockFile = join(dir, 'lock.json');
    const child = spawn(process.execPath, ['-e', '0']);
    const deadPid = child.pid!;
    await new Promise((resolve) => child.on('exit', resolve));
    const { hostname } = await import('node:os');
    await writeFile(
      lockFile,
      JSON.stringify({ pid: deadPid, host: hostname(), token: 'dead', startedAt: '' }),
    );
    const outcome = await ProjectLock.acquire(lockFile);
    expect(outcome.acquired).toBe(true);
    if (outcome.acquired) await outcome.lock.release();
  });

  it('does not release a lock another instance has taken over', async () => {
    const dir = await tempDir();
    const lockFile = join(dir, 'lock.json');
    const outcome = await ProjectLock.acquire(lockFile);
    if (!outcome.acquired) throw new Error('expected the lock');
    await writeFile(
      lockFile,
      JSON.stringify({ pid: process.pid, host: 'x', token: 'someone-else', startedAt: '' }),
    );
    await outcome.lock.release();
    expect(JSON.parse(await readFile(lockFile, 'utf8')).token).toBe('someone-else');
  });
});
