import { parseArgs, type ParseArgsConfig } from 'node:util';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;
import { AppError, type ProjectProblem } from '../domain';
import type { EventPayload } from '../contract';
import { DEFAULT_MODEL_ID } from '../models';
import type { AppRuntime } from '../services/runtime-types';
import { writeFileAtomic } from '../library/atomic-write';
import { waitForOutcome } from './wait-for-outcome';
import { transferCommands } from './transfer-commands';
import { batchCommands } from './batch-commands';

export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export interface CliContext {
  runtime: AppRuntime;
  io: CliIo;
  resolvePath(path: string): string;
}

export interface CliCommand {
  summary: string;
  /** Only commands that generate take the outbox and send jobs. */
  runsQueue?: boolean;
  run(args: string[], ctx: CliContext): Promise<void>;
}

/** parseArgs with the errors turned into INVALID_INPUT, so the CLI's one-line error format holds. */
export function parseCommandArgs<T extends OptionsConfig>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new AppError('INVALID_INPUT', (error as Error).message);
  }
}

export function requireValue(value: unknown, flag: string): string {
  if (typeof value !== 'string' || value.length === 0)
    throw new AppError('INVALID_INPUT', `${flag} is required.`);
  return value;
}

export const print = (ctx: CliContext, line: string): void => {
  ctx.io.stdout.write(`${line}\n`);
};

async function readStdin(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8').trim();
}

const describeKeyStore = (status: {
  hasKey: boolean;
  backend: string;
  persistent: boolean;
  note?: string;
}): string =>
  `${status.hasKey ? 'a key is set' : 'no key is set'} (kept in: ${status.backend}${status.persistent ? '' : ', for this session only'})${status.note ? `: ${status.note}` : ''}`;

/**
 * One line per problem of the project on stderr (a damaged file in quarantine, a crash leftover moved
 * aside), so a script's output stays clean and the person still hears of every file that needs them.
 */
function printProblems(ctx: CliContext, problems: readonly ProjectProblem[]): void {
  for (const p of problems) {
    const kept = p.quarantinedAs === undefined ? '' : ` (kept as ${p.quarantinedAs})`;
    ctx.io.stderr.write(`problem ${p.file}: ${p.reason.replace(/\s+/g, ' ')}${kept}\n`);
  }
}

/** Opens the project in DIR for a command; the lock is released when the runtime is disposed. */
async function openProjectArg(ctx: CliContext, dir: string | undefined): Promise<void> {
  const project = await ctx.runtime.handlers['projects.open']({
    dir: ctx.resolvePath(requireValue(dir, 'DIR')),
  });
  printProblems(ctx, project.problems);
  if (project.readOnly)
    throw new AppError('PROJECT_READ_ONLY', project.readOnlyReason ?? 'The project is read-only.');
}

/** Finds one item by its name (case-insensitive) or id, with a clear error listing what exists. */
function findByName<T extends { id: string; name: string }>(items: T[], wanted: string, what: string): T {
  const lower = wanted.toLowerCase();
  const found =
    items.find((item) => item.id === wanted) ?? items.filter((item) => item.name.toLowerCase() === lower);
  if (!Array.isArray(found)) return found;
  if (found.length === 1) return found[0]!;
  const names = items.map((item) => item.name).join(', ') || 'none yet';
  if (found.length > 1)
    throw new AppError('INVALID_INPUT', `More than one ${what} is named "${wanted}"; use its id.`);
  throw new AppError('NOT_FOUND', `There is no ${what} named "${wanted}" (there are: ${names}).`);
}

