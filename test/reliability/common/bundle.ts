/**
 * Bundles a worker script into one ES module (esbuild, as scripts/build.mjs does for the app), so a child
 * process starts in a fraction of the time `node --import tsx` takes to compile the sources on every
 * start. The bundle lives in a temp folder whose node_modules links to the repository's, so what is left
 * external (native addons, keytar) resolves as usual.
 */
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface WorkerCommand {
  /** node's arguments before the worker's own. */
  args: string[];
  /** How it was made, for the log. */
  mode: 'bundle' | 'tsx';
  /** Removes the bundle's temp folder (nothing for tsx: the sources stay where they are). */
  dispose(): Promise<void>;
}

/** `mode` 'tsx' skips the bundle (RELIABILITY_WORKER_MODE=tsx, to debug the worker from its sources). */
export async function workerCommand(
  entry: string,
  mode = process.env.RELIABILITY_WORKER_MODE,
): Promise<WorkerCommand> {
  if (mode === 'tsx')
    return { args: ['--import', 'tsx', entry], mode: 'tsx', dispose: async () => undefined };
  const dir = await mkdtemp(join(tmpdir(), 'ccstudio-worker-'));
  await symlink(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const outfile = join(dir, 'worker.mjs');
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // sharp's JavaScript is bundled too (its many small files, semver's above all, took half the start);
    // its native addon is loaded from node_modules as usual.
    external: ['keytar', 'electron', 'better-sqlite3', '*.node'],
    banner: {
      js: "import { createRequire as __ccCreateRequire } from 'node:module'; const require = __ccCreateRequire(import.meta.url);",
    },
    logLevel: 'warning',
    // No source map: parsing one on every start costs more than the rest of the start together.
  });
  return {
    args: [outfile],
    mode: 'bundle',
    dispose: () => rm(dir, { recursive: true, force: true }).catch(() => undefined),
  };
}
