import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { stat } from 'node:fs/promises';
import { createAppRuntime } from '../services/runtime';
import { chooseSecretStore } from '../secrets/choose-secret-store';
import { defaultUserDataDir } from '../library/app-paths';
import { APP_VERSION } from '../services/app-version';
import { startBrowserHost } from './browser-host';

/**
 * `npm run host -- --project DIR [--port N]`: the app in a plain browser. The same services as the desktop
 * app; only native dialogs differ (the UI shows a path field instead).
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      project: { type: 'string' },
      port: { type: 'string' },
      renderer: { type: 'string' },
    },
  });
  const userDataDir = defaultUserDataDir();
  const runtime = await createAppRuntime({
    userDataDir,
    platform: { shell: 'browser' },
    secrets: await chooseSecretStore({ userDataDir }),
    appVersion: APP_VERSION,
    ...(process.env.CCSTUDIO_SEGMIND_URL ? { segmindBaseUrl: process.env.CCSTUDIO_SEGMIND_URL } : {}),
  });
  if (values.project) {
    const dir = resolve(values.project);
    const isProject = await stat(join(dir, 'project.json')).then(
      () => true,
      () => false,
    );
    const result = isProject
      ? await runtime.handlers['projects.open']({ dir })
      : await runtime.handlers['projects.create']({ dir, name: basename(dir) || 'Untitled project' });
    console.log(`Project: ${result.name} (${result.path})${result.readOnly ? ' [read-only]' : ''}`);
  }
  const host = await startBrowserHost({
    runtime,
    rendererDir: resolve(values.renderer ?? join(__dirname, '..', 'renderer')),
    ...(values.port ? { port: Number(values.port) } : {}),
  });
  console.log(`Consistent Character Studio is running. Open:\n  ${host.openUrl}`);
  // A signal handler cannot wait for a promise: the chain ends the process on success and on failure.
  const stop = (): void => {
    host
      .close()
      .then(() => runtime.dispose())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(`error: shutting down: ${(error as Error).message}`);
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`error: ${(error as Error).message}`);
  process.exit(1);
});
