import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SafeStorageLike } from '../../../src/secrets/safe-storage-store';

/** A Segmind-shaped key made fresh for each test, so no test can pass by accident on a constant. */
export const freshKey = (): string => `SG_${randomBytes(8).toString('hex')}`;

/**
 * A stand-in for Electron's safeStorage that really encrypts (AES-256-GCM with a per-instance key), so a
 * test can check that the file on disk holds ciphertext and not the key.
 */
export function fakeSafeStorage(
  backend: string | null = 'gnome_libsecret',
  available = true,
): SafeStorageLike {
  const secret = randomBytes(32);
  const api: SafeStorageLike = {
    isEncryptionAvailable: () => available,
    encryptString: (plain) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', secret, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.from('v10'), iv, cipher.getAuthTag(), body]);
    },
    decryptString: (data) => {
      const iv = data.subarray(3, 15);
      const tag = data.subarray(15, 31);
      const decipher = createDecipheriv('aes-256-gcm', secret, iv);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(data.subarray(31)), decipher.final()]).toString('utf8');
    },
  };
  if (backend !== null) api.getSelectedStorageBackend = () => backend;
  return api;
}

/** Every way the key could be written as text or bytes. */
export function encodingsOf(key: string): Buffer[] {
  return [
    Buffer.from(key, 'utf8'),
    Buffer.from(key, 'utf16le'),
    Buffer.from(Buffer.from(key).toString('base64')),
    Buffer.from(Buffer.from(key).toString('hex')),
    Buffer.from(key.slice(3), 'utf8'),
  ];
}

/** A keytar that lives in a Map, for the success path. */
export function mapKeytar() {
  const entries = new Map<string, string>();
  const id = (s: string, a: string) => `${s}\u0000${a}`;
  return {
    entries,
    getPassword: async (s: string, a: string) => entries.get(id(s, a)) ?? null,
    setPassword: async (s: string, a: string, p: string) => {
      entries.set(id(s, a), p);
    },
    deletePassword: async (s: string, a: string) => entries.delete(id(s, a)),
  };
}
