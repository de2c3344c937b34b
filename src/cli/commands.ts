import { parseArgs, type ParseArgsConfig } from 'node:util';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;
import { AppError } from '../domain';
import type { AppRuntime } from '../services/runtime-types';

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
  if (typeof value !== 'string' || value.length === 0) throw new AppError('INVALID_INPUT', `${flag} is required.`);
  return value;
}

export const print = (ctx: CliContext, line: string): void => {
  ctx.io.stdout.write(`${line}\n`);
};

export const cliCommands: Record<string, CliCommand> = {
  'project create': {
    summary: 'DIR --name NAME       create a project in an empty or new folder',
    async run(args, ctx) {
      const { values, positionals } = parseCommandArgs(args, { name: { type: 'string' } });
      const dir = ctx.resolvePath(requireValue(positionals[0], 'DIR'));
      const project = await ctx.runtime.handlers['projects.create']({ dir, name: requireValue(values.name, '--name') });
      print(ctx, `created project "${project.name}" in ${project.path}`);
    },
  },
};
