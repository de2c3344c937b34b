import { AppError } from '../domain/errors';

/**
 * The port every part of the app uses for the Segmind API key. Implementations: the OS keychain through
 * keytar (keytar-store.ts), Electron safeStorage ciphertext in user data (safe-storage-store.ts), and
 * memory for this session only (memory-store.ts). choose-secret-store.ts picks one. There is no
 * plaintext implementation, on purpose.
 *
 * The key never appears in an error message, an error's detail, or a log line: errors thrown by a
 * store are AppErrors whose message and detail are written here, and any text that comes from a
 * backend (keytar's own messages) is passed through `scrubSecretText` first.
 */
export type SecretBackend = 'keychain' | 'safe-storage' | 'memory';

export interface SecretStoreStatus {
  backend: SecretBackend;
  /** True when the key survives a restart. */
  persistent: boolean;
  /** One sentence for the person: why this backend, and what it means for them. */
  note?: string;
}

export interface SecretStore {
  status(): SecretStoreStatus;
  /** The stored key, or null when none is stored. */
  get(): Promise<string | null>;
  set(key: string): Promise<void>;
  clear(): Promise<void>;
}

/** The keychain entry the desktop app and the CLI share. */
export const SECRET_SERVICE = 'Consistent Character Studio';
export const SECRET_ACCOUNT = 'segmind-api-key';
/** No keychain call may hang the app: each one is bounded, 10 s by default. */
export const DEFAULT_SECRET_TIMEOUT_MS = 10_000;

/**
 * not-loaded: keytar's native module did not load; unavailable: no keychain service is running;
 * timeout: no answer within the bound; failed: the keychain answered with an error (e.g. locked);
 * refused: this store will not work here (basic_text, empty key); unreadable: stored data cannot be decrypted.
 */
export type SecretFailure = 'not-loaded' | 'unavailable' | 'timeout' | 'failed' | 'refused' | 'unreadable';

/**
 * The one way a store reports a failure. INTERNAL is the closest existing code (the person's fix is to
 * try again or restart); `detail.backend` and `detail.reason` tell the UI and the logs which backend
 * failed and how. `cause`, if given, is scrubbed of the key and of anything key-shaped.
 */
export function secretStoreError(
  backend: SecretBackend,
  reason: SecretFailure,
  message: string,
  cause?: unknown,
  secret?: string,
): AppError {
  const detail: Record<string, unknown> = { backend, reason };
  if (cause !== undefined) detail.cause = scrubSecretText(describeCause(cause), secret);
  return new AppError('INTERNAL', message, detail);
}

/** Removes the given secret (if any) and anything that looks like a Segmind key; caps the length. */
export function scrubSecretText(text: string, secret?: string | null): string {
  let out = text;
  if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  out = out.replace(/SG_[0-9A-Za-z]{4,}/g, 'SG_[redacted]');
  return out.length > 300 ? `${out.slice(0, 300)}…` : out;
}

const describeCause = (cause: unknown): string => {
  if (cause instanceof Error) return cause.message;
  if (typeof cause === 'string') return cause;
  return 'unknown error';
};

/**
 * Races `work` against a timer. On timeout the returned promise rejects with a TIMEOUT-reason error;
 * the underlying call (a native keychain call cannot be cancelled) is left to finish on its own, and a
 * late rejection from it is swallowed so it never becomes an unhandled rejection.
 */
export function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    timer.unref?.();
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

export type KeyShape =
  | { ok: true; key: string; shape: 'segmind' }
  | { ok: true; key: string; shape: 'unusual'; warning: string }
  | { ok: false; reason: string };

/** Segmind's keys as issued today: "SG_" and 16 hex digits. */
export const SEGMIND_KEY_PATTERN = /^SG_[0-9a-f]{16}$/i;

/**
 * Checks what the person pasted before it is stored.
 *
 * Decision: surrounding whitespace (a paste artifact) is trimmed. A key that cannot be sent at all is
 * refused: empty, shorter than 8 or longer than 256 characters, or containing whitespace, control
 * characters or anything outside printable ASCII (it goes into an HTTP header, where a line break would
 * be header injection). Anything else is accepted; a key that is not "SG_" + 16 hex digits is accepted
 * with a warning rather than refused, because Segmind may change its key format and a false refusal
 * would lock the person out. Segmind itself is the final judge (401 → KEY_REJECTED).
 * Neither the reason nor the warning ever contains the key.
 */
export function validateKeyShape(input: string): KeyShape {
  if (typeof input !== 'string') return { ok: false, reason: 'The key must be text.' };
  const key = input.trim();
  if (key.length === 0) return { ok: false, reason: 'The key is empty.' };
  if (key.length < 8) return { ok: false, reason: 'The key is too short to be a Segmind API key.' };
  if (key.length > 256) return { ok: false, reason: 'The key is too long to be a Segmind API key.' };
  if (!/^[\x21-\x7e]+$/.test(key)) {
    return {
      ok: false,
      reason: 'The key contains spaces, line breaks or characters that cannot be part of a Segmind API key.',
    };
  }
  if (SEGMIND_KEY_PATTERN.test(key)) return { ok: true, key, shape: 'segmind' };
  return {
    ok: true,
    key,
    shape: 'unusual',
    warning:
      'This does not look like a Segmind API key (those start with "SG_" followed by 16 characters from 0-9 and a-f). It was kept; Segmind will tell us if it is wrong.',
  };
}
