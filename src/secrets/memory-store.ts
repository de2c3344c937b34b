import { secretStoreError, type SecretStore, type SecretStoreStatus } from './secret-store';

export const MEMORY_STORE_NOTE =
  'No system keychain is available, so the key is kept in memory for this session only: you will need to enter it again after restarting the app.';

/** The last resort: the key lives in this process only and is gone when it exits. Never written anywhere. */
export class MemoryStore implements SecretStore {
  private key: string | null = null;

  constructor(private readonly note: string = MEMORY_STORE_NOTE) {}

  status(): SecretStoreStatus {
    return { backend: 'memory', persistent: false, note: this.note };
  }

  async get(): Promise<string | null> {
    return this.key;
  }

  async set(key: string): Promise<void> {
    if (typeof key !== 'string' || key.length === 0) {
      throw secretStoreError('memory', 'refused', 'An empty key cannot be stored.');
    }
    this.key = key;
  }

  async clear(): Promise<void> {
    this.key = null;
  }
}
