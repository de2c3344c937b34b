/**
 * An archive of a 10,000-result project streams: memory stays bounded (measured in a process of its
 * own) and progress is reported along the way. The fixture is small files written straight to disk in
 * the project layout (test/bench/synthetic-project.ts), about 20,000 of them.
 */
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createProject } from '../../../src/library/project-store';
import { seeded, writeCharacters, writeResults } from '../../bench/synthetic-project';
import { makeImage } from '../../fixtures-gen/simple-images';
import { useTempDirs } from '../../helpers/temp-dir';

const tempDir = useTempDirs();
const ROOT = resolve(__dirname, '../../..');
const RESULTS = 10_000;

describe('a project archive of 10,000 results', () => {
  it('streams with progress in bounded memory', { timeout: 180_000 }, async () => {
    const work = await tempDir();
    const projectDir = join(work, 'Big book');
    const base = Date.parse('2024-01-01T00:00:00Z');
    await (await createProject(projectDir, 'Big book')).close();
    const characters = await writeCharacters(projectDir, { count: 3, base, describe: (i) => `hero ${i}` });
    await writeResults(projectDir, {
      count: RESULTS,
      base,
      random: seeded(1),
      characters,
      poseIds: ['0mx3coguxw68cqpr4'],
      jpeg: await makeImage('jpeg', 48, 32),
      shape: () => ({ width: 48, height: 32, receipt: { headers: { cost: 0.13 } } }),
    });

    const zipFile = join(work, 'big.zip');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'test/integration/archive/export-memory-child.ts'), projectDir, zipFile],
      { cwd: ROOT, maxBuffer: 1024 * 1024 },
    );
    const measured = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
      growthBytes: number;
      progressEvents: number;
      lastDone: number;
      files: number;
      bytes: number;
    };
    console.log(
      `[archive] ${measured.files} files, ${(measured.bytes / 1024 ** 2).toFixed(1)} MB of project, ` +
        `zip ${((await stat(zipFile)).size / 1024 ** 2).toFixed(1)} MB, peak RSS growth ` +
        `${(measured.growthBytes / 1024 ** 2).toFixed(1)} MB, ${measured.progressEvents} progress reports`,
    );
    expect(measured.files).toBe(2 * RESULTS + 3 + 1); // images and receipts, characters, project.json
    expect(measured.lastDone).toBe(measured.files);
    expect(measured.progressEvents).toBeGreaterThan(1);
    // Bounded: the central directory (a few hundred bytes an entry) and buffers, never the project.
    expect(measured.growthBytes).toBeLessThan(100 * 1024 * 1024);
  });
});
