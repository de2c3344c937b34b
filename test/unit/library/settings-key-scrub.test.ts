import { describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserDataStore } from '../../../src/library/user-data';

const KEY = 'SG_0123456789abcdef';

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('a settings file from before keys were refused in the Segmind address', () => {
  it('loses the key from disk: the address is reset, the rest kept, nothing quarantined with the key in it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ccstudio-settings-'));
    const store = new UserDataStore(dir);
    await writeFile(
      store.settingsFile,
      JSON.stringify({
        segmindBaseUrl: `https://api.segmind.com/?key=${KEY}`,
        requestsPerMinute: 50,
        concurrency: 3,
      }),
    );
    const settings = await store.readSettings();
    expect(settings).toMatchObject({ segmindBaseUrl: '', requestsPerMinute: 50, concurrency: 3 });
    for (const file of await filesUnder(dir)) expect(await readFile(file, 'utf8'), file).not.toContain(KEY);
  });

  it('still quarantines a file that is damaged for another reason', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ccstudio-settings-'));
    const store = new UserDataStore(dir);
    await writeFile(store.settingsFile, '{ not json');
    expect(await store.readSettings()).toMatchObject({ segmindBaseUrl: '' });
    expect((await readdir(store.quarantineDir)).length).toBe(1);
  });
});
