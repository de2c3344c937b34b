import { z } from 'zod';

/**
 * Ids name files and folders on disk, so they are restricted to a safe alphabet: lower-case base36,
 * time-first so that a folder listing sorts by creation.
 */
/** Web Crypto exists in Node 20, Electron and browsers; declared here because this folder has no DOM or Node types. */
declare const crypto: { getRandomValues<T extends Uint8Array>(array: T): T };

export const IdSchema = z.string().regex(/^[a-z0-9]{8,40}$/, 'not a valid id');
export type Id = z.infer<typeof IdSchema>;

export function newId(now: number = Date.now()): Id {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  let random = '';
  for (const b of bytes) random += (b % 36).toString(36);
  return now.toString(36).padStart(9, '0') + random;
}

export const IsoDateSchema = z.iso.datetime({ offset: true });
export const nowIso = (): string => new Date().toISOString();
