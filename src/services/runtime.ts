import type { Handlers } from '../contract';
import { UserDataStore } from '../library/user-data';
import { EventBus } from './event-bus';
import { ServiceContext } from './context';
import { appHandlers } from './app-handlers';
import { workspaceHandlers } from './workspace-handlers';
import { archiveHandlers } from './archive-handlers';
import { transferHandlers } from './transfer-handlers';
import { TaskRegistry } from './workspace/tasks';
import { GenerationService } from './generation/generation-service';
import { workspaceProjectSources } from './workspace/project-sources';
import type { AppRuntime, RuntimeOptions } from './runtime-types';
import { nodeSegmindTransport } from './runtime-network';

export type { AppRuntime, RuntimeOptions } from './runtime-types';

/**
 * Builds the app's services once. Electron's main process, the browser host and the CLI all call this,
 * so every shell runs exactly the same code behind the same contract.
 */
export async function createAppRuntime(given: RuntimeOptions): Promise<AppRuntime> {
  const transport = given.segmindTransport ?? nodeSegmindTransport();
  const options: RuntimeOptions = { ...given, segmindTransport: transport };
  const events = new EventBus();
  const userData = new UserDataStore(options.userDataDir);
  const ctx = new ServiceContext(options, userData, events, await userData.readSettings());
  const generation = new GenerationService(ctx, options.secrets, workspaceProjectSources);
  await generation.start({ runQueue: options.runQueue ?? true });

  // One task registry, so `tasks.cancel` reaches archive tasks as well as the workspace's.
  const tasks = new TaskRegistry(events);
  const handlers: Handlers = {
    ...appHandlers(ctx, options.platform, {
      online: () => generation.network.isOnline(),
      connection: () => transport.route,
    }),
    ...generation.handlers(),
    ...workspaceHandlers(ctx, tasks),
    ...archiveHandlers(ctx, tasks),
    ...transferHandlers(ctx, tasks, options.platform),
  };

  return {
    handlers,
    events,
    projectRoot: () => ctx.currentProject()?.root ?? null,
    dispose: async () => {
      await generation.dispose();
      await ctx.settleBackground();
      await ctx.setProject(null);
    },
  };
}
