/**
 * Part 3 of the hostile-input suite, the parent: builds hostile project folders from one ordinary project
 * (a character with a reference, a pose library, a generated result and a cut, a trash entry, a preset)
 * and opens each in its own child (folder-worker.ts). Each must open or be refused with a typed error,
 * without a crash, without a call hanging over 10 s, and without reading or writing anything outside the
 * project: the child watches node:fs, and the parent resets the access time of everything it planted
 * outside before the child runs and checks it after (which also catches reads by native code).
 */
import { spawn, execFileSync } from 'node:child_process';
import {
  appendFile,
  cp,
  lstat,
  mkdir,
  readFile,
  readdir,
  rm,
  stat,
  symlink,
  unlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { ResultsIndexDb } from '../../../src/library/workspace/results-index-db';
import { CHANGES_FILE_NAME } from '../../../src/library/workspace/pose-library-file';
import type { WorkerCommand } from '../common/bundle';
import { diffTrees, sameTree, snapshotTree } from '../common/tree';

export interface FolderFigures {
  folders: number;
  crashes: number;
  hangs: number;
  outsideReads: number;
  outsideWrites: number;
  internal: number;
  problems: string[];
  /** One line per folder: its name and what each call answered. */
  lines: string[];
}

interface Base {
  dir: string;
  characterId: string;
  referenceFile: string;
  libraryId: string;
  poseFile: string;
  resultId: string;
  resultFile: string;
  trashId: string;
}

type Build = (dir: string, outside: string, base: Base) => Promise<void>;

const read = async (file: string): Promise<Record<string, unknown>> =>
  JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
const write = (file: string, value: unknown) => writeFile(file, JSON.stringify(value, null, 2));

/** Moves `rel` out of the project into `outside/<name>` and leaves a link to it in its place. */
async function linkOut(dir: string, rel: string, outside: string, name: string): Promise<void> {
  const target = join(outside, name);
  await rm(target, { recursive: true, force: true });
  await cp(join(dir, rel), target, { recursive: true });
  await rm(join(dir, rel), { recursive: true, force: true });
  await symlink(target, join(dir, rel));
}

/** Nested `depth` deep, as text (JSON.stringify itself would overflow the stack building it). */
const deepArrays = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
const deepObjects = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/** Adds an unknown field holding `nested` (JSON text) to a JSON file. */
async function addDeepField(file: string, nested: string): Promise<void> {
  const text = (await readFile(file, 'utf8')).trimEnd();
  await writeFile(file, `${text.slice(0, -1)}, "fromTheFuture": ${nested}}`);
}

const FOLDERS: Record<string, Build> = {
  'result image linked outside': async (dir, outside, b) => {
    await linkOut(dir, b.resultFile, outside, 'result.jpg');
  },
  'receipt linked outside': async (dir, outside, b) => {
    await linkOut(dir, `results/${b.resultId}.json`, outside, 'receipt.json');
  },
  'character folder linked outside': async (dir, outside, b) => {
    await linkOut(dir, `characters/${b.characterId}`, outside, 'character-folder');
  },
  'character.json linked outside': async (dir, outside, b) => {
    await linkOut(dir, `characters/${b.characterId}/character.json`, outside, 'character.json');
  },
  'reference image linked outside': async (dir, outside, b) => {
    await linkOut(dir, b.referenceFile, outside, 'reference.png');
  },
  'library.json linked outside': async (dir, outside, b) => {
    await linkOut(dir, `poses/${b.libraryId}/library.json`, outside, 'library.json');
  },
  'library change log linked outside': async (dir, outside, b) => {
    const log = `poses/${b.libraryId}/${CHANGES_FILE_NAME}`;
    await appendFile(
      join(dir, log),
      `${JSON.stringify({ updatedAt: new Date().toISOString(), set: { name: 'Logged' } })}\n`,
    );
    await linkOut(dir, log, outside, 'changes.jsonl');
  },
  'library change log a named pipe': async (dir, _outside, b) => {
    execFileSync('mkfifo', [join(dir, `poses/${b.libraryId}/${CHANGES_FILE_NAME}`)]);
  },
  'pose image linked outside': async (dir, outside, b) => {
    await linkOut(dir, b.poseFile, outside, 'pose.png');
  },
  'project.json linked outside': async (dir, outside) => {
    await linkOut(dir, 'project.json', outside, 'project.json');
  },
  'results folder linked outside': async (dir, outside) => {
    await linkOut(dir, 'results', outside, 'results');
  },
  'poses folder linked outside': async (dir, outside) => {
    await linkOut(dir, 'poses', outside, 'poses');
  },
  '.studio linked outside': async (dir, outside) => {
    await linkOut(dir, '.studio', outside, 'studio');
  },
  'trash entry files linked outside': async (dir, outside, b) => {
    await linkOut(dir, `trash/${b.trashId}/files`, outside, 'trash-files');
  },
  'links to /dev/zero': async (dir, _outside, b) => {
    await unlink(join(dir, b.resultFile));
    await symlink('/dev/zero', join(dir, b.resultFile));
    await unlink(join(dir, b.poseFile));
    await symlink('/dev/zero', join(dir, b.poseFile));
    await unlink(join(dir, `characters/${b.characterId}/character.json`));
    await symlink('/dev/zero', join(dir, `characters/${b.characterId}/character.json`));
  },
  'links in loops': async (dir, _outside, b) => {
    const receipt = join(dir, `results/${b.resultId}.json`);
    await unlink(receipt);
    await symlink(receipt, receipt);
    const library = join(dir, `poses/${b.libraryId}/library.json`);
    await unlink(library);
    await symlink(join(dir, 'poses', b.libraryId), library);
  },
  '.. in recorded paths': async (dir, outside, b) => {
    // Copies of the real files where the `..` paths lead, so a read of them would find something.
    await cp(join(dir, b.resultFile), join(outside, 'result.jpg'));
    await cp(join(dir, b.poseFile), join(outside, 'pose.png'));
    const receiptFile = join(dir, `results/${b.resultId}.json`);
    const receipt = await read(receiptFile);
    await write(receiptFile, { ...receipt, file: `results/../../${outside.split('/').pop()}/result.jpg` });
    const libraryFile = join(dir, `poses/${b.libraryId}/library.json`);
    const library = await read(libraryFile);
    const poses = (library.poses as Record<string, unknown>[]).map((p) => ({
      ...p,
      image: {
        ...(p.image as object),
        file: `poses/${b.libraryId}/../../../${outside.split('/').pop()}/pose.png`,
      },
    }));
    await write(libraryFile, { ...library, poses });
    const characterFile = join(dir, `characters/${b.characterId}/character.json`);
    const character = await read(characterFile);
    const refs = (character.referenceImages as Record<string, unknown>[]).map((r) => ({
      ...r,
      file: '/etc/hostname',
    }));
    await write(characterFile, { ...character, referenceImages: refs });
    const entryFile = join(dir, `trash/${b.trashId}/entry.json`);
    const entry = await read(entryFile);
    await write(entryFile, { ...entry, moves: ['characters/../../outside-target', '../outside', '/etc'] });
  },
  '.. in names': async (dir) => {
    for (const name of ['..hidden', '...', 'a..b', '.. ', '..json']) {
      await mkdir(join(dir, 'characters', name), { recursive: true });
      await write(join(dir, 'characters', name, 'character.json'), { id: '..', name: '..' });
      await mkdir(join(dir, 'poses', name), { recursive: true });
      await writeFile(join(dir, 'results', `${name}.json`), '{}');
      await writeFile(join(dir, 'results', `${name}.jpg`), 'not a picture');
    }
    await mkdir(join(dir, 'trash', '..x', 'files'), { recursive: true });
    const project = await read(join(dir, 'project.json'));
    await write(join(dir, 'project.json'), { ...project, name: '../../etc/passwd' });
  },
  'hostile results index': async (dir, outside, b) => {
    const entry = {
      id: b.resultId,
      file: `results/../../${outside.split('/').pop()}/result.jpg`,
      width: 1,
      height: 1,
      createdAt: new Date().toISOString(),
      t: Date.now(),
      modelId: 'x',
      characterId: b.characterId,
      poseId: b.characterId,
      rating: 9,
      flag: 'pick' as const,
      tags: [],
      seed: null,
      cost: null,
      m: 0,
      s: 0,
    };
    // Written through the app's own index module, which stores rows as given: the open must check
    // them (as it would a file made by anything else) before trusting one.
    const results = await stat(join(dir, 'results'));
    const { db } = await ResultsIndexDb.open(join(dir, '.studio', 'results-index.sqlite'), {
      readOnly: false,
    });
    db.apply({
      put: [
        { entry, imageMissing: false },
        { entry: { ...entry, id: '0mx2zzzzzzzzzzzzz', file: '/etc/passwd' }, imageMissing: false },
        { entry: { ...entry, id: '..', file: 'results/..' }, imageMissing: true },
      ],
    });
    db.finishRebuild(results.mtimeMs);
    db.close();
  },
  'huge JSON': async (dir, _outside, b) => {
    const characterFile = join(dir, `characters/${b.characterId}/character.json`);
    const character = await read(characterFile);
    await writeFile(characterFile, JSON.stringify({ ...character, notes: 'n'.repeat(16_000_000) }));
    const libraryFile = join(dir, `poses/${b.libraryId}/library.json`);
    const library = await read(libraryFile);
    const pose = (library.poses as Record<string, unknown>[])[0] ?? {};
    const poses = Array.from({ length: 8000 }, (_, i) => ({
      ...pose,
      id: `0mx2${i.toString(36).padStart(13, '0')}`,
      name: `Pose ${i}`,
    }));
    await writeFile(libraryFile, JSON.stringify({ ...library, poses }));
    const receiptFile = join(dir, `results/${b.resultId}.json`);
    const receipt = await read(receiptFile);
    await writeFile(receiptFile, JSON.stringify({ ...receipt, fromTheFuture: 'x'.repeat(10_000_000) }));
  },
  'deeply nested JSON': async (dir, _outside, b) => {
    await addDeepField(join(dir, `characters/${b.characterId}/character.json`), deepArrays(200_000));
    await addDeepField(join(dir, `poses/${b.libraryId}/library.json`), deepObjects(100_000));
    await appendFile(
      join(dir, `poses/${b.libraryId}/${CHANGES_FILE_NAME}`),
      `{"updatedAt":"2026-11-30T10:00:00.000Z","put":[${deepObjects(100_000)}]}\n`,
    );
    await addDeepField(join(dir, `results/${b.resultId}.json`), deepArrays(200_000));
    await addDeepField(join(dir, `trash/${b.trashId}/entry.json`), deepArrays(100_000));
    await writeFile(join(dir, 'presets.json'), deepArrays(300_000));
  },
  // On its own: a damaged project.json (nested too deep to save again) refuses the whole project, which
  // would hide what the files above do.
  'deeply nested project.json': async (dir) => {
    await addDeepField(join(dir, 'project.json'), deepObjects(100_000));
  },
  'wrong kinds of file': async (dir, _outside, b) => {
    await rm(join(dir, `characters/${b.characterId}/character.json`));
    await mkdir(join(dir, `characters/${b.characterId}/character.json`));
    await rm(join(dir, 'presets.json'), { force: true });
    await mkdir(join(dir, 'presets.json'));
    for (const suffix of ['', '-wal', '-shm'])
      await rm(join(dir, '.studio', `results-index.sqlite${suffix}`), { force: true });
    await mkdir(join(dir, '.studio', 'results-index.sqlite'));
    await writeFile(join(dir, 'results', '0mx2zzzzzzzzzzzzy.json'), 'null');
    await writeFile(join(dir, 'results', '0mx2zzzzzzzzzzzzx.json'), '[]');
  },
  'named pipes': async (dir, _outside, b) => {
    for (const rel of [
      `characters/${b.characterId}/character.json`,
      `results/${b.resultId}.json`,
      `poses/${b.libraryId}/library.json`,
    ]) {
      await rm(join(dir, rel));
      execFileSync('mkfifo', [join(dir, rel)]);
    }
  },
};

/** The ordinary project every hostile folder starts from. */
export async function buildBase(
  dir: string,
  call: (name: string, input: unknown) => Promise<unknown>,
  pose: Buffer,
  reference: Buffer,
  waitForResult: () => Promise<string>,
): Promise<Base> {
  await call('projects.create', { dir, name: 'Hostile folder' });
  const character = (await call('characters.create', {
    name: 'Mira',
    description: 'a girl in a red coat',
  })) as { id: string };
  const refs = (await call('characters.addReferences', {
    id: character.id,
    sources: [{ name: 'ref.png', dataBase64: reference.toString('base64') }],
  })) as { added: { file: string }[] };
  const imported = (await call('poses.import', {
    newLibraryName: 'Sheets',
    sources: [{ name: 'sheet.png', dataBase64: pose.toString('base64') }],
  })) as { libraryId: string; imported: { id: string; image: { file: string } }[] };
  const poseView = imported.imported[0];
  if (!poseView || !refs.added[0]) throw new Error('hostile folders: the base project could not be seeded');
  await call('generation.enqueue', {
    modelId: 'consistent-character-ai-neolemon',
    characterId: character.id,
    poseId: poseView.id,
    params: { upscale_by: 1 },
  });
  const resultId = await waitForResult();
  await call('results.cut', { id: resultId });
  await call('presets.save', {
    name: 'Quick',
    modelId: 'consistent-character-ai-neolemon',
    params: { num_inference_steps: 10 },
  });
  const spare = (await call('characters.create', { name: 'Spare' })) as { id: string };
  const trashed = (await call('characters.trash', { id: spare.id })) as { trashId: string };
  const result = (await call('results.get', { id: resultId })) as { result: { file: string } };
  await call('projects.close', {});
  return {
    dir,
    characterId: character.id,
    referenceFile: refs.added[0].file,
    libraryId: imported.libraryId,
    poseFile: poseView.image.file,
    resultId,
    resultFile: result.result.file,
    trashId: trashed.trashId,
  };
}

async function walkAll(dir: string): Promise<string[]> {
  const out: string[] = [dir];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walkAll(full)));
    else out.push(full);
  }
  return out;
}

