/**
 * Issue 9, hostile input 8, 9, 11, 12 and 14: a project folder holding links out of it, links to
 * /dev/zero, named pipes, folders where a JSON file belongs, link loops and JSON nested 200,000 deep. Real
 * files, real symlinks, a real FIFO (mkfifo) and the real runtime through dispatchCall, the way the UI
 * reaches it. Nothing outside the project is read, written or moved; every call answers at once, with
 * data or a typed error, never INTERNAL; the damaged entry is quarantined (a link is moved as a link).
 */
import { execFileSync } from 'node:child_process';
import { lstat, mkdir, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openProject } from '../../../src/library/project-store';
import { workspaceFor } from '../../../src/library/workspace';
import { MemoryStore } from '../../../src/secrets/memory-store';
import { dispatchCall } from '../../../src/services/dispatch';
import { createAppRuntime } from '../../../src/services/runtime';
import { makeImage } from '../../fixtures-gen/simple-images';
import { useTempDirs } from '../../helpers/temp-dir';
import { newProject } from './support';

const tempDir = useTempDirs();

/** Every file under `dir` with its bytes: what "nothing outside changed" is checked against. */
async function contents(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    out[full.slice(dir.length + 1)] = await readFile(full, 'base64');
  }
  return out;
}

/** Moves `rel` of the project to `outside/<name>` and leaves a link to it in its place. */
async function linkOut(dir: string, rel: string, outside: string, name: string): Promise<string> {
  const target = join(outside, name);
  execFileSync('cp', ['-a', join(dir, rel), target]);
  await rm(join(dir, rel), { recursive: true, force: true });
  await symlink(target, join(dir, rel));
  return target;
}

/** A project with one character holding one reference image, and a folder beside it for "outside". */
async function projectWithCharacter() {
  const { project, ws, dir } = await newProject(tempDir);
  const outside = join(await tempDir(), 'outside');
  await mkdir(outside);
  const mira = await ws.characters.create({ name: 'Mira' });
  await ws.characters.addReferences(mira.id, [
    { name: 'face.png', dataBase64: (await makeImage('png', 60, 80)).toString('base64') },
  ]);
  const character = await ws.characters.get(mira.id);
  return { project, ws, dir, outside, character };
}

