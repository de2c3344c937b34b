/**
 * The flows the storage-faults suite breaks, each as the UI drives it (dispatchCall on the real runtime's
 * handlers), with what a success must have done and how the person tries again after a failure.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { CallName } from '../../../src/contract';
import type { AppErrorData, Job } from '../../../src/domain';
import { consistentCharacterV1 } from '../../../src/models';
import type { AppRuntime } from '../../../src/services/runtime-types';
import { real } from './fault-injector';
import type { Template } from './template';

export type CallOutcome = { ok: true; value: unknown } | { ok: false; error: AppErrorData };

export interface CaseContext {
  T: Template;
  /** The case's project folder (a copy of the template). */
  dir: string;
  /** The case's export folder (holds keep.txt from before). */
  exportDir: string;
  /** The runtime's user-data folder (the job outbox). */
  userDataDir: string;
  runtime: AppRuntime;
  call(name: CallName, input: unknown): Promise<CallOutcome>;
}

export type Outcome =
  | { ok: true; value: unknown }
  | { ok: false; error: AppErrorData; stage?: 'enqueue' | 'commit'; jobId?: string };

/** Something the call answered ok but reported as not done (an import's failed file, an export's failed result). */
export interface SoftFailure {
  code?: string;
  message: string;
}

export interface Flow {
  name: string;
  /** Also counts (and faults) operations in the case's export folder. */
  usesExportDir?: boolean;
  /** Needs the generation queue (and the stand-in). */
  generation?: boolean;
  run(ctx: CaseContext): Promise<Outcome>;
  /** What is wrong with the project after a run that answered ok (empty: the flow did everything). */
  verify(ctx: CaseContext, value: unknown): Promise<string[]>;
  soft?(value: unknown): SoftFailure[];
  /** Pre-existing files a failed run may have changed (an import keeps the poses it stored before it stopped). */
  mayChange?(ctx: CaseContext, error: AppErrorData): string[];
  /** Extra checks after a failure (the paid image is still safe). */
  afterFailure?(ctx: CaseContext, outcome: Extract<Outcome, { ok: false }>): Promise<string[]>;
  /** The person's "try again"; default: run again. */
  retry?(ctx: CaseContext, failed: Extract<Outcome, { ok: false }>): Promise<Outcome>;
}

const fs = () => real();
const isFile = async (path: string) =>
  (
    await fs()
      .stat(path)
      .catch(() => null)
  )?.isFile() === true;
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const readJson = async (path: string): Promise<Record<string, unknown>> =>
  JSON.parse(await fs().readFile(path, 'utf8')) as Record<string, unknown>;

async function value(ctx: CaseContext, name: CallName, input: unknown): Promise<Record<string, unknown>> {
  const out = await ctx.call(name, input);
  if (!out.ok) throw new Error(`${name} failed while checking: ${out.error.code} ${out.error.message}`);
  return out.value as Record<string, unknown>;
}

async function characterNames(ctx: CaseContext): Promise<Map<string, string>> {
  const list = (await value(ctx, 'characters.list', {})).characters as { id: string; name: string }[];
  return new Map(list.map((c) => [c.id, c.name]));
}

async function libraryPoses(
  ctx: CaseContext,
): Promise<{ id: string; image: { file: string; sha256: string } }[]> {
  const libs = (await value(ctx, 'poses.list', {})).libraries as {
    id: string;
    poses: { id: string; image: { file: string; sha256: string } }[];
  }[];
  return libs.find((l) => l.id === ctx.T.libraryId)?.poses ?? [];
}

async function resultIds(ctx: CaseContext): Promise<string[]> {
  const page = await value(ctx, 'results.query', { offset: 0, limit: 500 });
  return (page.items as { id: string }[]).map((r) => r.id);
}

async function trashIds(ctx: CaseContext): Promise<string[]> {
  return ((await value(ctx, 'trash.list', {})).entries as { id: string }[]).map((e) => e.id);
}

