import type { archiveCalls } from '../contract/calls/archive';
import { exportProjectArchive, importProjectArchive } from '../library/archive';
import type { HandlersFor, ServiceContext } from './context';
import type { TaskRegistry } from './workspace/tasks';

/**
 * Project archives (src/contract/calls/archive.ts over src/library/archive). They run as tasks in the
 * workspace's registry, so `tasks.cancel` stops them like any import or export. Neither changes the open
 * project: the export only reads a project folder (no lock needed, so a project open read-only, or in
 * another window, can be exported), and the import makes a new folder the person opens afterwards.
 */
export function archiveHandlers(ctx: ServiceContext, tasks: TaskRegistry): HandlersFor<typeof archiveCalls> {
  return {
    'projects.exportArchive': async ({ dir, file, overwrite, taskId }) => {
      const projectDir = dir ?? ctx.project().root;
      return tasks.run('export', taskId, (control) =>
        exportProjectArchive(projectDir, file, { overwrite, control }),
      );
    },
    'projects.importArchive': async ({ file, dir, taskId }) =>
      tasks.run('import', taskId, (control) => importProjectArchive(file, dir, { control })),
  };
}
