import { resolve } from 'node:path';
import { AppError } from '../domain';
import type { appCalls, ConnectionRoute, SegmindAddressInUse } from '../contract/calls/app';
import { DEFAULT_SEGMIND_BASE_URL } from '../segmind';
import { createProject, openProject, type ProjectHandle } from '../library/project-store';
import { resolveContainedFile } from '../library/contained-path';
import type { ServiceContext, HandlersFor } from './context';
import type { PlatformAdapter } from './platform';

/** Projects, dialogs, the OS shell and settings. */
export function appHandlers(
  ctx: ServiceContext,
  platform: PlatformAdapter,
  network: { online(): boolean; connection(): ConnectionRoute },
): HandlersFor<typeof appCalls> {
  const opened = async (handle: ProjectHandle) => {
    await ctx.setProject(handle);
    await ctx.userData.rememberProject(handle.root, handle.file.name);
    return handle.summary();
  };

  return {
    'app.info': async () => ({
      version: ctx.options.appVersion,
      shell: platform.shell,
      online: network.online(),
      connection: network.connection(),
      segmindAddress: segmindAddressInUse(ctx),
    }),
    'projects.create': async ({ dir, name }) => opened(await createProject(dir, name)),
    'projects.open': async ({ dir }) => {
      const current = ctx.currentProject();
      if (current && current.root === resolve(dir)) return current.summary();
      return opened(await openProject(dir));
    },
    'projects.close': async () => {
      const had = ctx.currentProject() !== null;
      await ctx.setProject(null);
      return { closed: had };
    },
    'projects.current': async () => ctx.currentProject()?.summary() ?? null,
    'projects.recent': async () => ctx.userData.recentProjects(),
    'projects.forget': async ({ path }) => {
      await ctx.userData.forgetProject(path);
      return ctx.userData.recentProjects();
    },
    'dialogs.pickFolder': async (options) => {
      if (!platform.pickFolder) return { supported: false, path: null };
      return { supported: true, path: await platform.pickFolder(options) };
    },
    'dialogs.pickFiles': async (options) => {
      if (!platform.pickFiles) return { supported: false, paths: [] };
      return { supported: true, paths: await platform.pickFiles(options) };
    },
    'shell.showInFolder': async ({ file }) => {
      if (!platform.showInFolder) return { supported: false };
      const project = ctx.project();
      platform.showInFolder(await resolveContainedFile(project.root, file, { encoded: false }));
      return { supported: true };
    },
    'settings.get': async () => ctx.settings,
    'settings.update': async (changes) => {
      if (Object.keys(changes).length === 0) throw new AppError('INVALID_INPUT', 'Nothing to change.');
      return ctx.updateSettings(changes);
    },
  };
}

/** Where Segmind requests go, by the same precedence GenerationService.baseUrl applies. */
function segmindAddressInUse(ctx: ServiceContext): SegmindAddressInUse {
  if (ctx.options.segmindBaseUrl) return { url: ctx.options.segmindBaseUrl, source: 'environment' };
  if (ctx.settings.segmindBaseUrl) return { url: ctx.settings.segmindBaseUrl, source: 'settings' };
  return { url: DEFAULT_SEGMIND_BASE_URL, source: 'default' };
}