describe('links out of the project are never followed', () => {
  it('a character.json linked outside is quarantined as a link, never read or rewritten', async () => {
    const { project, ws, dir, outside, character } = await projectWithCharacter();
    const rel = `characters/${character.id}/character.json`;
    await linkOut(dir, rel, outside, 'character.json');
    const before = await contents(outside);

    const { characters, problems } = await ws.characters.readAll();
    expect(characters).toEqual([]);
    expect(problems).toEqual([
      expect.objectContaining({ file: rel, reason: expect.stringMatching(/outside the project/) }),
    ]);
    const quarantined = join(dir, problems[0]?.quarantinedAs ?? 'none');
    expect((await lstat(quarantined)).isSymbolicLink()).toBe(true);
    await expect(ws.characters.update(character.id, { notes: 'edited' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await contents(outside)).toEqual(before);
    await project.close();
  });

  it('a character folder linked outside is moved to quarantine as a link; nothing in it is read or written', async () => {
    const { project, ws, dir, outside, character } = await projectWithCharacter();
    await linkOut(dir, `characters/${character.id}`, outside, 'character-folder');
    const before = await contents(outside);

    const { characters, problems } = await ws.characters.readAll();
    expect(characters).toEqual([]);
    expect(problems).toEqual([expect.objectContaining({ file: `characters/${character.id}` })]);
    expect(problems[0]?.quarantinedAs).toMatch(new RegExp(`__characters__${character.id}$`));
    await expect(ws.characters.update(character.id, { notes: 'edited' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await contents(outside)).toEqual(before);
    await project.close();
  });

  it('characters.duplicate refuses a reference image linked outside and makes no copy', async () => {
    const { project, ws, dir, outside, character } = await projectWithCharacter();
    const ref = character.referenceImages[0];
    if (!ref) throw new Error('no reference image');
    await linkOut(dir, ref.file, outside, 'reference.png');

    await expect(ws.characters.duplicate(character.id)).rejects.toMatchObject({
      code: 'PROJECT_DAMAGED',
      detail: { reason: 'outside-project' },
    });
    const { characters } = await ws.characters.readAll();
    expect(characters.map((c) => c.name)).toEqual(['Mira']);
    expect(await readdir(join(dir, 'characters'))).toEqual([character.id]);
    await project.close();
  });

  it('top-level folders linked outside (poses/, .studio/) are set aside when the project opens', async () => {
    const { project, ws, dir, outside } = await projectWithCharacter();
    await ws.poses.create('Standing');
    await project.close();
    await linkOut(dir, 'poses', outside, 'poses');
    await linkOut(dir, '.studio', outside, 'studio');
    const before = await contents(outside);

    const reopened = await openProject(dir);
    const problems = reopened.summary().problems;
    expect(problems.map((p) => p.file).sort()).toEqual(['.studio', 'poses']);
    for (const problem of problems) {
      expect((await lstat(join(dir, problem.quarantinedAs ?? 'none'))).isSymbolicLink()).toBe(true);
    }
    expect((await lstat(join(dir, '.studio'))).isDirectory()).toBe(true);
    const rws = workspaceFor(reopened);
    expect((await rws.poses.readAll()).libraries).toEqual([]);
    await rws.poses.create('New here');
    expect((await lstat(join(dir, 'poses'))).isDirectory()).toBe(true);
    await reopened.close();
    expect(await contents(outside)).toEqual(before);
  });

  it('what .studio/ holds (thumbnails) linked outside is set aside too: new thumbnails are made inside', async () => {
    const { project, dir, outside, character } = await projectWithCharacter();
    await project.close();
    await linkOut(dir, '.studio/thumbs', outside, 'thumbs');
    const before = await contents(outside);

    const reopened = await openProject(dir);
    expect(reopened.summary().problems).toEqual([
      expect.objectContaining({
        file: '.studio/thumbs',
        quarantinedAs: expect.stringMatching(/__\.studio__thumbs$/),
      }),
    ]);
    const rws = workspaceFor(reopened);
    const { added } = await rws.characters.addReferences(character.id, [
      { name: 'other.png', dataBase64: (await makeImage('png', 50, 70, { hue: 200 })).toString('base64') },
    ]);
    expect((await lstat(join(dir, '.studio', 'thumbs'))).isDirectory()).toBe(true);
    expect(await readdir(join(dir, '.studio', 'thumbs'))).toContain(`${added[0]?.id}.webp`);
    await reopened.close();
    expect(await contents(outside)).toEqual(before);
  });

  it('opened read-only, a folder linked outside is reported and refused, not moved', async () => {
    const { project, dir, outside } = await projectWithCharacter();
    await linkOut(dir, 'results', outside, 'results');
    const second = await openProject(dir); // the first still holds the lock
    expect(second.readOnly).toBe(true);
    expect(second.summary().problems).toEqual([
      expect.objectContaining({ file: 'results', reason: expect.stringMatching(/outside the project/) }),
    ]);
    expect((await lstat(join(dir, 'results'))).isSymbolicLink()).toBe(true);
    await second.close();
    await project.close();
  });
});

/** The real runtime with a project holding a character, a pose library and a preset. */
async function appWithProject() {
  const rt = await createAppRuntime({
    userDataDir: await tempDir(),
    platform: { shell: 'browser' },
    secrets: new MemoryStore(),
    appVersion: '9.9.9',
    runQueue: false,
  });
  const raw = (name: string, input: unknown) => dispatchCall(rt.handlers, name, input);
  const call = async <T>(name: string, input: unknown): Promise<T> => {
    const answer = await raw(name, input);
    if (!answer.ok) throw Object.assign(new Error(answer.error.message), answer.error);
    return answer.value as T;
  };
  const dir = join(await tempDir(), 'project');
  await call('projects.create', { dir, name: 'Hostile' });
  const character = await call<{ id: string }>('characters.create', { name: 'Mira' });
  const imported = await call<{ libraryId: string }>('poses.import', {
    newLibraryName: 'Sheets',
    sources: [{ name: 'sheet.png', dataBase64: (await makeImage('png', 96, 64)).toString('base64') }],
  });
  await call('presets.save', {
    name: 'Quick',
    modelId: 'consistent-character-ai-neolemon',
    params: { num_inference_steps: 10 },
  });
  const files = {
    character: join(dir, 'characters', character.id, 'character.json'),
    library: join(dir, 'poses', imported.libraryId, 'library.json'),
    presets: join(dir, 'presets.json'),
  };
  return { rt, raw, call, dir, characterId: character.id, libraryId: imported.libraryId, files };
}

/** Answers within `ms`, or fails the test naming the call (a read blocked on a pipe never answers). */
async function promptly<T>(what: string, work: Promise<T>, ms = 5000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer in ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

const lists = ['characters.list', 'poses.list', 'presets.list'] as const;

describe('what is not a JSON file where one belongs is quarantined at once, never INTERNAL', () => {
  it.each([
    ['a named pipe', (file: string) => execFileSync('mkfifo', [file])],
    ['a link to /dev/zero', (file: string) => symlink('/dev/zero', file)],
    ['a folder', (file: string) => mkdir(file)],
    ['a link to itself', (file: string) => symlink(file, file)],
  ])(
    '%s in place of character.json, library.json and presets.json',
    async (_label, plant) => {
      const app = await appWithProject();
      for (const file of Object.values(app.files)) {
        await rm(file);
        await plant(file);
      }
      for (const name of lists) {
        const answer = await promptly(name, app.raw(name, {}));
        expect(answer.ok, `${name}: ${JSON.stringify(answer)}`).toBe(true);
      }
      const characters = await app.call<{ problems: { file: string; quarantinedAs?: string }[] }>(
        'characters.list',
        {},
      );
      expect(characters.problems).toEqual([
        expect.objectContaining({ file: `characters/${app.characterId}/character.json` }),
      ]);
      const libraries = await app.call<{ problems: { file: string }[] }>('poses.list', {});
      expect(libraries.problems).toEqual([
        expect.objectContaining({ file: `poses/${app.libraryId}/library.json` }),
      ]);
      // Each was moved whole into quarantine (the pipe, the folder, the link itself).
      const quarantine = await readdir(join(app.dir, '.studio', 'quarantine'));
      expect(quarantine).toHaveLength(3);
      await app.rt.dispose();
    },
    30_000,
  );

  it('a character.json with unknown fields nested 200,000 deep: edits answer PROJECT_DAMAGED, not a stack overflow', async () => {
    const app = await appWithProject();
    const text = (await readFile(app.files.character, 'utf8')).trimEnd();
    const deep = `${'['.repeat(200_000)}1${']'.repeat(200_000)}`;
    await writeFile(app.files.character, `${text.slice(0, -1)}, "fromTheFuture": ${deep}}`);

    const update = await app.raw('characters.update', {
      id: app.characterId,
      changes: { notes: 'edited' },
    });
    expect(update).toMatchObject({ ok: false, error: { code: 'PROJECT_DAMAGED' } });
    const listed = await app.call<{ characters: unknown[]; problems: { reason: string }[] }>(
      'characters.list',
      {},
    );
    expect(listed.characters).toEqual([]);
    expect(listed.problems).toEqual([
      expect.objectContaining({ reason: expect.stringMatching(/levels deep/) }),
    ]);
    await app.rt.dispose();
  });

  it('importing from a path that is a named pipe answers at once, naming the file', async () => {
    const app = await appWithProject();
    const pipe = join(await tempDir(), 'sheet.png');
    execFileSync('mkfifo', [pipe]);
    const poses = await promptly(
      'poses.import',
      app.call<{ failed: { file: string }[] }>('poses.import', {
        libraryId: app.libraryId,
        sources: [{ path: pipe }],
      }),
    );
    expect(poses.failed).toEqual([expect.objectContaining({ file: 'sheet.png' })]);
    const refs = await promptly(
      'characters.addReferences',
      app.call<{ failed: { file: string }[] }>('characters.addReferences', {
        id: app.characterId,
        sources: [{ path: pipe }],
      }),
    );
    expect(refs.failed).toEqual([expect.objectContaining({ file: 'sheet.png' })]);
    await app.rt.dispose();
  }, 20_000);
});
