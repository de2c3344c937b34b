// `npm start` after the build: opens the app in Electron. Electron 42 and later download their binary on
// first use; where that cannot happen (no internet, a blocked download), this says so in one line and
// names the browser host, instead of the stack trace `electron .` prints.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** Where Electron's own launcher would look for the binary, without triggering its download. */
function electronBinary() {
  const packageDir = dirname(require.resolve('electron/package.json', { paths: [root] }));
  const pathFile = join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH)
    return join(process.env.ELECTRON_OVERRIDE_DIST_PATH, relative || 'electron');
  return { packageDir, binary: relative ? join(packageDir, 'dist', relative) : null };
}

function missing(reason) {
  console.error(
    `Electron's binary is missing (${reason}): run \`npm run host\` to use the app in your browser instead.`,
  );
  process.exit(1);
}

let found = electronBinary();
let binary = typeof found === 'string' ? found : found.binary;
if (typeof found !== 'string' && (!binary || !existsSync(binary))) {
  // First start on a machine with internet: fetch it now, quietly (its own output is a stack on failure).
  if (process.stdout.isTTY) console.log('Downloading Electron (first start only)…');
  const download = spawnSync(process.execPath, [join(found.packageDir, 'install.js')], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  found = electronBinary();
  binary = typeof found === 'string' ? found : found.binary;
  if (download.status !== 0 || !binary || !existsSync(binary))
    missing('its download failed; is this machine offline?');
}
if (!existsSync(binary)) missing(`nothing at ${binary}`);

const child = spawn(binary, [root, ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('close', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
