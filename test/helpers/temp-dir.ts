import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach } from 'vitest';

/** A fresh folder per test, removed afterwards: tests never share or touch real data. */
export function useTempDirs(): () => Promise<string> {
  return tempDirsRemovedBy(afterEach);
}

/** Folders made once for a whole file (in beforeAll), removed after its last test. */
export function useSuiteTempDirs(): () => Promise<string> {
  return tempDirsRemovedBy(afterAll);
}

function tempDirsRemovedBy(hook: typeof afterAll): () => Promise<string> {
  const made: string[] = [];
  hook(async () => {
    await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ccstudio-test-'));
    made.push(dir);
    return dir;
  };
}
