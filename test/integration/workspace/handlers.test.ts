/**
 * The workspace contract end to end, the way the UI reaches it: untrusted input through dispatchCall,
 * the real runtime's handlers, events on the bus, real files.
 */
import { describe, expect, it } from 'vitest';
import { rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dispatchCall } from '../../../src/services/dispatch';
import { createAppRuntime } from '../../../src/services/runtime';
import { MemoryStore } from '../../../src/secrets/memory-store';
import type { CallName, EventName } from '../../../src/contract';
import { contractCalls } from '../../../src/contract';
import { workspaceCalls } from '../../../src/contract/calls/workspace';
import { makeImage } from '../../fixtures-gen/simple-images';
import { useTempDirs } from '../../helpers/temp-dir';
import { newId } from '../../../src/domain';
import { draftFor, resultJpeg } from './support';

const tempDir = useTempDirs();

async function started() {
  const rt = await createAppRuntime({
    userDataDir: await tempDir(),
    platform: { shell: 'browser' },
    secrets: new MemoryStore(),
    appVersion: '9.9.9',
    runQueue: false,
  });
  const events: { name: EventName; payload: unknown }[] = [];
  rt.events.on((name, payload) => events.push({ name, payload }));
  const call = async (name: CallName, input: unknown) => {
    const result = await dispatchCall(rt.handlers, name, input);
    if (!result.ok) throw Object.assign(new Error(result.error.message), result.error);
    return result.value as never;
  };
  const raw = (name: string, input: unknown) => dispatchCall(rt.handlers, name, input);
  const dir = join(await tempDir(), 'project');
  await call('projects.create', { dir, name: 'Handlers' });
  return { rt, events, call, raw, dir };
}

const changedKinds = (events: { name: string; payload: unknown }[]) =>
  events.filter((e) => e.name === 'project.changed').map((e) => (e.payload as { kind: string }).kind);