/** The trash entry holds every path it moved, and none of them is still in the project. */
async function trashedWhole(ctx: CaseContext, trashId: string): Promise<string[]> {
  const problems: string[] = [];
  if (!(await trashIds(ctx)).includes(trashId))
    problems.push(`trash.list does not show the new entry ${trashId}`);
  const entry = await readJson(join(ctx.dir, 'trash', trashId, 'entry.json')).catch(() => null);
  if (!entry) return [...problems, `trash/${trashId}/entry.json is not readable`];
  for (const rel of entry.moves as string[]) {
    const inTrash = await fs()
      .stat(join(ctx.dir, 'trash', trashId, 'files', rel))
      .catch(() => null);
    if (!inTrash) problems.push(`${rel} is not in trash entry ${trashId}`);
    if (
      await fs()
        .stat(join(ctx.dir, rel))
        .catch(() => null)
    )
      problems.push(`${rel} is still in the project`);
  }
  return problems;
}

const ok = (out: CallOutcome): Outcome => out;

// -- flows ------------------------------------------------------------------------------------------

const saveCreate: Flow = {
  name: 'save: characters.create',
  run: async (ctx) =>
    ok(
      await ctx.call('characters.create', {
        name: 'Nova',
        description: 'tall, green coat',
        styleWords: 'ink',
      }),
    ),
  async verify(ctx, v) {
    const id = (v as { id: string }).id;
    const names = await characterNames(ctx);
    const problems: string[] = [];
    if (names.get(id) !== 'Nova') problems.push(`the new character ${id} is not listed as Nova`);
    const novas = [...names.values()].filter((n) => n === 'Nova').length;
    if (novas !== 1)
      problems.push(
        `${novas} characters named Nova (a failed create that was saved after all, then saved again)`,
      );
    return problems;
  },
};

const saveUpdate: Flow = {
  name: 'save: characters.update',
  run: async (ctx) =>
    ok(
      await ctx.call('characters.update', {
        id: ctx.T.mira,
        changes: { description: 'older pilot, blue scarf', styleWords: 'gouache' },
      }),
    ),
  async verify(ctx) {
    const c = await readJson(join(ctx.dir, 'characters', ctx.T.mira, 'character.json'));
    return c.description === 'older pilot, blue scarf' && c.styleWords === 'gouache'
      ? []
      : ['character.json does not hold the update'];
  },
};

const importPoses: Flow = {
  name: 'import: poses.import (3 PNGs)',
  run: async (ctx) =>
    ok(await ctx.call('poses.import', { libraryId: ctx.T.libraryId, sources: [{ path: ctx.T.importDir }] })),
  soft: (v) =>
    ((v as { failed: SoftFailure[] }).failed ?? []).map((f) => ({ code: f.code, message: f.message })),
  async verify(ctx) {
    const poses = await libraryPoses(ctx);
    const have = new Set(poses.map((p) => p.image.sha256));
    const problems = ctx.T.importHashes
      .filter((h) => !have.has(h))
      .map((h) => `imported picture ${h.slice(0, 8)} is not in the library`);
    for (const p of poses)
      if (!(await isFile(join(ctx.dir, p.image.file))))
        problems.push(`pose ${p.id}: ${p.image.file} missing`);
    return problems;
  },
  // The poses stored before a refused write are kept (detail.imported), so the library has them: in
  // its log of changes, or in library.json when the log was folded in.
  mayChange: (ctx, error) =>
    Array.isArray(error.detail?.imported) && error.detail.imported.length > 0
      ? [`poses/${ctx.T.libraryId}/library.json`, `poses/${ctx.T.libraryId}/library.changes.jsonl`]
      : [],
};

const MODEL_ID = consistentCharacterV1.id;

