import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseSecretStore } from '../../../src/secrets/choose-secret-store';
import type { KeytarLike } from '../../../src/secrets/keytar-store';
import { encodingsOf, fakeSafeStorage, freshKey, mapKeytar } from './helpers';

let dir: string;
let lines: string[];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ccs-choose-'));
  lines = [];
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const failingLoad = async (): Promise<KeytarLike> => {
  throw new Error('The module keytar.node was compiled against a different Node.js version');
};
const hangingLoad = async (): Promise<KeytarLike> => ({
  getPassword: () => new Promise(() => undefined),
  setPassword: () => new Promise(() => undefined),
  deletePassword: () => new Promise(() => undefined),
});
const log = (line: string) => lines.push(line);

/** Every byte the store left in user data, to prove the key is never there in the clear. */
async function allFileBytes(root: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) parts.push(await readFile(join(entry.parentPath, entry.name)));
  }
  return Buffer.concat(parts);
}

describe('chooseSecretStore', () => {
  it('uses the keychain when keytar loads and answers', async () => {
    const store = await chooseSecretStore({
      userDataDir: dir,
      safeStorage: fakeSafeStorage(),
      loadKeytar: async () => mapKeytar(),
      log,
    });
    expect(store.status()).toMatchObject({ backend: 'keychain', persistent: true });
    expect(lines).toEqual([]);
  });

  it('falls back to safeStorage ciphertext when keytar cannot load', async () => {
    const store = await chooseSecretStore({
      userDataDir: dir,
      safeStorage: fakeSafeStorage(),
      loadKeytar: failingLoad,
      log,
    });
    expect(store.status()).toMatchObject({ backend: 'safe-storage', persistent: true });
    expect(store.status().note).toMatch(/keytar could not be loaded/);
    const key = freshKey();
    await store.set(key);
    expect(await store.get()).toBe(key);
    const bytes = await allFileBytes(dir);
    for (const form of encodingsOf(key)) expect(bytes.includes(form)).toBe(false);
    expect(lines.join('\n')).not.toContain(key);
  });

  it('falls back when no keychain answers within the bound (small bound injected here; 10 s in the app)', async () => {
    const started = Date.now();
    const store = await chooseSecretStore({
      userDataDir: dir,
      safeStorage: fakeSafeStorage(),
      loadKeytar: hangingLoad,
      timeoutMs: 60,
      log,
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(store.status().backend).toBe('safe-storage');
    expect(store.status().note).toMatch(/did not answer|no system keychain answered/);
  });

  it('refuses safeStorage on basic_text and keeps the key in memory for this session', async () => {
    const store = await chooseSecretStore({
      userDataDir: dir,
      safeStorage: fakeSafeStorage('basic_text'),
      loadKeytar: failingLoad,
      platform: 'linux',
      log,
    });
    const status = store.status();
    expect(status).toMatchObject({ backend: 'memory', persistent: false });
    expect(status.note).toMatch(/this session only/);
    const key = freshKey();
    await store.set(key);
    expect(await store.get()).toBe(key);
    expect(await readdir(dir)).toEqual([]);
    expect(lines.join('\n')).toMatch(/basic_text/);
  });

  it('without safeStorage (CLI, browser host) a hanging keychain leads to memory, never plaintext', async () => {
    const store = await chooseSecretStore({ userDataDir: dir, loadKeytar: hangingLoad, timeoutMs: 30, log });
    expect(store.status()).toMatchObject({ backend: 'memory', persistent: false });
    await store.set(freshKey());
    expect(await readdir(dir)).toEqual([]);
  });

  it('a keychain that refuses (locked) also falls back', async () => {
    const store = await chooseSecretStore({
      userDataDir: dir,
      loadKeytar: async () => ({
        ...mapKeytar(),
        getPassword: async () => Promise.reject(new Error('Cannot create an item in a locked collection')),
      }),
      log,
    });
    expect(store.status().backend).toBe('memory');
    expect(store.status().note).toMatch(/refused/);
  });
});
