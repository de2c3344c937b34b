/**
 * Global setup of the unit project: bundles the command line (src/cli/main.ts) once per test run, as the
 * reliability suites bundle their workers, so each CLI test spawns a plain `node bundle.mjs` instead of
 * `node --import tsx` compiling the sources again on every spawn (about 1.5 s of processor each, ~40
 * spawns a run). Bundled from the sources at the start of the run, so it is never stale the way dist/
 * can be.
 */
import type { TestProject } from 'vitest/node';
import { workerCommand, type WorkerCommand } from '../reliability/common/bundle';
import { join } from 'node:path';
import { REPO_ROOT } from '../reliability/common/bundle';

let bundle: WorkerCommand | undefined;

export async function setup(project: TestProject): Promise<void> {
  bundle = await workerCommand(join(REPO_ROOT, 'src/cli/main.ts'));
  project.provide('cliArgs', bundle.args);
}

export async function teardown(): Promise<void> {
  await bundle?.dispose();
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** node's arguments that run the command line (the bundle made by setup). */
    cliArgs: string[];
  }
}
