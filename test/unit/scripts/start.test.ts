import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const START = resolve(__dirname, '../../../scripts/start.mjs');
const ROOT = resolve(__dirname, '../../..');

/** Runs the start wrapper with Electron's binary looked up in `dir` (Electron's own override variable). */
function start(dir: string) {
  return spawnSync(process.execPath, [START, '--flag-for-the-app'], {
    env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: dir },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('npm start', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('without Electron’s binary says so in one line, names `npm run host`, and prints no stack', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ccstudio-no-electron-'));
    const run = start(dir);
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^Electron's binary is missing .*run `npm run host` to use the app in your browser/,
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).toBe('');
  });

  it('with the binary, opens the app folder in it and passes the exit code through', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ccstudio-fake-electron-'));
    const fake = join(dir, 'electron');
    await writeFile(fake, '#!/bin/sh\necho "launched with: $*"\nexit 7\n');
    await chmod(fake, 0o755);
    const run = start(dir);
    expect(run.stdout.trim()).toBe(`launched with: ${ROOT} --flag-for-the-app`);
    expect(run.status).toBe(7);
  });
});
