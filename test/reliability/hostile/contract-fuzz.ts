/**
 * Part 1 of the hostile-input suite: generated and mutated inputs to every contract call, through
 * dispatchCall (the path main's IPC and the browser host use) with the real handlers on a real project in
 * a temp sandbox, generating against the stand-in. For every input:
 * - dispatchCall must resolve (never throw) within the time limit, with `{ ok: true }` or a typed error
 *   whose code is one of the contract's (INTERNAL, the code for an unexpected exception, is reported);
 * - when it is refused, nothing in the sandbox was written (project, user data, the folders around it:
 *   a snapshot before and after) and no request reached the stand-in (for key.set and credits.get, whose
 *   whole job is to ask Segmind, only POSTs count).
 * Accepted inputs may write; afterwards the suite waits until the app is quiet again, puts back what a
 * hostile but valid input changed (the open project, the key, the queue, settings) and goes on.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { callNames, type CallName } from '../../../src/contract';
import { ErrorCodeSchema, type Job } from '../../../src/domain';
import { consistentCharacterV1 as v1 } from '../../../src/models';
import { MemoryStore } from '../../../src/secrets/memory-store';
import { dispatchCall } from '../../../src/services/dispatch';
import { createAppRuntime, type AppRuntime } from '../../../src/services/runtime';
import type { SegmindStandIn } from '../../fakes/segmind-stand-in';
import { makePoseSheet } from '../../fakes/pose-sheet';
import { Prng, inputSeed } from '../common/prng';
import { diffTrees, sameTree, snapshotTree, type Snapshot } from '../common/tree';
import { TEMPLATES, type FuzzState } from './templates';
import { anyValue, clone, hostileStrings, mutate, type Sandbox } from './values';

export interface FuzzFigures {
  inputs: number;
  accepted: number;
  rejected: number;
  crashes: number;
  hangs: number;
  /** Answers that are not `{ ok, value }` / `{ ok: false, error: { code } }` with a contract code. */
  untyped: number;
  internal: number;
  filesWrittenByRejected: number;
  requestsByRejected: number;
  /** Rejected inputs whose write check was skipped because the app was not quiet before them. */
  unchecked: number;
  /** Values drawn that IPC could not have sent (too deep to clone): drawn again, not counted as inputs. */
  unsendable: number;
  byCode: Map<string, number>;
  problems: string[];
}

const CALL_TIMEOUT_MS = 10_000;

/**
 * Calls that change what the app does next in the background (the open project, the queue, the key, the
 * settings): after one is accepted the fuzz puts things back and waits for quiet.
 */
const BACKGROUND = new Set([
  'projects.create',
  'projects.open',
  'projects.close',
  'projects.forget',
  'settings.update',
  'key.set',
  'key.clear',
  'generation.enqueue',
  'generation.rerun',
  'jobs.cancel',
  'jobs.resend',
  'jobs.dismiss',
  'jobs.clearFinished',
  'queue.resume',
  'batches.start',
  'batches.resume',
  'trash.empty',
  'trash.restore',
  'results.rebuildIndex',
  'results.refresh',
]);