/** Sets every planted file's access time far in the past; relatime then records any read. */
async function resetAtimes(outside: string): Promise<Map<string, number>> {
  const times = new Map<string, number>();
  for (const path of await walkAll(outside)) {
    const info = await lstat(path);
    if (info.isSymbolicLink()) continue;
    await utimes(path, new Date(1000), info.mtime);
    times.set(path, (await stat(path)).atimeMs);
  }
  return times;
}

export async function runHostileFolders(options: {
  root: string;
  base: Base;
  worker: WorkerCommand;
  /** Children at once. */
  concurrency: number;
}): Promise<FolderFigures> {
  const figures: FolderFigures = {
    folders: 0,
    crashes: 0,
    hangs: 0,
    outsideReads: 0,
    outsideWrites: 0,
    internal: 0,
    problems: [],
    lines: [],
  };
  // A few folders at a time: most of a child's life is waiting (its start, a read that hangs).
  const only = process.env.HOSTILE_FOLDERS; // a substring of the folders' names, to run a few alone
  const queue = Object.entries(FOLDERS).filter(([label]) => !only || label.includes(only));
  const lines = new Map<string, string>();
  const one = async (label: string, build: Build): Promise<void> => {
    const slug = label.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
    const dir = join(options.root, 'folders', slug);
    const outside = join(dir, 'outside');
    const projectDir = join(dir, 'project');
    await mkdir(outside, { recursive: true });
    await cp(options.base.dir, projectDir, { recursive: true });
    await rm(join(projectDir, '.studio', 'lock.json'), { force: true });
    // Something to find outside even where the folder links nowhere: a decoy next to the project.
    await writeFile(join(outside, 'canary.json'), '{"secret": true}');
    await build(projectDir, outside, options.base);
    // Sizes, kinds and inodes only: resetting the access times below rounds the modification times.
    const outsideBefore = await snapshotTree(outside, () => true);
    const atimes = await resetAtimes(outside);
    figures.folders++;

    const config = {
      projectDir,
      userDataDir: join(dir, 'user-data'),
      exportDir: join(dir, 'exports'),
      outsideDir: outside,
      segmindUrl: 'http://127.0.0.1:9',
    };
    const child = spawn(process.execPath, [...options.worker.args, JSON.stringify(config)], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-3000)));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, 60_000);
    const t0 = Date.now();
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    clearTimeout(timer);
    const ms = Date.now() - t0;

    const line = out.split('\n').find((l) => l.startsWith('{'));
    let report:
      | {
          calls: { name: string; code: string; ms: number }[];
          outside: { fn: string; path: string; real: string; write: boolean }[];
        }
      | undefined;
    try {
      report = line ? (JSON.parse(line) as typeof report) : undefined;
    } catch {
      report = undefined;
    }
    if (timedOut) {
      figures.hangs++;
      figures.problems.push(`${label}: the child did not finish in 60 s`);
    } else if ((code !== 0 && !report?.calls.some((c) => c.code === 'HANG')) || !report) {
      figures.crashes++;
      figures.problems.push(
        `${label}: the child crashed (exit ${code}): ${err.trim().split('\n').slice(-6).join(' | ')}`,
      );
    }
    let readCounted = false;
    if (report) {
      const hung = report.calls.filter((c) => c.code === 'HANG');
      if (hung.length) {
        figures.hangs++;
        figures.problems.push(`${label}: hung: ${hung.map((c) => c.name).join(', ')}`);
      }
      const internal = report.calls.filter((c) => c.code === 'INTERNAL');
      if (internal.length) {
        figures.internal++;
        figures.problems.push(
          `${label}: INTERNAL from ${internal.map((c) => c.name).join(', ')}: ${err
            .trim()
            .split('\n')
            .filter((l) => l.includes('unexpected'))
            .slice(0, 2)
            .join(' | ')}`,
        );
      }
      const writes = report.outside.filter((o) => o.write);
      const reads = report.outside.filter((o) => !o.write);
      if (reads.length) {
        readCounted = true;
        figures.outsideReads++;
        const seen = [...new Set(reads.map((o) => `${o.fn} ${o.real}`))];
        figures.problems.push(`${label}: read outside the project: ${seen.slice(0, 4).join('; ')}`);
      }
      if (writes.length) {
        figures.outsideWrites++;
        const seen = [...new Set(writes.map((o) => `${o.fn} ${o.real}`))];
        figures.problems.push(`${label}: wrote outside the project: ${seen.slice(0, 4).join('; ')}`);
      }
      const summary = new Map<string, number>();
      for (const c of report.calls)
        summary.set(`${c.name}→${c.code}`, (summary.get(`${c.name}→${c.code}`) ?? 0) + 1);
      const slowest = [...report.calls].sort((x, y) => y.ms - x.ms)[0];
      const notOk = [...summary.keys()].filter((k) => !k.endsWith('→ok')).join(', ') || 'all calls ok';
      lines.set(
        label,
        `${label} (${(ms / 1000).toFixed(1)} s, slowest ${slowest?.name} ${slowest?.ms} ms): ${notOk}`,
      );
    }
    // Native reads (sharp) do not pass through node:fs: the access times tell.
    const touched: string[] = [];
    for (const [path, atime] of atimes) {
      const now = await stat(path).catch(() => null);
      if (now && now.atimeMs !== atime) touched.push(path.slice(outside.length + 1) || '(the folder itself)');
    }
    if (touched.length && !readCounted) {
      figures.outsideReads++;
      figures.problems.push(
        `${label}: files outside the project were read (access time moved): ${touched.slice(0, 4).join(', ')}`,
      );
    }
    const outsideAfter = await snapshotTree(outside, () => true);
    if (!sameTree(outsideBefore, outsideAfter) && !report?.outside.some((o) => o.write)) {
      figures.outsideWrites++;
      figures.problems.push(
        `${label}: the folder outside the project changed: ${diffTrees(outsideBefore, outsideAfter).slice(0, 4).join(', ')}`,
      );
    }
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  };
  const next = async (): Promise<void> => {
    for (let item = queue.shift(); item; item = queue.shift()) await one(item[0], item[1]);
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, () => next()));
  for (const label of Object.keys(FOLDERS)) {
    const line = lines.get(label);
    if (line) figures.lines.push(line);
  }
  return figures;
}
