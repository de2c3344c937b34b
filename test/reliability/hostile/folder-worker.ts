/**
 * Part 3 of the hostile-input suite, the child: opens one hostile project folder with the real runtime and
 * goes through every call that reads or rewrites what it holds (lists, each result, cut, export, contact
 * sheet, edits that rewrite a character or library keeping unknown fields, restores, refresh, rebuild,
 * a generation that reads a pose), each with a 10 s limit. Its own process, so a hang or a crash is
 * contained and seen by the parent.
 *
 * Every file-system call that reads or writes through node:fs is watched: a path whose real location is
 * outside the project, the user-data folder and the export folder is recorded (the parent also checks the
 * access times of the files it planted outside, which catches native reads such as sharp's).
 *
 * Prints one JSON line: { calls: [{ name, code, ms }], outside: [{ fn, path, real, write }] }.
 */
import type * as FS from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';

interface FolderConfig {
  projectDir: string;
  userDataDir: string;
  exportDir: string;
  /** Where the parent planted what the folder's links point at. */
  outsideDir: string;
  segmindUrl: string;
}

// The CommonJS objects, which can be patched (an ES module namespace cannot); syncBuiltinESMExports then
// carries the patches to every `import { open } from 'node:fs/promises'` in the app.
const fs = createRequire(import.meta.url)('node:fs') as typeof FS;
const config = JSON.parse(process.argv[2] ?? '{}') as FolderConfig;
const realpath = fs.realpathSync.native;

/** The real location of `path`, following links; for a path that does not exist yet, its nearest parent's. */
function realLocation(path: string): string {
  let current = resolve(path);
  const rest: string[] = [];
  for (let i = 0; i < 64; i++) {
    try {
      return join(realpath(current), ...rest);
    } catch {
      const parent = dirname(current);
      if (parent === current) return resolve(path);
      rest.unshift(current.slice(parent.length + 1));
      current = parent;
    }
  }
  return resolve(path);
}

const inside = (root: string, candidate: string) => {
  const rel = relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};
const allowed = [config.projectDir, config.userDataDir, config.exportDir].map((p) => realLocation(p));
/** What counts as "outside": the hostile folder's surroundings (where its links lead) and system files. */
const watchedRoot = realLocation(dirname(config.projectDir));
const SYSTEM = ['/dev/', '/etc/', '/proc/', '/sys/'];
const outside: { fn: string; path: string; real: string; write: boolean }[] = [];

type Arg = { at: number; write: boolean; follows: boolean };
/** Which arguments are paths, whether the call writes there, and whether it follows a link in the last step. */
const PATH_ARGS: Record<string, Arg[]> = {
  readFile: [{ at: 0, write: false, follows: true }],
  readdir: [{ at: 0, write: false, follows: true }],
  opendir: [{ at: 0, write: false, follows: true }],
  readFileSync: [{ at: 0, write: false, follows: true }],
  readdirSync: [{ at: 0, write: false, follows: true }],
  createReadStream: [{ at: 0, write: false, follows: true }],
  writeFile: [{ at: 0, write: true, follows: true }],
  writeFileSync: [{ at: 0, write: true, follows: true }],
  appendFile: [{ at: 0, write: true, follows: true }],
  createWriteStream: [{ at: 0, write: true, follows: true }],
  truncate: [{ at: 0, write: true, follows: true }],
  utimes: [{ at: 0, write: true, follows: true }],
  chmod: [{ at: 0, write: true, follows: true }],
  copyFile: [
    { at: 0, write: false, follows: true },
    { at: 1, write: true, follows: true },
  ],
  copyFileSync: [
    { at: 0, write: false, follows: true },
    { at: 1, write: true, follows: true },
  ],
  cp: [
    { at: 0, write: false, follows: true },
    { at: 1, write: true, follows: true },
  ],
  mkdir: [{ at: 0, write: true, follows: false }],
  mkdirSync: [{ at: 0, write: true, follows: false }],
  rm: [{ at: 0, write: true, follows: false }],
  rmdir: [{ at: 0, write: true, follows: false }],
  unlink: [{ at: 0, write: true, follows: false }],
  rename: [
    { at: 0, write: true, follows: false },
    { at: 1, write: true, follows: false },
  ],
  renameSync: [
    { at: 0, write: true, follows: false },
    { at: 1, write: true, follows: false },
  ],
  link: [
    { at: 0, write: false, follows: true },
    { at: 1, write: true, follows: false },
  ],
  symlink: [{ at: 1, write: true, follows: false }],
};

function opensForWriting(flags: unknown): boolean {
  if (typeof flags === 'string') return /[wa+]/.test(flags);
  if (typeof flags === 'number') return (flags & (fs.constants.O_WRONLY | fs.constants.O_RDWR)) !== 0;
  return false;
}

/** O_NOFOLLOW: a link in the last step is not opened (ELOOP), so nothing behind it is read or written. */
function opensWithoutFollowing(flags: unknown): boolean {
  return (
    typeof flags === 'number' &&
    fs.constants.O_NOFOLLOW !== undefined &&
    (flags & fs.constants.O_NOFOLLOW) !== 0
  );
}