/** Calls that change nothing the fuzz depends on: after one is accepted there is nothing to put back. */
const READ_ONLY = new Set([
  'app.info',
  'projects.current',
  'projects.recent',
  'dialogs.pickFolder',
  'dialogs.pickFiles',
  'shell.showInFolder',
  'settings.get',
  'key.status',
  'credits.get',
  'jobs.list',
  'presets.list',
  'characters.list',
  'characters.get',
  'characters.promptPreview',
  'poses.list',
  'results.query',
  'results.queryIds',
  'results.get',
  'results.facets',
  'trash.list',
  'tasks.cancel',
]);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `work`, or answers 'hang' after `ms`. */
export async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T | 'hang'> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<'hang'>((resolve) => {
    timer = setTimeout(() => resolve('hang'), ms);
  });
  try {
    return await Promise.race([work, hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** A short, printable description of a hostile input (it may be cyclic, huge or exotic). */
export function describe(value: unknown, max = 300): string {
  const seen = new WeakSet<object>();
  let text: string;
  try {
    text =
      JSON.stringify(value, (_key, v: unknown) => {
        if (typeof v === 'bigint') return `${v}n`;
        if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
        if (v === undefined) return '<undefined>';
        if (typeof v === 'string' && v.length > 80) return `${v.slice(0, 40)}…(${v.length} chars)`;
        if (Array.isArray(v) && v.length > 10)
          return [...(v.slice(0, 3) as unknown[]), `…(${v.length} items)`];
        if (v !== null && typeof v === 'object') {
          if (seen.has(v)) return '<cycle>';
          seen.add(v);
        }
        return v;
      }) ?? String(value);
  } catch (error) {
    text = `<${(error as Error).message}>`;
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export const emptyFuzzFigures = (): FuzzFigures => ({
  inputs: 0,
  accepted: 0,
  rejected: 0,
  crashes: 0,
  hangs: 0,
  untyped: 0,
  internal: 0,
  filesWrittenByRejected: 0,
  requestsByRejected: 0,
  unchecked: 0,
  unsendable: 0,
  byCode: new Map(),
  problems: [],
});

/**
 * Inputs `from` to `to` - 1; input n is drawn from its own generator (seed, n), so a run can go on after
 * a hang from n + 1 in a new process and any input can be made again from the seed and its number.
 * `onInput` is told each input before it is sent; `onHang` when one did not answer in time, after which
 * this process cannot be trusted (a thread may be stuck for ever) and the caller ends it.
 */
export async function runContractFuzz(options: {
  seed: number;
  from: number;
  to: number;
  standIn: SegmindStandIn;
  sandbox: Sandbox;
  onInput: (n: number, what: string) => void;
  onHang: (n: number, figures: FuzzFigures) => Promise<never>;
}): Promise<FuzzFigures> {
  const { standIn, sandbox } = options;
  let rng: Prng = new Prng(inputSeed(options.seed, options.from));
  const figures = emptyFuzzFigures();

  const root = sandbox.root;
  const userDataDir = join(root, 'user-data');
  const outDir = join(root, 'out');
  await mkdir(outDir, { recursive: true });
  const imagePath = join(root, 'cwd', 'sheet.png');
  const sheet = await makePoseSheet();
  await writeFile(imagePath, sheet);
  const pngBase64 = (
    await sharp({ create: { width: 32, height: 24, channels: 3, background: '#3a7' } })
      .png()
      .toBuffer()
  ).toString('base64');

  const secrets = new MemoryStore();
  await secrets.set(standIn.key);
  const runtime: AppRuntime = await createAppRuntime({
    userDataDir,
    platform: { shell: 'browser' },
    secrets,
    appVersion: 'hostile-suite',
    segmindBaseUrl: standIn.url,
  });
  const call = (name: string, input: unknown) => dispatchCall(runtime.handlers, name, input);
  const must = async (name: CallName, input: unknown): Promise<unknown> => {
    const answer = await call(name, input);
    if (!answer.ok)
      throw new Error(`setting up the fuzz: ${name} failed: ${answer.error.code} ${answer.error.message}`);
    return answer.value;
  };

  // -- the project and what is in it (made by the first process, opened by those after a hang) -------
  const existing = await call('projects.open', { dir: sandbox.project });
  if (!existing.ok) await must('projects.create', { dir: sandbox.project, name: 'Hostile inputs' });
  await must('settings.update', { requestsPerMinute: 600, concurrency: 2 });
  let dirCounter = 0;
  const freshDir = () => join(outDir, `d${options.from}-${dirCounter++}`);

  const jobs = async (): Promise<Job[]> => ((await must('jobs.list', {})) as { jobs: Job[] }).jobs;
  const quiet = async (limitMs = 8000): Promise<boolean> => {
    const start = Date.now();
    for (;;) {
      const list = await jobs();
      const open = (await call('projects.current', {})) as { ok: boolean; value?: { path: string } | null };
      const current = open.ok ? open.value?.path : undefined;
      const busy = list.some(
        (j) =>
          j.state === 'submitting' ||
          (j.state === 'queued' && !j.waitingFor) ||
          (j.output && !j.resultId && !j.error && j.projectPath === current),
      );
      if (!busy) return true;
      if (Date.now() - start > limitMs) return false;
      await sleep(10);
    }
  };

  const seedContent = async () => {
    const characters = (await must('characters.list', {})) as {
      characters: { id: string; referenceImages: unknown[] }[];
    };
    let character = characters.characters[0];
    if (!character) {
      character = (await must('characters.create', {
        name: 'Mira',
        description: 'a girl in a red coat',
      })) as typeof character;
    }
    if (character && character.referenceImages.length === 0) {
      await must('characters.addReferences', {
        id: character.id,
        sources: [{ name: 'ref.png', dataBase64: pngBase64 }],
      });
    }
    const poses = (await must('poses.list', {})) as { libraries: { id: string; poses: unknown[] }[] };
    if (!poses.libraries.some((l) => l.poses.length > 0)) {
      const sheetB64 = (
        await makePoseSheet({
          width: 96 + rng.int(0, 64),
          height: 64,
          figures: [
            { x: 8, y: 8, width: 24, height: 48 },
            { x: 56, y: 8, width: 24, height: 48 },
          ],
        })
      ).toString('base64');
      await must('poses.import', {
        newLibraryName: 'Sheets',
        sources: [{ name: 'sheet.png', dataBase64: sheetB64 }],
      });
    }
    const state = await readState();
    const results = (await must('results.queryIds', { filter: { source: 'generated' } })) as {
      ids: string[];
    };
    if (results.ids.length === 0 && state.characterId && state.poseId) {
      await must('generation.enqueue', {
        modelId: v1.id,
        characterId: state.characterId,
        poseId: state.poseId,
        params: { upscale_by: 1, seed: rng.int(0, 1e9) },
      });
      await quiet(15_000);
    }
    const cuts = (await must('results.queryIds', { filter: { source: 'cuts' } })) as { ids: string[] };
    const generatedIds = (
      (await must('results.queryIds', { filter: { source: 'generated' } })) as { ids: string[] }
    ).ids;
    if (cuts.ids.length === 0 && generatedIds[0]) await call('results.cut', { id: generatedIds[0] });
    const trash = (await must('trash.list', {})) as { entries: unknown[] };
    if (trash.entries.length === 0) {
      const spare = (await must('characters.create', { name: 'Spare' })) as { id: string };
      await must('characters.trash', { id: spare.id });
    }
  };

  const FAKE = '0mx2zzzzzzzzzzzzz';
  let state: FuzzState;
  let allIds: string[] = [];
  async function readState(): Promise<FuzzState> {
    const c = await call('characters.list', {});
    const p = await call('poses.list', {});
    const g = await call('results.queryIds', { filter: { source: 'generated' } });
    const k = await call('results.queryIds', { filter: { source: 'cuts' } });
    const t = await call('trash.list', {});
    const j = await call('jobs.list', {});
    const presets = await call('presets.list', {});
    const characters = c.ok
      ? (c.value as { characters: { id: string; referenceImages: { id: string }[] }[] }).characters
      : [];
    const libraries = p.ok
      ? (p.value as { libraries: { id: string; poses: { id: string }[] }[] }).libraries
      : [];
    const generated = g.ok ? (g.value as { ids: string[] }).ids : [];
    const cutIds = k.ok ? (k.value as { ids: string[] }).ids : [];
    const entries = t.ok ? (t.value as { entries: { id: string }[] }).entries : [];
    const jobList = j.ok ? (j.value as { jobs: Job[] }).jobs : [];
    const presetList = presets.ok ? (presets.value as { name: string }[]) : [];
    const withRef = characters.find((ch) => ch.referenceImages.length > 0);
    const library = libraries.find((l) => l.poses.length > 0) ?? libraries[0];
    allIds = [
      ...characters.map((ch) => ch.id),
      ...libraries.map((l) => l.id),
      ...libraries.flatMap((l) => l.poses.map((pose) => pose.id)),
      ...generated,
      ...cutIds,
      ...entries.map((e) => e.id),
      ...jobList.map((job) => job.id),
    ];
    return {
      characterId: (withRef ?? characters[0])?.id ?? FAKE,
      referenceImageId: withRef?.referenceImages[0]?.id ?? FAKE,
      libraryId: library?.id ?? FAKE,
      poseId: library?.poses[0]?.id ?? FAKE,
      resultId: generated[0] ?? FAKE,
      cutId: cutIds[0] ?? FAKE,
      trashId: entries[0]?.id ?? FAKE,
      jobId: jobList.at(-1)?.id ?? FAKE,
      presetName: presetList[0]?.name ?? 'Preset',
      projectDir: sandbox.project,
      freshDir,
      pngBase64,
      imagePath,
    };
  }

  /** A step of the suite's own: its failure is reported as the suite's, not blamed on an input. */
  const suiteStep = async (what: string, step: () => Promise<void>): Promise<void> => {
    try {
      await step();
    } catch (error) {
      figures.problems.push(`suite error ${what}: ${(error as Error).message}`);
    }
  };

  /** Puts back what an accepted hostile input changed around the project, then waits for quiet. */
  const restore = async () => {
    const current = await call('projects.current', {});
    if (!current.ok || (current.value as { path?: string } | null)?.path !== sandbox.project) {
      const opened = await call('projects.open', { dir: sandbox.project });
      if (!opened.ok)
        figures.problems.push(
          `the fuzz could not reopen its project: ${opened.error.code} ${opened.error.message}`,
        );
    }
    if ((await secrets.get()) !== standIn.key) await secrets.set(standIn.key);
    const settings = (await must('settings.get', {})) as {
      requestsPerMinute: number;
      concurrency: number;
      segmindBaseUrl: string;
    };
    if (settings.requestsPerMinute !== 600 || settings.concurrency !== 2 || settings.segmindBaseUrl !== '') {
      await must('settings.update', { requestsPerMinute: 600, concurrency: 2, segmindBaseUrl: '' });
    }
    await call('queue.resume', {});
    await quiet();
    await rm(outDir, { recursive: true, force: true, maxRetries: 3 });
    await mkdir(outDir, { recursive: true });
  };

  const ignoreLockTimes = (rel: string) => rel.endsWith('lock.json');
  /** Two equal snapshots in a row: nothing is being written in the background. */
  const settle = async (): Promise<{ snap: Snapshot; quiet: boolean }> => {
    const isQuiet = await quiet();
    let snap = await snapshotTree(root, ignoreLockTimes);
    for (let i = 0; i < 100; i++) {
      await sleep(10);
      const again = await snapshotTree(root, ignoreLockTimes);
      if (sameTree(snap, again)) return { snap: again, quiet: isQuiet };
      snap = again;
    }
    return { snap, quiet: false };
  };

  await seedContent();
  await quiet(15_000);
  state = await readState();
  let before = await settle();
  const strings = hostileStrings(sandbox);
  const names = [...callNames];
  /**
   * What to send: mostly a mutation of a valid input, sometimes the valid input itself, noise, or a call
   * name that does not exist.
   */
  const makeInput = (rng: Prng, current: FuzzState): { name: string; input: unknown } => {
    const name: string = rng.pick(names);
    const shape = rng.int(0, 99);
    const template = TEMPLATES[name as CallName](current);
    if (shape < 4) return { name, input: clone(template) };
    if (shape < 82) return { name, input: mutate(rng, sandbox, template, allIds) };
    if (shape < 90)
      return { name, input: mutate(rng, sandbox, mutate(rng, sandbox, template, allIds), allIds) };
    if (shape < 97) return { name, input: anyValue(rng, sandbox, 3) };
    const bogus = rng.pick([
      ...strings.slice(0, 20),
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      'characters',
      'characters.',
      '.list',
      'characters.list ',
      'CHARACTERS.LIST',
    ]);
    return { name: bogus, input: anyValue(rng, sandbox, 2) };
  };

  for (let n = options.from; n < options.to; n++) {
    if (n > options.from && n % 500 === 0) {
      await suiteStep('putting the project back in shape', async () => {
        await restore();
        await seedContent();
      });
      state = await readState();
      before = await settle();
    }
    let name = '';
    let input: unknown;
    let made = false;
    // What reaches main is what IPC's structured clone delivers (no prototypes, getters or functions; too
    // deep a value cannot be sent at all): a value that cannot be sent is drawn again.
    for (let attempt = 0; attempt < 8 && !made; attempt++) {
      rng = new Prng(inputSeed(options.seed + attempt * 0x9e3779b9, n));
      try {
        const drawn = makeInput(rng, state);
        name = drawn.name;
        try {
          input = structuredClone(drawn.input);
        } catch {
          figures.unsendable++;
          continue;
        }
        made = true;
      } catch (error) {
        // The suite's own mistake, not the app's: reported (the run fails) and the input skipped.
        figures.problems.push(`suite error making input ${n}: ${(error as Error).stack ?? String(error)}`);
        break;
      }
    }
    if (!made) continue;
    options.onInput(n, `${name} ${describe(input)}`);
    const requestsBefore = standIn.requestCount;
    const postsBefore = standIn.postCount;
    const jobsBefore = (await jobs()).length;
    figures.inputs++;
    let answer: Awaited<ReturnType<typeof call>> | 'hang';
    try {
      answer = await withTimeout(call(name, input), CALL_TIMEOUT_MS);
    } catch (error) {
      figures.crashes++;
      figures.problems.push(
        `crash: input ${n}: ${name} ${describe(input)} threw ${(error as Error)?.stack ?? String(error)}`,
      );
      before = await settle();
      continue;
    }
    if (answer === 'hang') {
      figures.hangs++;
      figures.problems.push(
        `hang: input ${n}: ${name} ${describe(input)} did not answer in ${CALL_TIMEOUT_MS} ms`,
      );
      return options.onHang(n, figures);
    }
    const typed =
      typeof answer === 'object' &&
      answer !== null &&
      (answer.ok === true ||
        (answer.ok === false &&
          ErrorCodeSchema.safeParse(answer.error?.code).success &&
          typeof answer.error.message === 'string'));
    if (!typed) {
      figures.untyped++;
      figures.problems.push(`untyped answer: input ${n}: ${name} ${describe(input)} → ${describe(answer)}`);
    }
    if (answer.ok) {
      figures.accepted++;
      if (READ_ONLY.has(name)) {
        before = { snap: await snapshotTree(root, ignoreLockTimes), quiet: before.quiet };
        continue;
      }
      if (BACKGROUND.has(name)) {
        await suiteStep(`putting things back after input ${n}`, restore);
        state = await readState();
        before = await settle();
        continue;
      }
      // Its writes are done when it answers: only the ids may have changed.
      await rm(outDir, { recursive: true, force: true, maxRetries: 3 });
      await mkdir(outDir, { recursive: true });
      state = await readState();
      before = { snap: await snapshotTree(root, ignoreLockTimes), quiet: await quiet() };
      continue;
    }
    figures.rejected++;
    const code = answer.error.code;
    figures.byCode.set(code, (figures.byCode.get(code) ?? 0) + 1);
    if (code === 'INTERNAL') {
      figures.internal++;
      figures.problems.push(`INTERNAL: input ${n}: ${name} ${describe(input)} → ${answer.error.message}`);
    }
    const asksSegmind = name === 'key.set' || name === 'credits.get';
    const sent = asksSegmind ? standIn.postCount - postsBefore : standIn.requestCount - requestsBefore;
    const jobsAfter = (await jobs()).length;
    if (sent > 0 || jobsAfter !== jobsBefore) {
      figures.requestsByRejected++;
      figures.problems.push(
        `request sent for a rejected input: input ${n}: ${name} ${describe(input)} → ${code} (${sent} request(s), jobs ${jobsBefore} → ${jobsAfter})`,
      );
    }
    const after = await snapshotTree(root, ignoreLockTimes);
    if (!before.quiet) figures.unchecked++;
    else if (!sameTree(before.snap, after)) {
      // Something may still have been settling from before: look again once things are quiet.
      const changes = diffTrees(before.snap, after);
      figures.filesWrittenByRejected++;
      figures.problems.push(
        `files written by a rejected input: input ${n}: ${name} ${describe(input)} → ${code}: ${changes.slice(0, 6).join(', ')}`,
      );
      before = await settle();
      continue;
    }
    before = { snap: after, quiet: before.quiet };
  }
  await runtime.dispose();
  return figures;
}
