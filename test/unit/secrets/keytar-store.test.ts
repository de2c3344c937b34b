import { describe, expect, it } from 'vitest';
import { KeytarStore, type KeytarLike } from '../../../src/secrets/keytar-store';
import { AppError } from '../../../src/domain/errors';
import { SECRET_ACCOUNT, SECRET_SERVICE } from '../../../src/secrets/secret-store';
import { freshKey, mapKeytar } from './helpers';

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);
const hangingKeytar = (): KeytarLike => ({ getPassword: never, setPassword: never, deletePassword: never });

async function caught(work: Promise<unknown>): Promise<AppError> {
  try {
    await work;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected a rejection');
}

describe('KeytarStore', () => {
  it('round-trips through keytar under the app service and account', async () => {
    const keytar = mapKeytar();
    const store = new KeytarStore({ loader: async () => keytar });
    const key = freshKey();
    expect(await store.get()).toBeNull();
    await store.set(key);
    expect(keytar.entries.get(`${SECRET_SERVICE}\u0000${SECRET_ACCOUNT}`)).toBe(key);
    expect(await store.get()).toBe(key);
    await store.clear();
    expect(await store.get()).toBeNull();
    expect(store.status()).toMatchObject({ backend: 'keychain', persistent: true });
  });

  it('loads keytar lazily: constructing the store never touches it', () => {
    let loads = 0;
    new KeytarStore({
      loader: async () => {
        loads++;
        return mapKeytar();
      },
    });
    expect(loads).toBe(0);
  });

  it('reports a keytar that fails to load as an error, not a crash', async () => {
    const store = new KeytarStore({
      loader: async () => {
        throw new Error('Cannot find module keytar.node');
      },
    });
    const error = await caught(store.get());
    expect(error.detail).toMatchObject({ backend: 'keychain', reason: 'not-loaded' });
    expect(await store.probe()).toMatchObject({ ok: false, reason: 'not-loaded' });
  });

  it('bounds every call: a keychain that never answers becomes a timeout error', async () => {
    const store = new KeytarStore({ loader: async () => hangingKeytar(), timeoutMs: 50 });
    const started = Date.now();
    for (const work of [store.get(), store.set(freshKey()), store.clear()]) {
      const error = await caught(work);
      expect(error.detail).toMatchObject({ reason: 'timeout' });
    }
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await store.probe()).toMatchObject({ ok: false, reason: 'timeout' });
  });

  it('never puts the key in an error, even when keytar echoes it back', async () => {
    const key = freshKey();
    const store = new KeytarStore({
      loader: async () => ({
        ...mapKeytar(),
        setPassword: async (_s: string, _a: string, p: string) => {
          throw new Error(`libsecret failed to store "${p}"`);
        },
      }),
    });
    const error = await caught(store.set(key));
    const everything = JSON.stringify({ message: error.message, detail: error.detail, stack: error.stack });
    expect(everything).not.toContain(key);
    expect(everything).not.toContain(key.slice(3));
    expect(error.detail).toMatchObject({ reason: 'failed' });
  });

  it('a keytar that throws synchronously (no D-Bus) is reported as no keychain', async () => {
    const store = new KeytarStore({
      loader: async () => ({
        ...mapKeytar(),
        getPassword: () => {
          throw new Error('Cannot autolaunch D-Bus without X11 $DISPLAY');
        },
      }),
    });
    expect((await caught(store.get())).detail).toMatchObject({ reason: 'unavailable' });
  });

  it('a locked keychain is a failure, distinct from no keychain at all', async () => {
    const store = new KeytarStore({
      loader: async () => ({
        ...mapKeytar(),
        getPassword: async () => Promise.reject(new Error('Cannot create an item in a locked collection')),
      }),
    });
    expect((await caught(store.get())).detail).toMatchObject({ reason: 'failed' });
  });
});
