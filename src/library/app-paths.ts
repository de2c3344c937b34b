import { homedir, platform } from 'node:os';
import { join } from 'node:path';

export const PRODUCT_NAME = 'Consistent Character Studio';

/**
 * The user-data folder when no shell tells us one: the same folder Electron's app.getPath('userData')
 * uses, so the CLI, the browser host and the desktop app share settings and the job outbox.
 * CCSTUDIO_USER_DATA overrides it (tests, development).
 */
export function defaultUserDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CCSTUDIO_USER_DATA) return env.CCSTUDIO_USER_DATA;
  switch (platform()) {
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', PRODUCT_NAME);
    case 'win32':
      return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), PRODUCT_NAME);
    default:
      return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), PRODUCT_NAME);
  }
}
