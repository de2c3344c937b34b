import { readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fsyncFolder, writeFileAtomic } from '../library/atomic-write';
import { secretStoreError, type SecretStore, type SecretStoreStatus } from './secret-store';

/**
 * The part of Electron's `safeStorage` this store needs, injected by main/ (src/ never imports
 * electron). Electron's own object satisfies it.
 */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Uint8Array;
  decryptString(encrypted: Buffer): string;
  /** Linux only: which password store Chromium picked. `basic_text` means a hard-coded key. */
  getSelectedStorageBackend?(): string;
}

/** The ciphertext lives here, inside the app's user-data folder (never a project folder). */
export const safeStorageKeyFile = (userDataDir: string): string =>
  join(userDataDir, 'secrets', 'segmind-api-key.enc');

export type SafeStorageCheck = { usable: true; backend?: string } | { usable: false; reason: string };

/**
 * Whether safeStorage gives real protection here. On Linux the backend must be known and must not be
 * `basic_text` (Chromium's fallback that encrypts with a constant key: plaintext in all but name).
 * `unknown` is refused too: it means "asked before app ready", so nothing is known.
 */
export function checkSafeStorage(
  safeStorage: SafeStorageLike,
  platform: NodeJS.Platform = process.platform,
): SafeStorageCheck {
  let available = false;
  try {
    available = safeStorage.isEncryptionAvailable();
  } catch {
    available = false;
  }
  if (!available) return { usable: false, reason: 'Electron safeStorage has no encryption available.' };
  let backend: string | undefined;
  if (typeof safeStorage.getSelectedStorageBackend === 'function') {
    try {
      backend = safeStorage.getSelectedStorageBackend();
    } catch {
      backend = undefined;
    }
  }
  if (backend === 'basic_text') {
    return {
      usable: false,
      reason: 'Electron safeStorage would use the basic_text backend, which is not real encryption.',
    };
  }
  if (platform === 'linux' && (backend === undefined || backend === 'unknown')) {
    return { usable: false, reason: 'Electron safeStorage could not say which password store it uses.' };
  }
  return backend === undefined ? { usable: true } : { usable: true, backend };
}

export interface SafeStorageStoreOptions {
  safeStorage: SafeStorageLike;
  userDataDir: string;
  platform?: NodeJS.Platform;
}

/**
 * The key encrypted with Electron safeStorage, written to a file in user data (mode 0600, atomic:
 * temp file, fsync, rename, fsync the folder). Refuses to work on Linux's basic_text backend, and
 * re-checks before every call.
 */
export class SafeStorageStore implements SecretStore {
  readonly file: string;
  private readonly safeStorage: SafeStorageLike;
  private readonly platform: NodeJS.Platform;

  constructor(options: SafeStorageStoreOptions) {
    this.safeStorage = options.safeStorage;
    this.platform = options.platform ?? process.platform;
    this.file = safeStorageKeyFile(options.userDataDir);
    this.assertUsable();
  }

  status(): SecretStoreStatus {
    return {
      backend: 'safe-storage',
      persistent: true,
      note: "The system keychain did not answer, so the key is kept encrypted (Electron safeStorage) in the app's data folder.",
    };
  }

  async get(): Promise<string | null> {
    this.assertUsable();
    let data: Buffer;
    try {
      data = await readFile(this.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw secretStoreError('safe-storage', 'failed', 'The saved key could not be read.', error);
    }
    if (data.length === 0) return null;
    try {
      return this.safeStorage.decryptString(data);
    } catch {
      throw secretStoreError(
        'safe-storage',
        'unreadable',
        'The saved key could not be decrypted (it may come from another computer or user). Enter the key again.',
      );
    }
  }

  async set(key: string): Promise<void> {
    this.assertUsable();
    if (typeof key !== 'string' || key.length === 0) {
      throw secretStoreError('safe-storage', 'refused', 'An empty key cannot be stored.');
    }
    let cipher: Uint8Array;
    try {
      cipher = this.safeStorage.encryptString(key);
    } catch {
      throw secretStoreError('safe-storage', 'failed', 'The key could not be encrypted.');
    }
    try {
      await writeSecretFile(this.file, cipher);
    } catch (error) {
      throw secretStoreError('safe-storage', 'failed', 'The encrypted key could not be saved.', error, key);
    }
  }

  async clear(): Promise<void> {
    try {
      await rm(this.file, { force: true });
      await fsyncFolder(dirname(this.file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw secretStoreError('safe-storage', 'failed', 'The saved key could not be removed.', error);
    }
  }

  private assertUsable(): void {
    const check = checkSafeStorage(this.safeStorage, this.platform);
    if (!check.usable) throw secretStoreError('safe-storage', 'refused', check.reason);
  }
}

/** The ciphertext is readable by its owner only. */
const writeSecretFile = (file: string, data: Uint8Array): Promise<void> =>
  writeFileAtomic(file, data, { mode: 0o600, dirMode: 0o700 });
