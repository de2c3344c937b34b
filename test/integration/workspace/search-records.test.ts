/**
 * Issue 8, search: the words of a search find characters by name, description, style words, notes and
 * tags, and poses by name, tags and library, through the contract as the UI calls it (search.records);
 * the results themselves are found by their prompts (search-prompts.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { dispatchCall } from '../../../src/services/dispatch';
import { createAppRuntime } from '../../../src/services/runtime';
import { MemoryStore } from '../../../src/secrets/memory-store';
import type { CallName } from '../../../src/contract';
import { makeImage } from '../../fixtures-gen/simple-images';
import { useTempDirs } from '../../helpers/temp-dir';

const tempDir = useTempDirs();

describe('search.records', () => {
  it('finds characters and poses holding every word, says where, and refuses bad input', async () => {
    const rt = await createAppRuntime({
      userDataDir: await tempDir(),
      platform: { shell: 'browser' },
      secrets: new MemoryStore(),
      appVersion: '9.9.9',
      runQueue: false,
    });
    const call = async (name: CallName, input: unknown) => {
      const result = await dispatchCall(rt.handlers, name, input);
      if (!result.ok) throw Object.assign(new Error(result.error.message), result.error);
      return result.value as never;
    };
    await call('projects.create', { dir: join(await tempDir(), 'project'), name: 'Search' });
    const mira = (await call('characters.create', {
      name: 'Mira',
      description: 'A young lighthouse keeper with a green parrot on her shoulder and a yellow raincoat',
      styleWords: 'watercolor',
    })) as { id: string };
    const otto = (await call('characters.create', {
      name: 'Otto',
      notes: 'Keeps a PARROT too, in the sequel',
      tags: ['villain'],
    })) as { id: string };
    const imported = (await call('poses.import', {
      newLibraryName: 'Parrot book',
      sources: [{ name: 'Waving.png', dataBase64: (await makeImage('png', 80, 120)).toString('base64') }],
    })) as { libraryId: string; imported: { id: string }[] };

    type Found = {
      characters: { id: string; fields: string[]; excerpt?: string }[];
      poses: { id: string; libraryName: string; fields: string[] }[];
      more: { characters: number; poses: number };
    };
    const parrot = (await call('search.records', { text: 'parrot' })) as Found;
    expect(parrot.characters.map((c) => [c.id, c.fields])).toEqual([
      [mira.id, ['description']],
      [otto.id, ['notes']],
    ]);
    expect(parrot.characters[0]?.excerpt).toMatch(/green parrot on her shoulder/);
    // The pose is found by its library's name.
    expect(parrot.poses).toEqual([
      expect.objectContaining({
        id: imported.imported[0]?.id,
        libraryName: 'Parrot book',
        fields: ['library'],
      }),
    ]);

    // Every word must be somewhere in the record; case does not matter.
    const both = (await call('search.records', { text: 'PARROT Watercolor' })) as Found;
    expect(both.characters.map((c) => c.id)).toEqual([mira.id]);
    expect(both.poses).toEqual([]);
    expect(((await call('search.records', { text: 'waving parrot' })) as Found).poses).toHaveLength(1);
    expect(
      ((await call('search.records', { text: 'villain' })) as Found).characters.map((c) => c.id),
    ).toEqual([otto.id]);
    // A limit, and how many more there are.
    const one = (await call('search.records', { text: 'parrot', limit: 1 })) as Found;
    expect(one.characters).toHaveLength(1);
    expect(one.more.characters).toBe(1);
    expect(((await call('search.records', { text: '   ' })) as Found).characters).toEqual([]);

    const refused = await dispatchCall(rt.handlers, 'search.records', { text: 'x'.repeat(201) });
    expect(refused.ok).toBe(false);
    await rt.dispose();
  });
});
