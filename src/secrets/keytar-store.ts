import {
  DEFAULT_SECRET_TIMEOUT_MS,
  SECRET_ACCOUNT,
  SECRET_SERVICE,
  secretStoreError,
  withTimeout,
  type SecretStore,
  type SecretStoreStatus,
} from './secret-store';

/** The three keytar functions the app uses (keytar 7.9's own signatures). */
export interface KeytarLike {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

export type KeytarLoader = () => Promise<KeytarLike>;

/**
 * Loads keytar only when first needed, so a missing or broken native build (or no libsecret) is a
 * reported failure, never a crash at import. A dynamic import works in the ESM sources (vitest, tsx)
 * and in esbuild's CJS bundles, where keytar stays external.
 */
export const loadKeytar: KeytarLoader = async () => {
  const mod = (await import('keytar')) as KeytarLike & { default?: KeytarLike };
  const api = mod.default && typeof mod.default.getPassword === 'function' ? mod.default : mod;
  if (typeof api.getPassword !== 'function') throw new Error('keytar did not export getPassword');
  return api;
};

export interface KeytarStoreOptions {
  loader?: KeytarLoader;
  /** Bound on every keychain call; 10 s unless a test passes something small. */
  timeoutMs?: number;
  service?: string;
  account?: string;
}

export type KeychainProbe =
  { ok: true } | { ok: false; reason: 'not-loaded' | 'unavailable' | 'timeout' | 'failed'; message: string };

/**
 * The OS keychain (macOS Keychain, Windows Credential Manager, libsecret on Linux) through keytar.
 * Every call is bounded by `timeoutMs`: a keychain that does not answer becomes an error, never a hang.
 */
export class KeytarStore implements SecretStore {
  private readonly loader: KeytarLoader;
  private readonly timeoutMs: number;
  private readonly service: string;
  private readonly account: string;
  private loading: Promise<KeytarLike> | undefined;

  constructor(options: KeytarStoreOptions = {}) {
    this.loader = options.loader ?? loadKeytar;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_SECRET_TIMEOUT_MS;
    this.service = options.service ?? SECRET_SERVICE;
    this.account = options.account ?? SECRET_ACCOUNT;
  }

  status(): SecretStoreStatus {
    return { backend: 'keychain', persistent: true, note: 'The key is kept in the system keychain.' };
  }

  /** One bounded read to learn whether keytar loads and a keychain answers. Never throws. */
  async probe(): Promise<KeychainProbe> {
    try {
      await this.get();
      return { ok: true };
    } catch (error) {
      const reason = (error as { detail?: { reason?: string } }).detail?.reason;
      return {
        ok: false,
        reason:
          reason === 'not-loaded' || reason === 'unavailable' || reason === 'timeout' ? reason : 'failed',
        message: describeProbeFailure(error),
      };
    }
  }

  async get(): Promise<string | null> {
    const keytar = await this.keytar();
    return this.bounded('read', () => keytar.getPassword(this.service, this.account));
  }

  async set(key: string): Promise<void> {
    if (typeof key !== 'string' || key.length === 0) {
      throw secretStoreError('keychain', 'refused', 'An empty key cannot be stored.');
    }
    const keytar = await this.keytar();
    await this.bounded('save', () => keytar.setPassword(this.service, this.account, key), key);
  }

  async clear(): Promise<void> {
    const keytar = await this.keytar();
    await this.bounded('remove', () => keytar.deletePassword(this.service, this.account));
  }

  private keytar(): Promise<KeytarLike> {
    this.loading ??= this.loader().catch((error: unknown) => {
      // Allow a later call to try again (a keychain daemon may start later), but report this one.
      this.loading = undefined;
      throw secretStoreError(
        'keychain',
        'not-loaded',
        'The system keychain cannot be used on this computer (keytar did not load).',
        error,
      );
    });
    return this.loading;
  }

  private async bounded<T>(
    what: 'read' | 'save' | 'remove',
    call: () => Promise<T>,
    secret?: string,
  ): Promise<T> {
    const seconds = Math.max(1, Math.round(this.timeoutMs / 1000));
    let work: Promise<T>;
    try {
      work = Promise.resolve(call());
    } catch (error) {
      work = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    try {
      return await withTimeout(work, this.timeoutMs, () =>
        secretStoreError(
          'keychain',
          'timeout',
          `The system keychain did not answer within ${seconds} s, so the key could not be ${pastTense[what]}.`,
        ),
      );
    } catch (error) {
      if ((error as { detail?: { reason?: string } }).detail?.reason === 'timeout') throw error;
      if (NO_KEYCHAIN_SERVICE.test(error instanceof Error ? error.message : String(error))) {
        throw secretStoreError(
          'keychain',
          'unavailable',
          'No system keychain service is running.',
          error,
          secret,
        );
      }
      throw secretStoreError(
        'keychain',
        'failed',
        `The system keychain refused to ${what} the key. It may be locked: unlock it and try again.`,
        error,
        secret,
      );
    }
  }
}

/** libsecret's ways of saying "there is no keychain service to talk to" (as opposed to a refusal). */
const NO_KEYCHAIN_SERVICE =
  /autolaunch D-Bus|D-Bus|DBus|not provided by any \.service|ServiceUnknown|org\.freedesktop\.secrets/i;

const pastTense = { read: 'read', save: 'saved', remove: 'removed' } as const;

const describeProbeFailure = (error: unknown): string => {
  const message = error instanceof Error ? error.message : 'The system keychain failed.';
  const cause = (error as { detail?: { cause?: unknown } }).detail?.cause;
  return typeof cause === 'string' ? `${message} (${cause})` : message;
};
