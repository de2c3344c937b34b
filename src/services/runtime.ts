import type { Handlers } from '../contract';
import { UserDataStore } from '../library/user-data';
import { EventBus } from './event-bus';
import { ServiceContext } from './context';
import { appHandlers } from './app-handlers';
import type { AppRuntime, RuntimeOptions } from './runtime-types';

export type { AppRuntime, RuntimeOptions } from './runtime-types';

/**
 * Builds the app's services once. Electron's main process, the browser host and the CLI all call this,
 * so every shell runs exactly the same code behind the same contract.
 */
export async function createAppRuntime(options: RuntimeOptions): Promise<AppRuntime> {
  const events = new EventBus();
  const ctx = new ServiceContext(options, new UserDataStore(options.userDataDir), events);
  const network = { online: () => true };

  const handlers: Handlers = {
    ...appHandlers(ctx, options.platform, network),
  };

  return {
    handlers,
    events,
    projectRoot: () => ctx.currentProject()?.root ?? null,
    dispose: async () => {
      await ctx.setProject(null);
    },
  };
}