function check(fn: string, args: unknown[]): void {
  const specs =
    fn === 'open' || fn === 'openSync'
      ? [{ at: 0, write: opensForWriting(args[1]), follows: !opensWithoutFollowing(args[1]) }]
      : (PATH_ARGS[fn] ?? []);
  for (const spec of specs) {
    const path = args[spec.at];
    if (typeof path !== 'string' && !(path instanceof URL) && !Buffer.isBuffer(path)) continue; // a file handle
    const text = path instanceof URL ? path.pathname : path.toString();
    // A call that does not follow a link in the last step acts on the link itself, where it is.
    const real = spec.follows
      ? realLocation(text)
      : join(realLocation(dirname(resolve(text))), resolve(text).slice(dirname(resolve(text)).length + 1));
    if (allowed.some((root) => inside(root, real))) continue;
    if (inside(watchedRoot, real) || SYSTEM.some((prefix) => real.startsWith(prefix)))
      outside.push({ fn, path: text, real, write: spec.write });
  }
}

// Watch node:fs and node:fs/promises (the named ESM exports follow via syncBuiltinESMExports).
const promises = fs.promises as unknown as Record<string, (...args: unknown[]) => unknown>;
const callback = fs as unknown as Record<string, (...args: unknown[]) => unknown>;
const names = ['open', ...Object.keys(PATH_ARGS)];
for (const target of [promises, callback]) {
  for (const name of names) {
    const original = target[name];
    if (typeof original !== 'function') continue;
    target[name] = function watched(this: unknown, ...args: unknown[]) {
      check(name, args);
      return original.apply(this, args);
    };
  }
}
syncBuiltinESMExports();

// Imported only now, so every module of the app binds to the watched functions.
const { MemoryStore } = await import('../../../src/secrets/memory-store');
const { dispatchCall } = await import('../../../src/services/dispatch');
const { createAppRuntime } = await import('../../../src/services/runtime');
const { consistentCharacterV1: v1 } = await import('../../../src/models');

const secrets = new MemoryStore();
await secrets.set('SG_0123456789abcdef');
const runtime = await createAppRuntime({
  userDataDir: config.userDataDir,
  platform: { shell: 'browser' },
  secrets,
  appVersion: 'hostile-folders',
  segmindBaseUrl: config.segmindUrl,
});

const calls: { name: string; code: string; ms: number }[] = [];
const LIMIT_MS = 10_000;
let hung = false;
async function call(name: string, input: unknown): Promise<unknown> {
  // After a hang the thread pool may be held by the blocked read: every later call would only wait too.
  if (hung) return undefined;
  const t0 = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<'hang'>((r) => {
    timer = setTimeout(() => r('hang'), LIMIT_MS);
  });
  const answer = await Promise.race([dispatchCall(runtime.handlers, name, input), hang]);
  clearTimeout(timer);
  const ms = Date.now() - t0;
  if (answer === 'hang') {
    hung = true;
    calls.push({ name, code: 'HANG', ms });
    return undefined;
  }
  calls.push({ name, code: answer.ok ? 'ok' : answer.error.code, ms });
  return answer.ok ? answer.value : undefined;
}

const opened = await call('projects.open', { dir: config.projectDir });
if (opened) {
  const characters =
    (
      (await call('characters.list', {})) as
        { characters?: { id: string; referenceImages: { id: string }[] }[] } | undefined
    )?.characters ?? [];
  const libraries =
    ((await call('poses.list', {})) as { libraries?: { id: string; poses: { id: string }[] }[] } | undefined)
      ?.libraries ?? [];
  await call('results.query', {});
  const ids = ((await call('results.queryIds', {})) as { ids?: string[] } | undefined)?.ids ?? [];
  await call('results.facets', {});
  const trash = ((await call('trash.list', {})) as { entries?: { id: string }[] } | undefined)?.entries ?? [];
  await call('presets.list', {});
  await call('jobs.list', {});
  for (const id of ids.slice(0, 8)) {
    await call('results.get', { id });
    await call('results.review', { ids: [id], rating: 2 });
    await call('results.cut', { id, again: true });
  }
  if (ids.length) {
    await call('results.export', {
      ids: ids.slice(0, 20),
      dir: join(config.exportDir, 'export'),
      includeReceipt: true,
    });
    await call('results.contactSheet', { ids: ids.slice(0, 20), file: join(config.exportDir, 'sheet.png') });
    await call('shell.showInFolder', { file: `results/${ids[0]}.jpg` });
    await call('generation.rerun', { resultId: ids[0], seed: 'same' });
  }
  for (const character of characters.slice(0, 5)) {
    await call('characters.get', { id: character.id });
    await call('characters.update', {
      id: character.id,
      changes: { notes: 'edited by the hostile-folder suite' },
    });
    await call('characters.duplicate', { id: character.id });
    await call('characters.promptPreview', { characterId: character.id });
  }
  for (const library of libraries.slice(0, 5)) {
    await call('poses.updateLibrary', { id: library.id, name: 'Renamed by the suite' });
    const pose = library.poses[0];
    if (pose) {
      await call('poses.update', { poseId: pose.id, changes: { name: 'Renamed pose' } });
      if (characters[0]) {
        await call('generation.enqueue', {
          modelId: v1.id,
          characterId: characters[0].id,
          poseId: pose.id,
          params: { upscale_by: 1 },
        });
      }
    }
  }
  for (const entry of trash.slice(0, 5)) await call('trash.restore', { id: entry.id });
  await call('results.refresh', {});
  await call('results.rebuildIndex', {});
  await call('trash.list', {});
  await call('projects.close', {});
}
const report = `${JSON.stringify({ calls, outside })}\n`;
if (hung) {
  // A thread blocked in a read never returns, and exiting would wait for it: report, then go at once.
  fs.writeSync(1, report);
  process.kill(process.pid, 'SIGKILL');
}
await runtime.dispose();
process.stdout.write(report);
process.exit(0);
