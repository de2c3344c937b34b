// Builds everything the app runs:
//   dist/main/main.cjs, dist/main/preload.cjs   Electron main and the sandboxed preload (esbuild, CJS)
//   dist/host/host.cjs                          the browser host (esbuild)
//   dist/cli/ccstudio.cjs                       the command line (esbuild)
//   dist/renderer/                              the React UI (Vite)
// Why esbuild for the Node side rather than electron-vite: main, preload, host and CLI are four plain
// Node bundles with the same externals; one small script says exactly what is built, and Vite stays a
// pure web build that the browser host and Electron load identically.
import { build } from 'esbuild';
import { build as viteBuild } from 'vite';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
await rm(dist, { recursive: true, force: true });

// Native modules and electron stay outside the bundle; electron-builder unpacks keytar and sharp.
const external = ['electron', 'keytar', 'sharp', 'better-sqlite3'];
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external,
  sourcemap: 'linked',
  logLevel: 'warning',
  absWorkingDir: root,
};

await Promise.all([
  build({
    ...common,
    entryPoints: { main: 'main/main.ts' },
    outdir: join(dist, 'main'),
    outExtension: { '.js': '.cjs' },
  }),
  // A sandboxed preload can require only a few built-ins: everything else must be inside its bundle.
  build({
    ...common,
    entryPoints: { preload: 'main/preload.ts' },
    outdir: join(dist, 'main'),
    outExtension: { '.js': '.cjs' },
    sourcemap: false,
  }),
  build({
    ...common,
    entryPoints: { host: 'src/host/host-cli.ts' },
    outdir: join(dist, 'host'),
    outExtension: { '.js': '.cjs' },
  }),
  build({
    ...common,
    entryPoints: { ccstudio: 'src/cli/main.ts' },
    outdir: join(dist, 'cli'),
    outExtension: { '.js': '.cjs' },
    banner: { js: '#!/usr/bin/env node' },
  }),
  viteBuild({ configFile: join(root, 'renderer', 'vite.config.ts'), logLevel: 'warn' }),
]);
console.log('built dist/ (main, preload, host, cli, renderer)');
