import { createInterface } from 'node:readline';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AppError, type BatchProgress, type Job } from '../domain';
import { DEFAULT_MODEL_ID } from '../models';
import { describePlan } from '../services/generation/batch-plan';
import type { CliCommand, CliContext } from './commands';

/**
 * `batch` (characters x pose sheets x seeds in one request, planned and confirmed once), `jobs
 * list/pause/resume/cancel` and `spend`. Kept apart from commands.ts, which imports this file. The same
 * calls as the Generate panel (batches.plan, batches.start, ...), so the figures are the app's.
 */

const write = (ctx: CliContext, line: string): void => void ctx.io.stdout.write(`${line}\n`);
const note = (ctx: CliContext, line: string): void => void ctx.io.stderr.write(`${line}\n`);

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

function parse<T extends OptionsConfig>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new AppError('INVALID_INPUT', (error as Error).message);
  }
}

/** Opens the project in DIR (its lock is released when the runtime is disposed); refuses a read-only one. */
async function openProject(ctx: CliContext, dir: string | undefined): Promise<void> {
  if (!dir) throw new AppError('INVALID_INPUT', 'DIR is required.');
  const project = await ctx.runtime.handlers['projects.open']({ dir: ctx.resolvePath(dir) });
  if (project.readOnly)
    throw new AppError('PROJECT_READ_ONLY', project.readOnlyReason ?? 'The project is read-only.');
}

const list = (text: string | undefined, flag: string): string[] => {
  const items = (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0)
    throw new AppError('INVALID_INPUT', `${flag} takes a comma-separated list of names.`);
  return items;
};

/** A name (case-insensitive) or an id, or a clear error listing what exists. */
function pick<T extends { id: string; name: string }>(items: T[], wanted: string, what: string): T {
  const byId = items.find((item) => item.id === wanted);
  if (byId) return byId;
  const named = items.filter((item) => item.name.toLowerCase() === wanted.toLowerCase());
  if (named.length === 1) return named[0]!;
  if (named.length > 1)
    throw new AppError('INVALID_INPUT', `More than one ${what} is named "${wanted}"; use its id.`);
  const names = items.map((item) => item.name).join(', ') || 'none yet';
  throw new AppError('NOT_FOUND', `There is no ${what} named "${wanted}" (there are: ${names}).`);
}

/** `--set field=value`: numbers stay numbers, true/false are switches, the rest is text. */
function parseSets(sets: readonly string[]): Record<string, string | number | boolean> {
  const params: Record<string, string | number | boolean> = {};
  for (const set of sets) {
    const eq = set.indexOf('=');
    if (eq <= 0) throw new AppError('INVALID_INPUT', `--set takes field=value, not "${set}".`);
    const value = set.slice(eq + 1);
    params[set.slice(0, eq)] =
      value === 'true' || value === 'false'
        ? value === 'true'
        : /^-?\d+(\.\d+)?$/.test(value)
          ? Number(value)
          : value;
  }
  return params;
}

function parseSeeds(count: string | undefined, seedList: string | undefined) {
  if (seedList !== undefined) {
    const seeds = list(seedList, '--seed-list').map(Number);
    if (!seeds.every((s) => Number.isSafeInteger(s) && s >= -1))
      throw new AppError('INVALID_INPUT', '--seed-list takes whole numbers (-1 for random).');
    return seeds;
  }
  const n = Number(count ?? '1');
  if (!Number.isInteger(n) || n < 1)
    throw new AppError('INVALID_INPUT', `--seeds takes a count, not "${count}".`);
  return { count: n };
}

async function confirm(ctx: CliContext, question: string): Promise<boolean> {
  const rl = createInterface({ input: ctx.io.stdin, terminal: false });
  ctx.io.stderr.write(`${question} [y/N] `);
  const answer = await new Promise<string>((resolve) => {
    rl.once('line', resolve);
    rl.once('close', () => resolve(''));
  });
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}

const countsLine = (p: BatchProgress): string => {
  const c = p.counts;
  return `batch ${p.batch.id} ${p.batch.state}: ${c.completed} done, ${c.running} running, ${c.queued} waiting${c.failed ? `, ${c.failed} failed` : ''}${c.unknown ? `, ${c.unknown} unknown` : ''}${c.cancelled ? `, ${c.cancelled} cancelled` : ''}; spent ${p.spent}`;
};

/**
 * Waits until no run of the batch is waiting or running (and each finished one is in its project),
 * printing progress on stderr as it changes. Fails when the queue stops for a reason the person must fix.
 */
