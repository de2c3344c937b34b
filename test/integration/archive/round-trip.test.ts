/**
 * A project archive round trip through the contract, the way the app and the browser host make it:
 * export a real project to a zip, import the zip into another folder, open that, and find the same
 * results, receipts, reviews, characters, poses and trash, file by file, with the results index rebuilt
 * from the receipts (the `.studio/` cache is not in the archive).
 */
import { lstat, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromBufferPromise, type Entry } from 'yauzl';
import { useTempDirs } from '../../helpers/temp-dir';
import { foldersOf, makeRealProject, startRuntime, treeOf } from './support';

const tempDir = useTempDirs();

async function entryNames(zipFile: string): Promise<string[]> {
  const zip = await fromBufferPromise(await readFile(zipFile), { lazyEntries: true });
  const names: string[] = [];
  for await (const entry of zip.eachEntry()) names.push((entry as Entry).fileName);
  return names;
}

describe('project archives: the round trip', () => {
  it('exports a project and imports it elsewhere with the same files, results, reviews, characters, poses and trash', async () => {
    const work = await tempDir();
    const runtime = await startRuntime(join(work, 'user-data'));
    const { call, events } = runtime;
    const source = join(work, 'My book');
    await makeRealProject(runtime, source);
    await call('projects.open', { dir: source });
    const before = {
      results: await call<{ items: unknown[]; total: number }>('results.query', { limit: 100 }),
      characters: await call<{ characters: unknown[] }>('characters.list', {}),
      poses: await call<{ libraries: unknown[] }>('poses.list', {}),
      trash: await call<{ entries: unknown[] }>('trash.list', {}),
    };
    expect(before.results.total).toBe(5);
    expect(before.trash.entries).toHaveLength(1);

    // Export the open project (no `dir`), with progress events under the UI's task id.
    const zipFile = join(work, 'out', 'My book.zip');
    const exported = await call<{ file: string; files: number; cancelled: boolean }>(
      'projects.exportArchive',
      {
        file: join(work, 'out', 'My book'),
        taskId: 'export-1',
      },
    );
    expect(exported).toMatchObject({ file: zipFile, cancelled: false });
    const progress = events
      .filter((e) => e.name === 'task.progress')
      .map(
        (e) => e.payload as { taskId: string; kind: string; done: number; total: number; finished: boolean },
      );
    expect(progress.filter((p) => p.taskId === 'export-1').every((p) => p.kind === 'export')).toBe(true);
    const last = progress.filter((p) => p.taskId === 'export-1').at(-1);
    expect(last).toMatchObject({ finished: true, done: exported.files, total: exported.files });
    expect(await readdir(join(work, 'out'))).toEqual(['My book.zip']); // no temp file left

    const names = await entryNames(zipFile);
    expect(names.some((n) => n.startsWith('.studio'))).toBe(false);
    expect(names).toContain('project.json');
    expect(names).toContain('For the editor/notes.txt');
    expect(names.filter((n) => /^results\/[^/]+\.json$/.test(n))).toHaveLength(5);

    // Import into a new folder, then open it: the same project.
    const copy = join(work, 'restored', 'My book');
    const imported = await call<{ dir: string; name: string; images: number; cancelled: boolean }>(
      'projects.importArchive',
      { file: zipFile, dir: copy, taskId: 'import-1' },
    );
    expect(imported).toMatchObject({ dir: copy, name: 'Archive round trip', cancelled: false });
    expect(imported.images).toBeGreaterThanOrEqual(5 + 1 + 1); // results, the pose sheet, the reference
    expect(await readdir(join(work, 'restored'))).toEqual(['My book']); // no temp folder left
    expect(await lstat(join(copy, '.studio')).catch(() => null)).toBeNull();

    await call('projects.close', {});
    expect(await treeOf(copy)).toEqual(await treeOf(source));
    expect(await foldersOf(copy)).toEqual(await foldersOf(source));

    await call('projects.open', { dir: copy });
    const after = {
      results: await call<{ items: unknown[]; total: number }>('results.query', { limit: 100 }),
      characters: await call<{ characters: unknown[] }>('characters.list', {}),
      poses: await call<{ libraries: unknown[] }>('poses.list', {}),
      trash: await call<{ entries: unknown[] }>('trash.list', {}),
    };
    // The index of the copy was rebuilt from the receipts: the same results, reviews and names (the
    // revision counts changes in this session, not in the project).
    const { revision: _before, ...resultsBefore } = before.results as { revision?: number };
    const { revision: _after, ...resultsAfter } = after.results as { revision?: number };
    expect({ ...after, results: resultsAfter }).toEqual({ ...before, results: resultsBefore });
    expect(await lstat(join(copy, '.studio', 'results-index.sqlite'))).toBeTruthy();
    const opened = await call<{ problems: unknown[]; readOnly: boolean }>('projects.current', {});
    expect(opened).toMatchObject({ problems: [], readOnly: false });
    await runtime.rt.dispose();
  });

  it('exports a project by its folder, leaves out links and refuses to replace a file unless asked', async () => {
    const work = await tempDir();
    const runtime = await startRuntime(join(work, 'user-data'));
    const source = join(work, 'Book');
    await makeRealProject(runtime, source, 4);
    const { symlink } = await import('node:fs/promises');
    await writeFile(join(work, 'secret.txt'), 'not part of the project');
    await symlink(join(work, 'secret.txt'), join(source, 'For the editor', 'link.txt'));

    const file = join(work, 'book.zip');
    const first = await runtime.call<{ skipped: { file: string }[] }>('projects.exportArchive', {
      dir: source,
      file,
    });
    expect(first.skipped).toEqual([
      { file: 'For the editor/link.txt', reason: expect.stringMatching(/link/) },
    ]);
    expect(await entryNames(file)).not.toContain('For the editor/link.txt');

    await expect(runtime.call('projects.exportArchive', { dir: source, file })).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
    });
    await expect(
      runtime.call('projects.exportArchive', { dir: source, file, overwrite: true }),
    ).resolves.toMatchObject({ file });
    // Never into the project's own folders.
    await expect(
      runtime.call('projects.exportArchive', { dir: source, file: join(source, 'results', 'x.zip') }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', detail: { reason: 'inside-project' } });
    // Into the person's own part of the project folder is fine, and the archive does not hold itself.
    const inside = join(source, 'For the editor', 'backup.zip');
    await runtime.call('projects.exportArchive', { dir: source, file: inside });
    expect((await entryNames(inside)).filter((n) => n.includes('backup'))).toEqual([]);
    await expect(runtime.call('projects.exportArchive', { file })).rejects.toMatchObject({
      code: 'NO_PROJECT',
    });
    await expect(
      runtime.call('projects.exportArchive', { dir: work, file: join(work, 'y.zip') }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await runtime.rt.dispose();
  });

  it('cancels an export and an import with tasks.cancel, leaving nothing behind', async () => {
    const work = await tempDir();
    const runtime = await startRuntime(join(work, 'user-data'));
    const source = join(work, 'Book');
    await makeRealProject(runtime, source, 40);
    const { call, rt } = runtime;

    // Cancel as soon as the first progress event arrives.
    const cancelOnFirstProgress = (taskId: string) =>
      rt.events.on((name, payload) => {
        if (name === 'task.progress' && (payload as { taskId: string }).taskId === taskId)
          void call('tasks.cancel', { taskId });
      });
    const out = join(work, 'out');
    const stop = cancelOnFirstProgress('exp');
    const cancelledExport = await call<{ cancelled: boolean; file?: string }>('projects.exportArchive', {
      dir: source,
      file: join(out, 'book.zip'),
      taskId: 'exp',
    });
    stop();
    expect(cancelledExport).toMatchObject({ cancelled: true });
    expect(cancelledExport.file).toBeUndefined();
    expect(await readdir(out)).toEqual([]);

    const zipFile = join(work, 'book.zip');
    await call('projects.exportArchive', { dir: source, file: zipFile });
    const stopImport = cancelOnFirstProgress('imp');
    const cancelledImport = await call<{ cancelled: boolean }>('projects.importArchive', {
      file: zipFile,
      dir: join(work, 'restored', 'deeper', 'Book'),
      taskId: 'imp',
    });
    stopImport();
    expect(cancelledImport).toMatchObject({ cancelled: true });
    // The folders the import made for it are gone again.
    expect(await lstat(join(work, 'restored')).catch(() => null)).toBeNull();
    await rt.dispose();
  });
});
