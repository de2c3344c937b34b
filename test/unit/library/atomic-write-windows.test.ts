// writeFileAtomic on "Windows": process.platform is set to win32 and node:fs/promises' rename fails
// twice with EBUSY (a sync tool holding the target open), then renames for real. Without the retry in
// writeFileAtomic, the write would fail and the person's change would be lost.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type * as FsPromises from 'node:fs/promises';

const failures = vi.hoisted(() => ({ left: 0, calls: 0 }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof FsPromises>();
  return {
    ...real,
    rename: async (from: string, to: string) => {
      failures.calls++;
      if (failures.left > 0) {
        failures.left--;
        throw Object.assign(new Error('EBUSY: resource busy or locked, rename'), { code: 'EBUSY' });
      }
      return real.rename(from, to);
    },
  };
});

import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from '../../../src/library/atomic-write';
import { useTempDirs } from '../../helpers/temp-dir';

const tempDir = useTempDirs();
const realPlatform = process.platform;
const setPlatform = (value: NodeJS.Platform) =>
  Object.defineProperty(process, 'platform', { value, configurable: true });

beforeEach(() => {
  failures.calls = 0;
});
afterEach(() => {
  setPlatform(realPlatform);
});

describe('writeFileAtomic when the target is briefly held open (Windows)', () => {
  it('retries the rename and writes the new file whole', async () => {
    const dir = await tempDir();
    const file = join(dir, 'character.json');
    await writeFile(file, '{"name":"old"}');
    setPlatform('win32');
    failures.left = 2;
    await writeJsonAtomic(file, { name: 'new' });
    expect(failures.calls).toBe(3);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ name: 'new' });
    expect(await readdir(dir)).toEqual(['character.json']);
  });

  it('elsewhere the same error fails the write at once and leaves the old file and no temp file', async () => {
    const dir = await tempDir();
    const file = join(dir, 'character.json');
    await writeFile(file, '{"name":"old"}');
    setPlatform('linux');
    failures.left = 1;
    await expect(writeJsonAtomic(file, { name: 'new' })).rejects.toMatchObject({ code: 'EBUSY' });
    expect(failures.calls).toBe(1);
    expect(await readFile(file, 'utf8')).toBe('{"name":"old"}');
    expect(await readdir(dir)).toEqual(['character.json']);
  });
});
