import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  SafeStorageStore,
  checkSafeStorage,
  safeStorageKeyFile,
} from '../../../src/secrets/safe-storage-store';
import { AppError } from '../../../src/domain/errors';
import { encodingsOf, fakeSafeStorage, freshKey } from './helpers';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ccs-safe-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('SafeStorageStore', () => {
  it('stores only ciphertext: the file never holds the key in any encoding', async () => {
    const store = new SafeStorageStore({
      safeStorage: fakeSafeStorage(),
      userDataDir: dir,
      platform: 'linux',
    });
    const key = freshKey();
    await store.set(key);
    const bytes = await readFile(safeStorageKeyFile(dir));
    expect(bytes.length).toBeGreaterThan(0);
    for (const form of encodingsOf(key)) expect(bytes.includes(form)).toBe(false);
    expect(await store.get()).toBe(key);
    expect(store.status()).toMatchObject({ backend: 'safe-storage', persistent: true });
  });

  it('writes atomically with owner-only permissions and leaves no temp files', async () => {
    const store = new SafeStorageStore({
      safeStorage: fakeSafeStorage(),
      userDataDir: dir,
      platform: 'linux',
    });
    await store.set(freshKey());
    await store.set(freshKey());
    const file = safeStorageKeyFile(dir);
    expect(await readdir(dirname(file))).toEqual(['segmind-api-key.enc']);
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('clear removes the file and get answers null', async () => {
    const store = new SafeStorageStore({
      safeStorage: fakeSafeStorage(),
      userDataDir: dir,
      platform: 'linux',
    });
    expect(await store.get()).toBeNull();
    await store.set(freshKey());
    await store.clear();
    expect(await store.get()).toBeNull();
    await store.clear();
  });

  it("refuses Linux's basic_text backend, on any platform", () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      expect(
        () =>
          new SafeStorageStore({ safeStorage: fakeSafeStorage('basic_text'), userDataDir: dir, platform }),
      ).toThrow(AppError);
      expect(checkSafeStorage(fakeSafeStorage('basic_text'), platform)).toMatchObject({ usable: false });
    }
  });

  it('refuses when encryption is unavailable, and on Linux when the backend is unknown', () => {
    expect(checkSafeStorage(fakeSafeStorage('gnome_libsecret', false), 'linux')).toMatchObject({
      usable: false,
    });
    expect(checkSafeStorage(fakeSafeStorage('unknown'), 'linux')).toMatchObject({ usable: false });
    expect(checkSafeStorage(fakeSafeStorage(null), 'linux')).toMatchObject({ usable: false });
    expect(checkSafeStorage(fakeSafeStorage(null), 'darwin')).toEqual({ usable: true });
    expect(checkSafeStorage(fakeSafeStorage('kwallet5'), 'linux')).toEqual({
      usable: true,
      backend: 'kwallet5',
    });
  });

  it('a file it cannot decrypt is an error that asks for the key again, without the file content', async () => {
    const file = safeStorageKeyFile(dir);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, 'SG_0123456789abcdef');
    const store = new SafeStorageStore({
      safeStorage: fakeSafeStorage(),
      userDataDir: dir,
      platform: 'linux',
    });
    const error = await store.get().catch((e: unknown) => e as AppError);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).detail).toMatchObject({ reason: 'unreadable' });
    expect(JSON.stringify({ m: (error as AppError).message, d: (error as AppError).detail })).not.toContain(
      '0123456789abcdef',
    );
  });
});
