/**
 * Runs `ccstudio` as a person would: a separate process, its own arguments, environment and stdin, its exit
 * code and output captured. The command line is the bundle test/helpers/cli-bundle-setup.ts makes once per
 * run.
 */
import { spawn } from 'node:child_process';
import { inject } from 'vitest';
import { REPO_ROOT } from '../reliability/common/bundle';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** The whole environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  stdin?: string;
}

export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...inject('cliArgs'), ...args], {
      env: options.env ?? process.env,
      cwd: REPO_ROOT,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

/** The environment of a CLI run whose app data lives in `userData`. */
export const cliEnv = (userData: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  CCSTUDIO_USER_DATA: userData,
  ...extra,
});
