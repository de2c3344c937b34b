import { describe, expect, it } from 'vitest';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../../../src/library/atomic-write';
import { useTempDirs } from '../../helpers/temp-dir';

const tempDir = useTempDirs();

describe('writeFileAtomic', () => {
  it('replaces the file whole and leaves no temp file behind', async () => {
    const dir = await tempDir();
    const file = join(dir, 'character.json');
    await writeFile(file, 'old');
    await writeJsonAtomic(file, { name: 'Ada' });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ name: 'Ada' });
    expect(await readdir(dir)).toEqual(['character.json']);
  });

  it('keeps the old file intact when the write fails midway', async () => {
    const dir = await tempDir();
    const file = join(dir, 'project.json');
    await writeFile(file, '{"keep":true}');
    // A value JSON cannot serialise fails before rename; a write into a missing parent that is a file fails in open.
    await expect(writeFileAtomic(join(file, 'nested.json'), 'x')).rejects.toThrow();
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await expect(writeJsonAtomic(file, circular)).rejects.toThrow();
    expect(await readFile(file, 'utf8')).toBe('{"keep":true}');
    expect(await readdir(dir)).toEqual(['project.json']);
  });

  it('never lets a concurrent reader see half a file', async () => {
    const dir = await tempDir();
    const file = join(dir, 'index.json');
    const big = (n: number) => ({ n, items: Array.from({ length: 20_000 }, (_, i) => `item-${n}-${i}`) });
    await writeJsonAtomic(file, big(0));
    let reads = 0;
    const writes = (async () => {
      for (let n = 1; n <= 15; n++) await writeJsonAtomic(file, big(n));
    })();
    let done = false;
    void writes.then(() => (done = true));
    while (!done) {
      const parsed = JSON.parse(await readFile(file, 'utf8')) as { n: number; items: string[] };
      expect(parsed.items).toHaveLength(20_000);
      reads++;
    }
    await writes;
    expect(reads).toBeGreaterThan(0);
  });
});
