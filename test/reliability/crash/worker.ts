/**
 * The crash suite's child: the real app runtime (createAppRuntime, the same handlers main registers,
 * called through dispatchCall like main's IPC) over a project and a user-data folder shared with every
 * child before it, making random changes until the parent SIGKILLs it at a random moment.
 *
 * Arguments come as one JSON object in argv[2] (WorkerConfig). It prints `ready` on stdout once the
 * project is open. Before each call it appends `{"b":n,...}` to the op log and after it `{"e":n,...}`,
 * so the parent knows which changes were in flight when the kill came. A call answered with an
 * unexpected error (INTERNAL) is logged with `"bad":true`; the parent reports those.
 *
 * It never calls jobs.resend (so any second POST of a job is the app's doing), trash.empty or
 * jobs.dismiss (so every paid image must still be somewhere the parent can find it).
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { CallName } from '../../../src/contract';
import { consistentCharacterV1 as v1 } from '../../../src/models';
import { MemoryStore } from '../../../src/secrets/memory-store';
import { dispatchCall } from '../../../src/services/dispatch';
import { createAppRuntime } from '../../../src/services/runtime';
import { makePoseSheet, type FigureBox } from '../../fakes/pose-sheet';
import { Prng } from '../common/prng';

export interface WorkerConfig {
  projectDir: string;
  userDataDir: string;
  segmindUrl: string;
  key: string;
  /** This child's PRNG seed. */
  seed: number;
  /** Generation seeds this child uses start here and count up: unique across the run. */
  seedBase: number;
  /** results.export writes into folders under this one (outside the project). */
  exportDir: string;
  opLog: string;
  /** Calls in flight at once (the UI also fires several). */
  loops: number;
}

const loadedAt = performance.now();
const config = JSON.parse(process.argv[2] ?? '{}') as WorkerConfig;
const rng = new Prng(config.seed);
let nextSeed = config.seedBase;
let opCounter = 0;
let exportCounter = 0;

// The parent going away (its end of stdin closing) ends the child too, and nothing runs for ever.
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
setTimeout(() => process.exit(0), 120_000).unref();

function log(entry: Record<string, unknown>): void {
  appendFileSync(config.opLog, `${JSON.stringify(entry)}\n`);
}

const secrets = new MemoryStore();
await secrets.set(config.key);
const runtimeAt = performance.now();
const runtime = await createAppRuntime({
  userDataDir: config.userDataDir,
  platform: { shell: 'browser' },
  secrets,
  appVersion: 'crash-suite',
  segmindBaseUrl: config.segmindUrl,
});

interface Answer {
  ok: boolean;
  value?: unknown;
  code?: string;
}

/** The input as logged: uploads shortened to their size. */
const loggable = (input: unknown): unknown =>
  JSON.parse(
    JSON.stringify(input, (key, value: unknown) =>
      key === 'dataBase64' && typeof value === 'string' ? `<${value.length} chars>` : value,
    ),
  ) as unknown;

async function call(name: CallName, input: unknown, note?: string): Promise<Answer> {
  const n = ++opCounter;
  log({ b: n, op: name, in: loggable(input), ...(note === undefined ? {} : { note }) });
  const answer = await dispatchCall(runtime.handlers, name, input);
  if (answer.ok) {
    const value = answer.value as { trashId?: unknown; id?: unknown; kind?: unknown } | null;
    log({
      e: n,
      ok: true,
      ...(value && typeof value === 'object'
        ? { trashId: value.trashId, id: value.id, kind: value.kind }
        : {}),
    });
    return { ok: true, value: answer.value };
  }
  const bad = answer.error.code === 'INTERNAL';
  log({
    e: n,
    ok: false,
    code: answer.error.code,
    ...(bad ? { bad: true, message: answer.error.message } : {}),
  });
  return { ok: false, code: answer.error.code };
}

