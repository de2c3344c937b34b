import { KeytarStore, type KeytarLoader } from './keytar-store';
import { MEMORY_STORE_NOTE, MemoryStore } from './memory-store';
import { SafeStorageStore, checkSafeStorage, type SafeStorageLike } from './safe-storage-store';
import { DEFAULT_SECRET_TIMEOUT_MS, type SecretStore, type SecretStoreStatus } from './secret-store';

export interface ChooseSecretStoreOptions {
  userDataDir: string;
  /** Electron's safeStorage, passed in by main/. The CLI and the browser host have none. */
  safeStorage?: SafeStorageLike;
  /** Bound on the keychain probe and on every later keychain call (10 s). */
  timeoutMs?: number;
  /** Tests replace keytar with one that throws or hangs. */
  loadKeytar?: KeytarLoader;
  platform?: NodeJS.Platform;
  /** Where the one line about the chosen backend goes (never the key). Defaults to console.warn on fallback. */
  log?: (line: string) => void;
}

/**
 * Picks where the API key lives, in the order DESIGN.md gives:
 *  1. the OS keychain through keytar, if keytar loads and a keychain answers a bounded read;
 *  2. Electron safeStorage ciphertext in user data, if given and not Linux's basic_text backend;
 *  3. memory, for this session only (status().note says so).
 * Never plaintext. Never throws: the worst case is the memory store.
 */
export async function chooseSecretStore(options: ChooseSecretStoreOptions): Promise<SecretStore> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_SECRET_TIMEOUT_MS;
  const log = options.log ?? ((line: string) => console.warn(`[ccstudio] ${line}`));
  const keytar = new KeytarStore({
    timeoutMs,
    ...(options.loadKeytar ? { loader: options.loadKeytar } : {}),
  });
  const probe = await keytar.probe();
  if (probe.ok) return keytar;

  const why =
    probe.reason === 'timeout'
      ? `no system keychain answered within ${Math.max(1, Math.round(timeoutMs / 1000))} s`
      : probe.reason === 'not-loaded'
        ? 'keytar could not be loaded'
        : probe.reason === 'unavailable'
          ? 'no system keychain service is running'
          : 'the system keychain refused the request';

  if (options.safeStorage) {
    const check = checkSafeStorage(options.safeStorage, options.platform ?? process.platform);
    if (check.usable) {
      try {
        const store = new SafeStorageStore({
          safeStorage: options.safeStorage,
          userDataDir: options.userDataDir,
          ...(options.platform ? { platform: options.platform } : {}),
        });
        log(`API key: ${why}; using Electron safeStorage ciphertext in user data.`);
        return withNote(store, {
          backend: 'safe-storage',
          persistent: true,
          note: `The system keychain is not available (${why}), so the key is kept encrypted by Electron safeStorage in the app's data folder.`,
        });
      } catch {
        // fall through to memory
      }
    } else {
      log(`API key: ${why}; safeStorage refused (${check.reason})`);
    }
  }

  log(`API key: ${why}; keeping the key in memory for this session only.`);
  return new MemoryStore(`${MEMORY_STORE_NOTE} (Reason: ${why}.)`);
}

/** The same store, with a status that explains why it was chosen. */
function withNote(store: SecretStore, status: SecretStoreStatus): SecretStore {
  return {
    status: () => status,
    get: () => store.get(),
    set: (key) => store.set(key),
    clear: () => store.clear(),
  };
}
