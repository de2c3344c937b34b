import { resolve } from 'node:path';
import { AppError } from '../domain';
import { toAppError, redactKeys } from '../services/to-app-error';
import { createAppRuntime } from '../services/runtime';
import type { AppRuntime } from '../services/runtime-types';
import { chooseSecretStore } from '../secrets/choose-secret-store';
import { defaultUserDataDir } from '../library/app-paths';
import { APP_VERSION } from '../services/app-version';
import { cliCommands, type CliIo } from './commands';

const USAGE = `Usage: ccstudio <command> [options]

${Object.entries(cliCommands)
  .map(([name, command]) => `  ${name.padEnd(18)} ${command.summary}`)
  .join('\n')}

Failures exit non-zero with one line: error CODE: message.
Environment: CCSTUDIO_USER_DATA (app data folder), CCSTUDIO_SEGMIND_URL (Segmind base URL).`;

/**
 * The scriptable command line over the same services as the app. The runtime is built per invocation;
 * commands that need a project open it first (and release its lock at exit).
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [first, second, ...rest] = argv;
  if (!first || first === '--help' || first === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return first ? 0 : 2;
  }
  const twoWord = second ? `${first} ${second}` : first;
  const name = twoWord in cliCommands ? twoWord : first;
  const args = name === twoWord ? rest : [second, ...rest].filter((a): a is string => a !== undefined);
  const command = cliCommands[name];
  if (!command) {
    io.stderr.write(`error INVALID_INPUT: unknown command "${first}". Run ccstudio --help.\n`);
    return 2;
  }
  let runtime: AppRuntime | undefined;
  try {
    const userDataDir = defaultUserDataDir();
    runtime = await createAppRuntime({
      userDataDir,
      platform: { shell: 'browser' },
      secrets: await chooseSecretStore({ userDataDir }),
      appVersion: APP_VERSION,
      runQueue: command.runsQueue ?? false,
      ...(process.env.CCSTUDIO_SEGMIND_URL ? { segmindBaseUrl: process.env.CCSTUDIO_SEGMIND_URL } : {}),
    });
    await command.run(args, { runtime, io, resolvePath: (p) => resolve(p) });
    return 0;
  } catch (error) {
    const appError = error instanceof AppError ? error : toAppError(error);
    io.stderr.write(`error ${appError.code}: ${redactKeys(appError.message).replace(/\s+/g, ' ')}\n`);
    return 1;
  } finally {
    await runtime?.dispose();
  }
}
