import { parseArgs } from 'node:util';
import { AppError } from '../domain';
import type { EventPayload } from '../contract';
import type { TransferItem, TransferOutcome } from '../contract/calls/transfer';
import type { CliCommand, CliContext } from './commands';

/**
 * `character copy` and `poses copy`: characters and pose libraries from one project into another, with
 * their images (results stay behind), through the same calls as the app's "Copy from another project"
 * dialog (transfer.inspect, transfer.copy). Kept apart from commands.ts, which imports this file.
 */

const write = (ctx: CliContext, line: string): void => void ctx.io.stdout.write(`${line}\n`);

function parse(args: string[]) {
  try {
    return parseArgs({ args, options: { all: { type: 'boolean' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new AppError('INVALID_INPUT', (error as Error).message);
  }
}

/** The items NAMES pick (by name, case-insensitive, or id), or all of them with --all. */
function choose(items: TransferItem[], names: string[], all: boolean, what: string): TransferItem[] {
  if (all) {
    if (names.length > 0)
      throw new AppError('INVALID_INPUT', `Name the ${what}s to copy, or --all, not both.`);
    if (items.length === 0) throw new AppError('NOT_FOUND', `The other project has no ${what}s.`);
    return items;
  }
  if (names.length === 0) throw new AppError('INVALID_INPUT', `Name at least one ${what} to copy, or --all.`);
  return names.map((wanted) => {
    const byId = items.find((item) => item.id === wanted);
    if (byId) return byId;
    const named = items.filter((item) => item.name.toLowerCase() === wanted.toLowerCase());
    if (named.length === 1) return named[0]!;
    if (named.length > 1)
      throw new AppError('INVALID_INPUT', `More than one ${what} is named "${wanted}"; use its id.`);
    const there = items.map((item) => item.name).join(', ') || 'none';
    throw new AppError('NOT_FOUND', `The other project has no ${what} named "${wanted}" (it has: ${there}).`);
  });
}

function describe(outcome: TransferOutcome, what: string, imagesWord: string): string {
  if (outcome.status === 'copied')
    return `copied ${what} "${outcome.name}" (${outcome.images} ${imagesWord}) as ${outcome.id}`;
  if (outcome.status === 'updated')
    return `${what} "${outcome.name}" is already here (${outcome.id}); added the ${outcome.images} ${imagesWord} made since`;
  return `${what} "${outcome.name}" is already here (${outcome.id}); not copied again`;
}

function copyCommand(kind: 'character' | 'poses'): CliCommand {
  const what = kind === 'character' ? 'character' : 'pose library';
  return {
    summary:
      kind === 'character'
        ? 'FROM_DIR TO_DIR NAME... | --all   copy characters with their reference images into another project'
        : 'FROM_DIR TO_DIR LIBRARY... | --all   copy pose libraries with their images into another project',
    async run(args, ctx) {
      const { values, positionals } = parse(args);
      const [from, to, ...names] = positionals;
      if (!from || !to) throw new AppError('INVALID_INPUT', 'FROM_DIR and TO_DIR are required.');
      const project = await ctx.runtime.handlers['projects.open']({ dir: ctx.resolvePath(to) });
      if (project.readOnly)
        throw new AppError('PROJECT_READ_ONLY', project.readOnlyReason ?? 'The project is read-only.');
      const dir = ctx.resolvePath(from);
      const listed = await ctx.runtime.handlers['transfer.inspect']({ dir });
      const items = kind === 'character' ? listed.characters : listed.poseLibraries;
      const chosen = choose(items, names, values.all ?? false, what).map((item) => item.id);

      const taskId = `cli-${process.pid}`;
      const cancel = () => void ctx.runtime.handlers['tasks.cancel']({ taskId });
      let lastLine = 0;
      const off = ctx.runtime.events.on((name, payload) => {
        if (name !== 'task.progress') return;
        const progress = payload as EventPayload<'task.progress'>;
        if (progress.taskId !== taskId || progress.finished || Date.now() - lastLine < 1000) return;
        lastLine = Date.now();
        ctx.io.stderr.write(`copied ${progress.done} of ${progress.total} images\n`);
      });
      process.once('SIGINT', cancel);
      try {
        const report = await ctx.runtime.handlers['transfer.copy']({
          dir,
          characterIds: kind === 'character' ? chosen : [],
          poseLibraryIds: kind === 'poses' ? chosen : [],
          taskId,
        });
        const outcomes = kind === 'character' ? report.characters : report.poseLibraries;
        for (const outcome of outcomes)
          write(ctx, describe(outcome, what, kind === 'character' ? 'references' : 'poses'));
        if (report.cancelled)
          throw new AppError('CANCELLED', 'Cancelled: what was copied before stays; nothing is half copied.');
      } finally {
        off();
        process.off('SIGINT', cancel);
      }
    },
  };
}

export const transferCommands: Record<string, CliCommand> = {
  'character copy': copyCommand('character'),
  'poses copy': copyCommand('poses'),
};