/** `--set field=value`: numbers stay numbers (seeds included, as safe integers), the rest is text. */
function parseSets(sets: string[]): Record<string, string | number> {
  const params: Record<string, string | number> = {};
  for (const set of sets) {
    const eq = set.indexOf('=');
    if (eq <= 0) throw new AppError('INVALID_INPUT', `--set takes field=value, not "${set}".`);
    const value = set.slice(eq + 1);
    params[set.slice(0, eq)] = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
  return params;
}

/** How long `generate` waits, in total, for automatic retries unless --max-wait says otherwise. */
const DEFAULT_MAX_RETRY_WAIT_S = 120;

function parseSeconds(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const seconds = Number(text);
  if (text.trim() === '' || !Number.isFinite(seconds) || seconds < 0) {
    throw new AppError('INVALID_INPUT', `${flag} takes a number of seconds, not "${text}".`);
  }
  return seconds;
}

/**
 * Runs a project archive call as a task: a progress line on stderr at most once a second, and Ctrl-C
 * cancels it (the call then leaves nothing behind and the command fails with CANCELLED).
 */
async function runArchiveTask<T extends { cancelled: boolean }>(
  ctx: CliContext,
  verb: string,
  work: (taskId: string) => Promise<T>,
): Promise<T> {
  const taskId = `cli-${process.pid}`;
  let lastLine = 0;
  const off = ctx.runtime.events.on((name, payload) => {
    if (name !== 'task.progress') return;
    const progress = payload as EventPayload<'task.progress'>;
    if (progress.taskId !== taskId || progress.finished || Date.now() - lastLine < 1000) return;
    lastLine = Date.now();
    ctx.io.stderr.write(`${verb} ${progress.done} of ${progress.total} files\n`);
  });
  const cancel = () => void ctx.runtime.handlers['tasks.cancel']({ taskId });
  process.once('SIGINT', cancel);
  try {
    const report = await work(taskId);
    if (report.cancelled) throw new AppError('CANCELLED', 'Cancelled: nothing was written.');
    return report;
  } finally {
    off();
    process.off('SIGINT', cancel);
  }
}

export const cliCommands: Record<string, CliCommand> = {
  'key set': {
    summary: '                  read the Segmind API key from standard input and keep it in the keychain',
    async run(_args, ctx) {
      const key = await readStdin(ctx.io.stdin);
      if (!key)
        throw new AppError(
          'INVALID_INPUT',
          'Pipe the key on standard input, e.g. `ccstudio key set < key.txt`.',
        );
      print(ctx, describeKeyStore(await ctx.runtime.handlers['key.set']({ key })));
    },
  },
  'key status': {
    summary: '               whether a key is set and where it is kept (never the key)',
    async run(_args, ctx) {
      print(ctx, describeKeyStore(await ctx.runtime.handlers['key.status']({})));
    },
  },
  'key clear': {
    summary: '                remove the key from the keychain',
    async run(_args, ctx) {
      print(ctx, describeKeyStore(await ctx.runtime.handlers['key.clear']({})));
    },
  },
  credits: {
    summary: '                  the Segmind balance (a free call)',
    async run(_args, ctx) {
      const { credits } = await ctx.runtime.handlers['credits.get']({});
      print(ctx, String(credits));
    },
  },
  'project create': {
    summary: 'DIR --name NAME       create a project in an empty or new folder',
    async run(args, ctx) {
      const { values, positionals } = parseCommandArgs(args, { name: { type: 'string' } });
      const dir = ctx.resolvePath(requireValue(positionals[0], 'DIR'));
      const project = await ctx.runtime.handlers['projects.create']({
        dir,
        name: requireValue(values.name, '--name'),
      });
      print(ctx, `created project "${project.name}" in ${project.path}`);
    },
  },
  'project export': {
    summary: 'DIR FILE.zip [--overwrite]   the whole project as one zip (the .studio cache left out)',
    async run(args, ctx) {
      const { values, positionals } = parseCommandArgs(args, { overwrite: { type: 'boolean' } });
      const dir = ctx.resolvePath(requireValue(positionals[0], 'DIR'));
      const file = ctx.resolvePath(requireValue(positionals[1], 'FILE.zip'));
      const report = await runArchiveTask(ctx, 'archived', (taskId) =>
        ctx.runtime.handlers['projects.exportArchive']({
          dir,
          file,
          overwrite: values.overwrite ?? false,
          taskId,
        }),
      );
      for (const s of report.skipped) ctx.io.stderr.write(`left out ${s.file}: ${s.reason}\n`);
      if (report.skippedCount > report.skipped.length)
        ctx.io.stderr.write(`left out ${report.skippedCount - report.skipped.length} more\n`);
      print(ctx, `exported ${report.files} files (${report.bytes} bytes) to ${report.file ?? file}`);
    },
  },
  'project import': {
    summary:
      'FILE.zip DIR   unpack a project archive into a new (or empty) folder; every entry and image checked',
    async run(args, ctx) {
      const { positionals } = parseCommandArgs(args, {});
      const file = ctx.resolvePath(requireValue(positionals[0], 'FILE.zip'));
      const dir = ctx.resolvePath(requireValue(positionals[1], 'DIR'));
      const report = await runArchiveTask(ctx, 'unpacked', (taskId) =>
        ctx.runtime.handlers['projects.importArchive']({ file, dir, taskId }),
      );
      print(
        ctx,
        `imported project "${report.name ?? '?'}" into ${report.dir ?? dir} (${report.files} files, ${report.images} images checked)`,
      );
    },
  },
  'character add': {
    summary: 'DIR --name N --description TEXT [--style WORDS]   add a character',
    async run(args, ctx) {
      const { values, positionals } = parseCommandArgs(args, {
        name: { type: 'string' },
        description: { type: 'string' },
        style: { type: 'string' },
      });
      await openProjectArg(ctx, positionals[0]);
      const character = await ctx.runtime.handlers['characters.create']({
        name: requireValue(values.name, '--name'),
        description: values.description ?? '',
        styleWords: values.style ?? '',
      });
      print(ctx, `added character "${character.name}" (${character.id})`);
    },
  },
  'pose import': {
    summary:
      'DIR FILE... [--library NAME] [--split]   import pose images, folders or OpenPose .json files (each checked; failures named; --split: one pose per person of a .json)',
    async run(args, ctx) {
      const { values, positionals } = parseCommandArgs(args, {
        library: { type: 'string' },
        split: { type: 'boolean' },
      });
      const [dir, ...files] = positionals;
      if (files.length === 0)
        throw new AppError('INVALID_INPUT', 'Name at least one image file or folder to import.');
      await openProjectArg(ctx, dir);
      const libraryName = values.library ?? 'Poses';
      const { libraries } = await ctx.runtime.handlers['poses.list']({});
      const library = libraries.find((l) => l.name.toLowerCase() === libraryName.toLowerCase());
      // A library that does not exist yet is made with the first pose accepted, never empty.
      const report = await ctx.runtime.handlers['poses.import']({
        ...(library ? { libraryId: library.id } : { newLibraryName: libraryName }),
        sources: files.map((file) => ({ path: ctx.resolvePath(file) })),
        ...(values.split ? { split: true } : {}),
      });
      for (const pose of report.imported)
        print(ctx, `imported "${pose.name}" (${pose.kind}, ${pose.figures.length} figures)`);
      for (const dup of report.duplicates) print(ctx, `skipped ${JSON.stringify(dup)}`);
      for (const failure of report.failed) ctx.io.stderr.write(`rejected ${JSON.stringify(failure)}\n`);
      if (report.failed.length > 0 && report.imported.length === 0) {
        throw new AppError(
          'IMAGE_REJECTED',
          `None of the ${report.failed.length} file(s) could be imported.`,
        );
      }
    },
  },
  'pose add-starter': {
    summary: 'DIR [--library NAME]   add the starter pose library (keypoint poses of every kind and view)',
    async run(args, ctx) {
      const { values, positionals } = parseCommandArgs(args, { library: { type: 'string' } });
      await openProjectArg(ctx, positionals[0]);
      const libraryName = values.library ?? 'Starter poses';
      const { libraries } = await ctx.runtime.handlers['poses.list']({});
      const library = libraries.find((l) => l.name.toLowerCase() === libraryName.toLowerCase());
      const report = await ctx.runtime.handlers['poses.addStarter'](
        library ? { libraryId: library.id } : { newLibraryName: libraryName },
      );
      for (const failure of report.failed) ctx.io.stderr.write(`rejected ${JSON.stringify(failure)}\n`);
      const already = report.duplicates.length > 0 ? ` (${report.duplicates.length} already there)` : '';
      print(ctx, `added ${report.imported.length} starter poses to "${libraryName}"${already}`);
    },
  },
  'pose export-json': {
    summary:
      'DIR POSE [--out FILE] [--normalised]   a pose’s keypoints as OpenPose / ControlNet JSON (to FILE, else printed)',
    async run(args, ctx) {
      const { values, positionals } = parseCommandArgs(args, {
        out: { type: 'string' },
        normalised: { type: 'boolean' },
      });
      const [dir, poseName] = positionals;
      await openProjectArg(ctx, dir);
      const poses = (await ctx.runtime.handlers['poses.list']({})).libraries.flatMap((l) => l.poses);
      const pose = findByName(poses, requireValue(poseName, 'POSE'), 'pose');
      const { json } = await ctx.runtime.handlers['poses.exportSkeleton']({
        poseId: pose.id,
        normalised: values.normalised === true,
      });
      if (values.out === undefined) {
        ctx.io.stdout.write(json);
        return;
      }
      const target = ctx.resolvePath(values.out);
      await writeFileAtomic(target, Buffer.from(json));
      print(ctx, `wrote "${pose.name}" to ${target}`);
    },
  },
  generate: {
    summary:
      'DIR --character NAME --pose NAME [--set field=value]... [--max-wait SECONDS] [--json]   generate and wait for the result (and up to 120 s for Segmind to take it again after a 429 or 500)',
    runsQueue: true,
    async run(args, ctx) {
      const { values, positionals } = parseCommandArgs(args, {
        character: { type: 'string' },
        pose: { type: 'string' },
        set: { type: 'string', multiple: true },
        model: { type: 'string' },
        'max-wait': { type: 'string' },
        json: { type: 'boolean' },
      });
      const maxWaitS = parseSeconds(values['max-wait'], '--max-wait', DEFAULT_MAX_RETRY_WAIT_S);
      await openProjectArg(ctx, positionals[0]);
      const { handlers } = ctx.runtime;
      const character = findByName(
        (await handlers['characters.list']({})).characters,
        requireValue(values.character, '--character'),
        'character',
      );
      const poses = (await handlers['poses.list']({})).libraries.flatMap((l) => l.poses);
      const pose = findByName(poses, requireValue(values.pose, '--pose'), 'pose');
      const job = await handlers['generation.enqueue']({
        modelId: values.model ?? DEFAULT_MODEL_ID,
        characterId: character.id,
        poseId: pose.id,
        params: parseSets(values.set ?? []),
      });
      // Progress goes to stderr: stdout carries only the result (JSON with --json).
      const done = await waitForOutcome(ctx.runtime, job.id, {
        maxRetryWaitMs: maxWaitS * 1000,
        notify: (line) => ctx.io.stderr.write(`${line}\n`),
      });
      const result = await handlers['results.get']({ id: done.resultId });
      if (values.json) {
        print(
          ctx,
          JSON.stringify({
            jobId: done.id,
            resultId: done.resultId,
            file: result.result.file,
            receipt: result.result.receipt,
          }),
        );
      } else {
        const h = result.result.receipt.response.headers;
        print(
          ctx,
          `result ${done.resultId}: ${result.result.file} (seed ${h.seed ?? 'unknown'}, cost ${h.cost ?? '?'}, credits left ${h.remainingCredits ?? '?'})`,
        );
      }
    },
  },
  'results list': {
    summary: 'DIR [--json]   every result with its character, pose, rating and seed',
    async run(args, ctx) {
      const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' } });
      await openProjectArg(ctx, positionals[0]);
      const items = [];
      for (let offset = 0; ;) {
        const page = await ctx.runtime.handlers['results.query']({
          filter: {},
          sort: 'newest',
          offset,
          limit: 1000,
        });
        items.push(...page.items);
        offset += page.items.length;
        if (offset >= page.total || page.items.length === 0) break;
      }
      if (values.json) return print(ctx, JSON.stringify(items));
      for (const r of items) {
        print(
          ctx,
          `${r.id}  ${r.file}  ${r.characterName ?? '?'} × ${r.poseName ?? '?'}  ${'★'.repeat(r.rating)}${r.flag === 'none' ? '' : ` ${r.flag}`}  seed ${r.seed ?? '-'}`,
        );
      }
    },
  },
  ...transferCommands,
  ...batchCommands,
};
