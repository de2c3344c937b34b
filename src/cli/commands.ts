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
  if (typeof value !== 'string' || value.length === 0) throw new AppError('INVALID_INPUT', `${flag} is required.`);
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

const describeKeyStore = (status: { hasKey: boolean; backend: string; persistent: boolean; note?: string }): string =>
  `${status.hasKey ? 'a key is set' : 'no key is set'} (kept in: ${status.backend}${status.persistent ? '' : ', for this session only'})${status.note ? `: ${status.note}` : ''}`;

export const cliCommands: Record<string, CliCommand> = {
  'key set': {
    summary: '                  read the Segmind API key from standard input and keep it in the keychain',
    async run(_args, ctx) {
      const key = await readStdin(ctx.io.stdin);
      if (!key) throw new AppError('INVALID_INPUT', 'Pipe the key on standard input, e.g. `ccstudio key set < key.txt`.');
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
      const project = await ctx.runtime.handlers['projects.create']({ dir, name: requireValue(values.name, '--name') });
      print(ctx, `created project "${project.name}" in ${project.path}`);
    },
  },
};