const openAt = performance.now();
const opened = await call('projects.open', { dir: config.projectDir });
if (!opened.ok) {
  console.error(`crash worker: the project did not open (${opened.code})`);
  process.exit(3);
}
// `ready` and how long each phase of the start took (ms): loading the code, the runtime, opening the project.
const ms = (a: number, b: number) => Math.round(b - a);
process.stdout.write(`ready ${ms(0, loadedAt)} ${ms(runtimeAt, openAt)} ${ms(openAt, performance.now())}\n`);

// -- what is in the project now ------------------------------------------------------------------

interface State {
  characters: { id: string; refs: string[] }[];
  libraries: { id: string; poses: string[] }[];
  results: string[];
  cuts: Set<string>;
  trash: { id: string; restorable: boolean }[];
}

async function state(): Promise<State> {
  const [c, p, r, cuts, t] = await Promise.all([
    dispatchCall(runtime.handlers, 'characters.list', {}),
    dispatchCall(runtime.handlers, 'poses.list', {}),
    dispatchCall(runtime.handlers, 'results.queryIds', {}),
    dispatchCall(runtime.handlers, 'results.queryIds', { filter: { source: 'cuts' } }),
    dispatchCall(runtime.handlers, 'trash.list', {}),
  ]);
  return {
    characters: c.ok
      ? (c.value as { characters: { id: string; referenceImages: { id: string }[] }[] }).characters.map(
          (ch) => ({
            id: ch.id,
            refs: ch.referenceImages.map((i) => i.id),
          }),
        )
      : [],
    libraries: p.ok
      ? (p.value as { libraries: { id: string; poses: { id: string }[] }[] }).libraries.map((l) => ({
          id: l.id,
          poses: l.poses.map((pose) => pose.id),
        }))
      : [],
    results: r.ok ? (r.value as { ids: string[] }).ids : [],
    cuts: new Set(cuts.ok ? (cuts.value as { ids: string[] }).ids : []),
    trash: t.ok ? (t.value as { entries: { id: string; restorable: boolean }[] }).entries : [],
  };
}

// -- inputs ----------------------------------------------------------------------------------------

async function randomSheet(): Promise<Buffer> {
  const width = rng.int(6, 12) * 16;
  const height = rng.int(4, 8) * 16;
  const count = rng.int(1, 3);
  const slot = Math.floor(width / count);
  const figures: FigureBox[] = [];
  for (let i = 0; i < count; i++) {
    const w = Math.max(12, Math.floor(slot * 0.5));
    figures.push({
      x: i * slot + rng.int(2, Math.max(2, slot - w - 2)),
      y: rng.int(2, 8),
      width: w,
      height: height - 16,
    });
  }
  return makePoseSheet({ width, height, figures });
}

async function randomReference(): Promise<Buffer> {
  const colour = { r: rng.int(0, 255), g: rng.int(0, 255), b: rng.int(0, 255) };
  return sharp({
    create: { width: rng.int(24, 64), height: rng.int(24, 64), channels: 3, background: colour },
  })
    .jpeg()
    .toBuffer();
}

const word = (): string =>
  rng.pick(['Mira', 'Otto', 'Arms up', 'Run', 'Jump', 'Wave', 'Sit', 'Kneel', 'Hero', 'Étoile', '猫']);
const tags = (): string[] => rng.sample(['red', 'blue', 'final', 'draft', 'hero', 'side'], rng.int(0, 3));

type Op =
  | 'importPoses'
  | 'createLibrary'
  | 'renameLibrary'
  | 'createCharacter'
  | 'editCharacter'
  | 'duplicateCharacter'
  | 'addReference'
  | 'removeReference'
  | 'editPose'
  | 'generate'
  | 'rerun'
  | 'rate'
  | 'undoRating'
  | 'trashResults'
  | 'trashPoses'
  | 'trashLibrary'
  | 'trashCharacter'
  | 'restore'
  | 'cut'
  | 'export'
  | 'savePreset'
  | 'refresh';

