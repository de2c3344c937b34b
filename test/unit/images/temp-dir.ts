import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/** A fresh temp folder for one test file, removed afterwards. Call at the top level of a test file. */
export function useTempDir(prefix = 'ccstudio-images-'): { readonly path: string } {
  const holder = { path: '' };
  beforeAll(async () => {
    holder.path = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    if (holder.path) await rm(holder.path, { recursive: true, force: true });
  });
  return holder;
}
