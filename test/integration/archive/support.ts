/**
 * Shared pieces of the archive tests: a runtime over real folders, a small real project (characters
 * with a reference image, a pose library, results with receipts and reviews, something in the trash,
 * a file of the person's own), and a file-by-file listing of a folder tree.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CallName, EventName } from '../../../src/contract';
import type { Character } from '../../../src/domain';
import { MemoryStore } from '../../../src/secrets/memory-store';
import { dispatchCall } from '../../../src/services/dispatch';
import { createAppRuntime } from '../../../src/services/runtime';
import { seeded, writeResults } from '../../bench/synthetic-project';
import { makePoseSheet } from '../../fakes/pose-sheet';
import { makeImage } from '../../fixtures-gen/simple-images';
import { seedCharacter, seedPose } from '../../helpers/seed-project';

export async function startRuntime(userDataDir: string) {
  const rt = await createAppRuntime({
    userDataDir,
    platform: { shell: 'browser' },
    secrets: new MemoryStore(),
    appVersion: '9.9.9',
    runQueue: false,
  });
  const events: { name: EventName; payload: unknown }[] = [];
  rt.events.on((name, payload) => events.push({ name, payload }));
  /** A call the way the UI makes it: untrusted input through dispatchCall; a failure is thrown as data. */
  const call = async <T = never>(name: CallName, input: unknown): Promise<T> => {
    const result = await dispatchCall(rt.handlers, name, input);
    if (!result.ok) throw Object.assign(new Error(result.error.message), result.error);
    return result.value as T;
  };
  const raw = (name: CallName, input: unknown) => dispatchCall(rt.handlers, name, input);
  return { rt, events, call, raw };
}

/**
 * A project made through the real calls, plus `results` results written the way generation leaves them
 * (image and receipt), reviewed, one of them trashed, and a notes file of the person's own.
 */
export async function makeRealProject(
  runtime: Awaited<ReturnType<typeof startRuntime>>,
  dir: string,
  results = 6,
): Promise<void> {
  const { rt, call } = runtime;
  await call('projects.create', { dir, name: 'Archive round trip' });
  const character = await seedCharacter(rt, { name: 'Pilot', description: 'young pilot, red scarf' });
  await call('characters.addReferences', {
    id: character.id,
    sources: [{ name: 'face.png', dataBase64: (await makeImage('png', 200, 160)).toString('base64') }],
  });
  const pose = await seedPose(rt, { name: 'Three standing', image: await makePoseSheet() });
  await call('projects.close', {});

  await writeResults(dir, {
    count: results,
    base: Date.parse('2024-05-01T10:00:00Z'),
    random: seeded(7),
    characters: [character as unknown as Character],
    poseIds: [pose.id],
    jpeg: await makeImage('jpeg', 96, 64),
    shape: () => ({ width: 96, height: 64, receipt: { headers: { cost: 0.13 } } }),
  });
  await mkdir(join(dir, 'For the editor'));
  await writeFile(join(dir, 'For the editor', 'notes.txt'), 'Chapter 3 needs the pilot waving.\n');

  await call('projects.open', { dir });
  const { ids } = await call<{ ids: string[] }>('results.queryIds', {});
  await call('results.review', { ids: ids.slice(0, 2), rating: 5, flag: 'pick', addTags: ['cover'] });
  await call('results.review', { ids: ids.slice(2, 3), rating: 1, flag: 'reject' });
  await call('results.trash', { ids: ids.slice(-1) });
  await call('projects.close', {});
}

/** Every file under `root` (`/`-separated, sorted) with its SHA-256, `.studio/` left out. */
export async function treeOf(root: string): Promise<Record<string, string>> {
  const tree: Record<string, string> = {};
  const names = (await readdir(root, { recursive: true, withFileTypes: true }))
    .filter((d) => d.isFile())
    .map((d) =>
      join(d.parentPath, d.name)
        .slice(root.length + 1)
        .split('\\')
        .join('/'),
    )
    .filter((rel) => !rel.startsWith('.studio/'))
    .sort();
  for (const rel of names)
    tree[rel] = createHash('sha256')
      .update(await readFile(join(root, rel)))
      .digest('hex');
  return tree;
}

/** Every folder under `root`, `.studio` left out. */
export async function foldersOf(root: string): Promise<string[]> {
  return (await readdir(root, { recursive: true, withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) =>
      join(d.parentPath, d.name)
        .slice(root.length + 1)
        .split('\\')
        .join('/'),
    )
    .filter((rel) => rel !== '.studio' && !rel.startsWith('.studio/'))
    .sort();
}