async function waitForBatch(ctx: CliContext, id: string): Promise<BatchProgress> {
  const { handlers } = ctx.runtime;
  let last = '';
  for (;;) {
    const progress = (await handlers['batches.list']({})).batches.find((b) => b.batch.id === id);
    if (!progress) throw new AppError('NOT_FOUND', 'The batch is gone.');
    const line = countsLine(progress);
    if (line !== last) note(ctx, (last = line));
    const { jobs, state } = await handlers['jobs.list']({});
    const mine = jobs.filter((j) => j.batchId === id);
    const undelivered = mine.some((j: Job) => j.state === 'completed' && !j.resultId && !j.error);
    if (progress.counts.queued + progress.counts.running === 0 && !undelivered) return progress;
    if (progress.batch.state === 'paused') return progress;
    if (state.paused) throw new AppError(state.paused.code, `The queue stopped: ${state.paused.message}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export const batchCommands: Record<string, CliCommand> = {
  batch: {
    summary:
      'DIR --characters A,B --poses X,Y [--seeds N | --seed-list 1,2] [--model ID]... [--set f=v]... [--dry-run] [--yes] [--json]   plan a batch (runs, cost per model and in total, time, balance), confirm once, send and wait',
    runsQueue: true,
    async run(args, ctx) {
      const { values, positionals } = parse(args, {
        characters: { type: 'string' },
        poses: { type: 'string' },
        seeds: { type: 'string' },
        'seed-list': { type: 'string' },
        model: { type: 'string', multiple: true },
        set: { type: 'string', multiple: true },
        'dry-run': { type: 'boolean' },
        yes: { type: 'boolean' },
        json: { type: 'boolean' },
      });
      await openProject(ctx, positionals[0]);
      const { handlers } = ctx.runtime;
      const characters = (await handlers['characters.list']({})).characters;
      const poses = (await handlers['poses.list']({})).libraries.flatMap((l) => l.poses);
      const request = {
        modelIds: values.model?.length ? values.model : [DEFAULT_MODEL_ID],
        characterIds: list(values.characters, '--characters').map((n) => pick(characters, n, 'character').id),
        poseIds: list(values.poses, '--poses').map((n) => pick(poses, n, 'pose').id),
        params: parseSets(values.set ?? []),
      };
      const plan = await handlers['batches.plan']({
        ...request,
        seeds: parseSeeds(values.seeds, values['seed-list']),
      });
      if (values.json && values['dry-run']) return write(ctx, JSON.stringify(plan));
      for (const line of describePlan(plan)) (values.json ? note : write)(ctx, line);
      if (values['dry-run']) return write(ctx, 'Dry run: nothing was sent.');
      if (
        !values.yes &&
        !(await confirm(ctx, `Send ${plan.runs} runs for about ${plan.totalCost} credits?`))
      ) {
        throw new AppError('CANCELLED', 'Not confirmed: nothing was sent.');
      }
      const started = await handlers['batches.start']({ ...request, seeds: plan.seeds });
      note(ctx, `batch ${started.batch.id}: ${started.batch.label}`);
      const done = await waitForBatch(ctx, started.batch.id);
      if (values.json) write(ctx, JSON.stringify(done));
      else write(ctx, countsLine(done));
    },
  },
  'jobs list': {
    summary: '[--json]   batches with their progress, and every job in the queue',
    async run(args, ctx) {
      const { values } = parse(args, { json: { type: 'boolean' } });
      const { handlers } = ctx.runtime;
      const { batches } = await handlers['batches.list']({});
      const { jobs, state } = await handlers['jobs.list']({});
      if (values.json) return write(ctx, JSON.stringify({ batches, jobs, state }));
      for (const b of batches) write(ctx, `${countsLine(b)}  (${b.batch.label})`);
      for (const j of jobs) {
        write(
          ctx,
          `job ${j.id} ${j.state}  ${j.label.character} × ${j.label.pose}  ${j.modelId}${j.batchId ? `  batch ${j.batchId}` : ''}${j.error ? `  ${j.error.message}` : ''}`,
        );
      }
      if (state.paused) write(ctx, `queue paused: ${state.paused.message}`);
    },
  },
  'jobs pause': {
    summary: 'BATCH_ID   hold every run of a batch not yet sent (kept across restarts)',
    async run(args, ctx) {
      const { positionals } = parse(args, {});
      const id = positionals[0];
      if (!id) throw new AppError('INVALID_INPUT', 'Name the batch to pause.');
      write(ctx, countsLine(await ctx.runtime.handlers['batches.pause']({ id })));
    },
  },
  'jobs resume': {
    summary: 'BATCH_ID   resume a paused or interrupted batch, send what is left and wait for it',
    runsQueue: true,
    async run(args, ctx) {
      const { positionals } = parse(args, {});
      const id = positionals[0];
      if (!id) throw new AppError('INVALID_INPUT', 'Name the batch to resume.');
      const { handlers } = ctx.runtime;
      const found = (await handlers['batches.list']({})).batches.find((b) => b.batch.id === id);
      if (!found) throw new AppError('NOT_FOUND', `There is no batch ${id}.`);
      // Its results are saved into its project: open it, so they land there.
      await openProject(ctx, found.batch.projectPath);
      await handlers['batches.resume']({ id });
      write(ctx, countsLine(await waitForBatch(ctx, id)));
    },
  },
  'jobs cancel': {
    summary: 'ID   cancel a batch (every run not yet sent) or one waiting job',
    async run(args, ctx) {
      const { positionals } = parse(args, {});
      const id = positionals[0];
      if (!id) throw new AppError('INVALID_INPUT', 'Name the batch or job to cancel.');
      const { handlers } = ctx.runtime;
      const isBatch = (await handlers['batches.list']({})).batches.some((b) => b.batch.id === id);
      if (isBatch) return write(ctx, countsLine(await handlers['batches.cancel']({ id })));
      const job = await handlers['jobs.cancel']({ id });
      write(ctx, `job ${job.id} ${job.state}`);
    },
  },
  spend: {
    summary:
      'DIR [--json]   credits spent per project, character and batch (from the receipts), and the balance over time',
    async run(args, ctx) {
      const { values, positionals } = parse(args, { json: { type: 'boolean' } });
      await openProject(ctx, positionals[0]);
      const summary = await ctx.runtime.handlers['spend.summary']({});
      if (values.json) return write(ctx, JSON.stringify(summary));
      write(ctx, `project: ${summary.total} credits over ${summary.runs} runs`);
      for (const c of summary.byCharacter)
        write(ctx, `  character ${c.name ?? c.id}: ${c.cost} (${c.runs} runs)`);
      for (const b of summary.byBatch)
        write(ctx, `  batch ${b.id}${b.name ? ` (${b.name})` : ''}: ${b.cost} (${b.runs} runs)`);
      for (const p of summary.balance) write(ctx, `  balance ${p.at}: ${p.credits}`);
    },
  },
};