describe('the workspace contract', () => {
  it('registers a handler for every workspace call', async () => {
    const { rt } = await started();
    for (const name of Object.keys(workspaceCalls)) {
      expect(Object.prototype.hasOwnProperty.call(contractCalls, name)).toBe(true);
      expect(typeof rt.handlers[name as CallName]).toBe('function');
    }
    await rt.dispose();
  });

  it('validates input before any handler runs', async () => {
    const { rt, raw } = await started();
    for (const [name, input] of [
      ['characters.create', {}],
      ['characters.update', { id: '../../etc', changes: { name: 'x' } }],
      ['results.query', { limit: 100_000 }],
      ['results.review', { ids: [], rating: 3 }],
      ['results.review', { ids: ['abcdefgh1'], rating: 9 }],
      ['poses.import', { libraryId: 'abcdefgh1', sources: [{ path: '/x', dataBase64: 'AA==' }] }],
      ['tasks.cancel', { taskId: 'has spaces' }],
    ] as const) {
      expect(await raw(name, input)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    expect(await raw('results.review', { ids: ['abcdefgh1'] })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: 'Nothing to change.' },
    });
    await rt.dispose();
  });

  it('imports with progress events under the UI’s task id, tells lists to refresh, and cancels', async () => {
    const { rt, events, call } = await started();
    const library = await call('poses.createLibrary', { name: 'Walks' });
    const src = await tempDir();
    for (let i = 0; i < 8; i++)
      await writeFile(join(src, `w${i}.png`), await makeImage('png', 64, 64, { hue: i * 40 }));
    await writeFile(join(src, 'bad.png'), 'not a png');
    events.length = 0;

    const report: { imported: unknown[]; failed: { file: string }[]; taskId: string; cancelled: boolean } =
      await call('poses.import', {
        libraryId: (library as { id: string }).id,
        sources: [{ path: src }],
        taskId: 'import-1',
      });
    expect(report).toMatchObject({ taskId: 'import-1', cancelled: false });
    expect(report.imported).toHaveLength(8);
    expect(report.failed.map((f) => f.file)).toEqual([`${src.split('/').pop()}/bad.png`]);
    const progress = events
      .filter((e) => e.name === 'task.progress')
      .map(
        (e) =>
          e.payload as {
            taskId: string;
            done: number;
            total: number;
            failed: number;
            finished: boolean;
            kind: string;
          },
      );
    expect(progress.every((p) => p.taskId === 'import-1' && p.kind === 'import' && p.total === 9)).toBe(true);
    expect(progress.at(-1)).toMatchObject({ done: 9, failed: 1, finished: true });
    expect(progress.filter((p) => p.finished)).toHaveLength(1);
    expect(changedKinds(events)).toContain('poses');

    // A cancel that arrives as soon as the task reports: the call still resolves, with what got in.
    const other = await call('poses.createLibrary', { name: 'Other' });
    const src2 = await tempDir();
    for (let i = 0; i < 10; i++)
      await writeFile(join(src2, `o${i}.png`), await makeImage('png', 64, 64, { hue: 7 + i * 31 }));
    const off = rt.events.on((name, payload) => {
      if (
        name === 'task.progress' &&
        (payload as { taskId: string; done: number }).taskId === 'import-2' &&
        (payload as { done: number }).done === 1
      ) {
        void call('tasks.cancel', { taskId: 'import-2' });
      }
    });
    const cancelled: { imported: unknown[]; cancelled: boolean } = await call('poses.import', {
      libraryId: (other as { id: string }).id,
      sources: [{ path: src2 }],
      taskId: 'import-2',
    });
    off();
    expect(cancelled.cancelled).toBe(true);
    expect(cancelled.imported.length).toBeLessThan(10);
    const listed: { libraries: { id: string; poses: unknown[] }[] } = await call('poses.list', {});
    expect(listed.libraries.find((l) => l.id === (other as { id: string }).id)?.poses).toHaveLength(
      cancelled.imported.length,
    );
    expect(await call('tasks.cancel', { taskId: 'import-2' })).toEqual({ cancelled: false });
    await rt.dispose();
  });

  it('runs the character, result and trash flow the UI needs, with events', async () => {
    const { rt, events, call, dir } = await started();
    const mira: { id: string } = await call('characters.create', {
      name: 'Mira',
      description: 'young pilot, red scarf',
      styleWords: 'watercolor',
    });
    const preview: { prompt: string; negativePrompt: string; usesDefaultNegative: boolean } = await call(
      'characters.promptPreview',
      {
        characterId: mira.id,
      },
    );
    expect(preview.prompt).toMatch(/, young pilot, red scarf, watercolor$/);
    expect(preview.usesDefaultNegative).toBe(true);
    const draft: { prompt: string; negativePrompt: string } = await call('characters.promptPreview', {
      characterId: mira.id,
      draft: { styleWords: 'ink', negativePrompt: 'blurry' },
    });
    expect(draft.prompt).toMatch(/red scarf, ink$/);
    expect(draft.negativePrompt).toBe('blurry');

    const upload = (await makeImage('png', 90, 120)).toString('base64');
    const refs: { added: { thumbFile: string }[] } = await call('characters.addReferences', {
      id: mira.id,
      sources: [{ name: 'face.png', dataBase64: upload }],
    });
    expect(refs.added).toHaveLength(1);
    expect((await stat(join(dir, refs.added[0]?.thumbFile ?? ''))).isFile()).toBe(true);

    events.length = 0;
    const { trashId }: { trashId: string } = await call('characters.trash', { id: mira.id });
    expect(changedKinds(events)).toEqual(expect.arrayContaining(['characters', 'trash', 'results']));
    const trash: { entries: { id: string; label: string }[] } = await call('trash.list', {});
    expect(trash.entries).toEqual([expect.objectContaining({ id: trashId, label: 'Mira' })]);
    expect(await call('trash.restore', { id: trashId })).toEqual({ kind: 'character' });
    const list: { characters: { id: string; referenceImages: unknown[] }[] } = await call(
      'characters.list',
      {},
    );
    expect(list.characters.map((c) => c.id)).toEqual([mira.id]);
    expect(list.characters[0]?.referenceImages).toHaveLength(1);

    const page: { total: number; items: unknown[] } = await call('results.query', {});
    expect(page).toMatchObject({ total: 0, items: [] });

    // A result synced in by another program: refresh notices it, get explains it.
    const id = newId();
    const synced = draftFor({ characterId: mira.id, poseId: 'posepose01', id, seed: 31337 });
    await writeFile(join(dir, 'results', `${id}.jpg`), await resultJpeg(40, 30));
    await writeFile(
      join(dir, 'results', `${id}.json`),
      JSON.stringify({ ...synced, file: `results/${id}.jpg`, width: 40, height: 30 }),
    );
    events.length = 0;
    expect(await call('results.refresh', {})).toMatchObject({
      added: 1,
      removed: 0,
      changed: 0,
      problems: [],
    });
    expect(changedKinds(events)).toContain('results');
    const got: { summary: { characterName: string; seed: number }; parameters: string; cuts: string[] } =
      await call('results.get', { id });
    expect(got.summary).toMatchObject({ characterName: 'Mira', seed: 31337 });
    expect(got.cuts).toEqual([]);
    expect(got.parameters).toMatch(/Seed: 31337, Size: 40x30, Model: consistent-character-ai-neolemon/);
    expect(got.parameters).toMatch(/^character sheet, young pilot/);
    expect(await call('results.facets', {})).toMatchObject({ total: 1, ratings: [1, 0, 0, 0, 0, 0] });
    await expect(call('results.get', { id: 'nosuchresult1' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await rt.dispose();
  });

  it('answers PROJECT_READ_ONLY for changes to a project open elsewhere, and NO_PROJECT with none open', async () => {
    const { rt, call, dir } = await started();
    const second = await started();
    await second.call('projects.open', { dir });
    const summary: { readOnly: boolean } = await second.call('projects.current', {});
    expect(summary.readOnly).toBe(true);
    await expect(second.call('characters.create', { name: 'X' })).rejects.toMatchObject({
      code: 'PROJECT_READ_ONLY',
    });
    await expect(second.call('poses.createLibrary', { name: 'X' })).rejects.toMatchObject({
      code: 'PROJECT_READ_ONLY',
    });
    expect(await second.call('characters.list', {})).toMatchObject({ characters: [] });
    await second.rt.dispose();
    await call('projects.close', {});
    await expect(call('characters.list', {})).rejects.toMatchObject({ code: 'NO_PROJECT' });
    await rt.dispose();
    await rm(dir, { recursive: true, force: true });
  });
});