/** The job once `done` holds; after `timeoutMs`, as it is then (`lenient`) or an Error. */
async function waitJob(
  ctx: CaseContext,
  id: string,
  done: (job: Job) => boolean,
  timeoutMs = 15_000,
  lenient = false,
): Promise<Job> {
  const start = Date.now();
  for (;;) {
    const jobs = (await value(ctx, 'jobs.list', {})).jobs as Job[];
    const job = jobs.find((j) => j.id === id);
    if (job && done(job)) return job;
    if (Date.now() - start > timeoutMs) {
      if (lenient && job) return job;
      const { params: _params, ...shown } = job ?? ({} as Partial<Job>);
      const state = (await value(ctx, 'jobs.list', {})).state;
      throw new Error(
        `job ${id} did not settle in ${timeoutMs} ms: ${JSON.stringify(shown)}; queue ${JSON.stringify(state)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

const settledJob = (j: Job) =>
  j.resultId !== undefined ||
  (j.state === 'completed' && j.error !== undefined) ||
  j.state === 'failed' ||
  j.state === 'unknown';

const commit: Flow = {
  name: 'commit: generation via the stand-in',
  generation: true,
  async run(ctx) {
    const enq = await ctx.call('generation.enqueue', {
      modelId: MODEL_ID,
      characterId: ctx.T.mira,
      poseId: ctx.T.sheetPoseId,
      params: {},
    });
    if (!enq.ok) return { ok: false, error: enq.error, stage: 'enqueue' };
    const job = await waitJob(ctx, (enq.value as Job).id, settledJob);
    if (job.resultId) return { ok: true, value: job };
    return {
      ok: false,
      error: job.error ?? { code: 'INTERNAL', message: `job ended ${job.state} without an error` },
      stage: 'commit',
      jobId: job.id,
    };
  },
  async verify(ctx, v) {
    const job = v as Job;
    const problems: string[] = [];
    const receipt = await readJson(join(ctx.dir, 'results', `${job.resultId}.json`)).catch(() => null);
    if (!receipt) return [`results/${job.resultId}.json is not readable`];
    const image = await fs()
      .readFile(join(ctx.dir, String(receipt.file)))
      .catch(() => null);
    if (!image) problems.push(`${String(receipt.file)} is missing`);
    else if (sha(image) !== job.output?.sha256)
      problems.push(`${String(receipt.file)} is not the paid image`);
    if (!(await resultIds(ctx)).includes(job.resultId ?? ''))
      problems.push('the result is not in the gallery');
    return problems;
  },
  async afterFailure(ctx, failed) {
    if (failed.stage !== 'commit' || !failed.jobId) return [];
    // The paid image is safe in the outbox until it is committed.
    const job = await waitJob(ctx, failed.jobId, () => true);
    const file = job.output ? join(ctx.userDataDir, 'outbox', job.id, job.output.file) : '';
    const bytes = file
      ? await fs()
          .readFile(file)
          .catch(() => null)
      : null;
    return bytes && sha(bytes) === job.output?.sha256
      ? []
      : ['the paid image is not safe in the outbox after a failed commit'];
  },
  async retry(ctx, failed) {
    if (failed.stage !== 'commit' || !failed.jobId) return commit.run(ctx);
    // A paid image waiting in the outbox is committed when its project opens again.
    const closed = await ctx.call('projects.close', {});
    if (!closed.ok) return { ok: false, error: closed.error };
    const opened = await ctx.call('projects.open', { dir: ctx.dir });
    if (!opened.ok) return { ok: false, error: opened.error };
    const job = await waitJob(ctx, failed.jobId, (j) => j.resultId !== undefined, 5_000, true);
    return job.resultId
      ? { ok: true, value: job }
      : { ok: false, error: job.error ?? failed.error, stage: 'commit', jobId: job.id };
  },
};

async function cutsOf(ctx: CaseContext, parent: string): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const name of await fs().readdir(join(ctx.dir, 'results'))) {
    if (!/^[a-z0-9]+\.json$/.test(name)) continue;
    const r = await readJson(join(ctx.dir, 'results', name)).catch(() => null);
    const from = r?.cutFrom as { resultId: string; figureIndex: number } | undefined;
    if (from?.resultId === parent) out.set(from.figureIndex, String(r?.id));
  }
  return out;
}

const cut: Flow = {
  name: 'cut: results.cut (3 figures)',
  run: async (ctx) => ok(await ctx.call('results.cut', { id: ctx.T.r1 })),
  async verify(ctx) {
    const cuts = await cutsOf(ctx, ctx.T.r1);
    const problems = [0, 1, 2].filter((i) => !cuts.has(i)).map((i) => `figure ${i + 1} was not cut`);
    const listed = new Set(await resultIds(ctx));
    for (const id of cuts.values()) if (!listed.has(id)) problems.push(`cut ${id} is not in the gallery`);
    if (cuts.size > 3) problems.push(`${cuts.size} cuts of 3 figures`);
    return problems;
  },
};

const exportFlow: Flow = {
  name: 'export: results.export (2 results + receipts)',
  usesExportDir: true,
  run: async (ctx) =>
    ok(
      await ctx.call('results.export', {
        ids: [ctx.T.r1, ctx.T.r2],
        dir: ctx.exportDir,
        includeReceipt: true,
      }),
    ),
  soft: (v) => ((v as { failed: { message: string }[] }).failed ?? []).map((f) => ({ message: f.message })),
  async verify(ctx, v) {
    const report = v as { files: { id: string; file: string; receiptFile?: string }[] };
    const problems: string[] = [];
    for (const id of [ctx.T.r1, ctx.T.r2]) {
      const f = report.files.find((x) => x.id === id);
      if (!f) {
        problems.push(`result ${id} was not exported`);
        continue;
      }
      if (!(await isFile(f.file))) problems.push(`${f.file} is not there`);
      if (!f.receiptFile || !(await readJson(f.receiptFile).catch(() => null)))
        problems.push(`the receipt of ${id} is not there whole`);
    }
    return problems;
  },
};

const trashResults: Flow = {
  name: 'trash: results.trash',
  run: async (ctx) => ok(await ctx.call('results.trash', { ids: [ctx.T.r2] })),
  async verify(ctx, v) {
    const problems = await trashedWhole(ctx, (v as { trashId: string }).trashId);
    if ((await resultIds(ctx)).includes(ctx.T.r2)) problems.push('the result is still in the gallery');
    return problems;
  },
};

const trashPoses: Flow = {
  name: 'trash: poses.trash',
  run: async (ctx) => ok(await ctx.call('poses.trash', { poseIds: [ctx.T.leanPoseId] })),
  async verify(ctx, v) {
    const problems = await trashedWhole(ctx, (v as { trashId: string }).trashId);
    if ((await libraryPoses(ctx)).some((p) => p.id === ctx.T.leanPoseId))
      problems.push('the pose is still in its library');
    return problems;
  },
};

const trashCharacter: Flow = {
  name: 'trash: characters.trash',
  run: async (ctx) => ok(await ctx.call('characters.trash', { id: ctx.T.mira })),
  async verify(ctx, v) {
    const problems = await trashedWhole(ctx, (v as { trashId: string }).trashId);
    if ((await characterNames(ctx)).has(ctx.T.mira)) problems.push('the character is still listed');
    return problems;
  },
};

async function restored(ctx: CaseContext, trashId: string): Promise<string[]> {
  return (await trashIds(ctx)).includes(trashId) ? [`trash entry ${trashId} is still listed`] : [];
}

const restorePose: Flow = {
  name: 'restore: trash.restore (a pose)',
  run: async (ctx) => ok(await ctx.call('trash.restore', { id: ctx.T.trashedPose })),
  async verify(ctx) {
    const problems = await restored(ctx, ctx.T.trashedPose);
    const poses = await libraryPoses(ctx);
    if (poses.length !== 3) problems.push(`the library has ${poses.length} poses, not 3`);
    for (const p of poses)
      if (!(await isFile(join(ctx.dir, p.image.file))))
        problems.push(`pose ${p.id}: ${p.image.file} missing`);
    return problems;
  },
};

const restoreResults: Flow = {
  name: 'restore: trash.restore (a result)',
  run: async (ctx) => ok(await ctx.call('trash.restore', { id: ctx.T.trashedResults })),
  async verify(ctx) {
    const problems = await restored(ctx, ctx.T.trashedResults);
    const ids = await resultIds(ctx);
    if (ids.length !== 3) problems.push(`the gallery shows ${ids.length} results, not 3`);
    return problems;
  },
};

const restoreCharacter: Flow = {
  name: 'restore: trash.restore (a character)',
  run: async (ctx) => ok(await ctx.call('trash.restore', { id: ctx.T.trashedCharacter })),
  async verify(ctx) {
    const problems = await restored(ctx, ctx.T.trashedCharacter);
    if (![...(await characterNames(ctx)).values()].includes('Zed')) problems.push('Zed is not back');
    return problems;
  },
};

export const FLOWS: Flow[] = [
  saveCreate,
  saveUpdate,
  importPoses,
  commit,
  cut,
  exportFlow,
  trashResults,
  trashPoses,
  trashCharacter,
  restorePose,
  restoreResults,
  restoreCharacter,
];