const WEIGHTS: Record<Op, number> = {
  importPoses: 2,
  createLibrary: 0.4,
  renameLibrary: 0.4,
  createCharacter: 0.8,
  editCharacter: 1.5,
  duplicateCharacter: 0.3,
  addReference: 0.6,
  removeReference: 0.3,
  editPose: 1,
  generate: 4,
  rerun: 0.5,
  rate: 2,
  undoRating: 0.3,
  trashResults: 0.7,
  trashPoses: 0.5,
  trashLibrary: 0.15,
  trashCharacter: 0.25,
  restore: 1.3,
  cut: 1.2,
  export: 0.6,
  savePreset: 0.2,
  refresh: 0.2,
};

const allPoses = (s: State) => s.libraries.flatMap((l) => l.poses);
const generated = (s: State) => s.results.filter((id) => !s.cuts.has(id));

async function runOp(op: Op): Promise<void> {
  const s = await state();
  switch (op) {
    case 'importPoses': {
      const sources = [];
      for (let i = rng.int(1, 3); i > 0; i--) {
        sources.push({
          name: `${word()} ${rng.int(1, 999)}.png`,
          dataBase64: (await randomSheet()).toString('base64'),
        });
      }
      const into =
        s.libraries.length > 0 && rng.chance(0.8)
          ? { libraryId: rng.pick(s.libraries).id }
          : { newLibraryName: `${word()} poses` };
      await call('poses.import', { ...into, sources });
      return;
    }
    case 'createLibrary':
      await call('poses.createLibrary', { name: `${word()} library`, tags: tags() });
      return;
    case 'renameLibrary':
      if (s.libraries.length)
        await call('poses.updateLibrary', {
          id: rng.pick(s.libraries).id,
          name: `${word()} ${rng.int(1, 99)}`,
          tags: tags(),
        });
      return;
    case 'createCharacter':
      await call('characters.create', {
        name: word(),
        description: `${word()} in a ${rng.pick(['red', 'blue'])} coat`,
        styleWords: '2D illustration style',
        tags: tags(),
      });
      return;
    case 'editCharacter': {
      if (!s.characters.length) return;
      const changes: Record<string, unknown> = {};
      if (rng.chance(0.5)) changes.name = `${word()} ${rng.int(1, 99)}`;
      if (rng.chance(0.5))
        changes.description = `${word()} wearing ${rng.pick(['jeans', 'a cape', 'boots'])}`.repeat(
          rng.int(1, 20),
        );
      if (rng.chance(0.3)) changes.notes = 'n'.repeat(rng.int(0, 5000));
      if (rng.chance(0.3)) changes.colorLabel = rng.pick(['none', 'red', 'blue', 'green']);
      if (rng.chance(0.3)) changes.negativePrompt = rng.chance(0.5) ? '' : 'blurry, text';
      if (Object.keys(changes).length === 0) changes.tags = tags();
      await call('characters.update', { id: rng.pick(s.characters).id, changes });
      return;
    }
    case 'duplicateCharacter':
      if (s.characters.length) await call('characters.duplicate', { id: rng.pick(s.characters).id });
      return;
    case 'addReference':
      if (s.characters.length) {
        await call('characters.addReferences', {
          id: rng.pick(s.characters).id,
          sources: [{ name: `${word()}.jpg`, dataBase64: (await randomReference()).toString('base64') }],
        });
      }
      return;
    case 'removeReference': {
      const withRefs = s.characters.filter((c) => c.refs.length > 0);
      if (withRefs.length) {
        const c = rng.pick(withRefs);
        await call('characters.removeReference', { id: c.id, imageId: rng.pick(c.refs) });
      }
      return;
    }
    case 'editPose': {
      const poses = allPoses(s);
      if (!poses.length) return;
      const changes: Record<string, unknown> = {};
      if (rng.chance(0.6)) changes.name = `${word()} ${rng.int(1, 99)}`;
      if (rng.chance(0.3)) changes.kind = rng.pick(['sheet', 'single']);
      if (rng.chance(0.3) || Object.keys(changes).length === 0) changes.tags = tags();
      await call('poses.update', { poseId: rng.pick(poses), changes });
      return;
    }
    case 'generate': {
      const poses = allPoses(s);
      if (!s.characters.length || !poses.length) return;
      const seed = nextSeed++;
      await call(
        'generation.enqueue',
        {
          modelId: v1.id,
          characterId: rng.pick(s.characters).id,
          poseId: rng.pick(poses),
          params: { seed, upscale_by: 1, num_inference_steps: rng.int(1, 40) },
        },
        `seed ${seed}`,
      );
      return;
    }
    case 'rerun': {
      const ids = generated(s);
      if (!ids.length) return;
      const seed = nextSeed++;
      await call('generation.rerun', { resultId: rng.pick(ids), seed }, `seed ${seed}`);
      return;
    }
    case 'rate':
      if (s.results.length) {
        await call('results.review', {
          ids: rng.sample(s.results, rng.int(1, 5)),
          rating: rng.int(0, 5),
          ...(rng.chance(0.4) ? { flag: rng.pick(['none', 'pick', 'reject']) } : {}),
          ...(rng.chance(0.3) ? { addTags: tags() } : {}),
        });
      }
      return;
    case 'undoRating':
      if (s.results.length) {
        await call('results.setReviews', {
          items: rng
            .sample(s.results, rng.int(1, 3))
            .map((id) => ({ id, rating: rng.int(0, 5), flag: 'none', tags: tags() })),
        });
      }
      return;
    case 'trashResults':
      if (s.results.length) await call('results.trash', { ids: rng.sample(s.results, rng.int(1, 4)) });
      return;
    case 'trashPoses': {
      const poses = allPoses(s);
      if (poses.length) await call('poses.trash', { poseIds: rng.sample(poses, rng.int(1, 3)) });
      return;
    }
    case 'trashLibrary':
      if (s.libraries.length > 1) await call('poses.trashLibrary', { id: rng.pick(s.libraries).id });
      return;
    case 'trashCharacter':
      if (s.characters.length > 1) await call('characters.trash', { id: rng.pick(s.characters).id });
      return;
    case 'restore': {
      const restorable = s.trash.filter((e) => e.restorable);
      if (restorable.length) await call('trash.restore', { id: rng.pick(restorable).id });
      return;
    }
    case 'cut': {
      const ids = generated(s);
      if (!ids.length) return;
      await call('results.cut', {
        id: rng.pick(ids),
        ...(rng.chance(0.3) ? { again: true } : {}),
        ...(rng.chance(0.3) ? { replace: true } : {}),
        ...(rng.chance(0.2) ? { padding: rng.int(0, 40) } : {}),
      });
      return;
    }
    case 'export':
      if (s.results.length) {
        await call('results.export', {
          ids: rng.sample(s.results, rng.int(1, 3)),
          dir: join(config.exportDir, `e${exportCounter++}`),
          includeReceipt: rng.chance(0.5),
          format: rng.pick(['original', 'png']),
        });
      }
      return;
    case 'savePreset':
      await call('presets.save', {
        name: `${word()} preset`,
        modelId: v1.id,
        params: { num_inference_steps: rng.int(1, 50), upscale_by: 1 },
      });
      return;
    case 'refresh':
      await call('results.refresh', {});
      return;
  }
}

async function loop(): Promise<never> {
  for (;;) await runOp(rng.weighted(WEIGHTS));
}

// A fresh project gets something to generate from first.
{
  const s = await state();
  if (s.characters.length === 0) await runOp('createCharacter');
  if (allPoses(s).length === 0) await runOp('importPoses');
}
await Promise.all(Array.from({ length: Math.max(1, config.loops) }, () => loop()));
