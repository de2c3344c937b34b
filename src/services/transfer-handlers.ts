import type { transferCalls, TransferItem } from '../contract/calls/transfer';
import {
  clipboardImage,
  copyFromProject,
  dragIcon,
  OriginIndex,
  openSourceProject,
  posesAddedSince,
  resolveShareableFiles,
  type SourceProject,
} from '../library/transfer';
import { workspaceFor } from '../library/workspace';
import type { HandlersFor, ServiceContext } from './context';
import type { PlatformAdapter } from './platform';
import type { TaskRegistry } from './workspace/tasks';

/**
 * The OS (clipboard, drag out) and copies from another project: src/contract/calls/transfer.ts over
 * src/library/transfer. The OS calls answer `supported: false` where the platform adapter has no such
 * member (the browser host, the CLI); the paths they are given are checked to be images inside the open
 * project before the OS sees them.
 */
export function transferHandlers(
  ctx: ServiceContext,
  tasks: TaskRegistry,
  platform: PlatformAdapter,
): HandlersFor<typeof transferCalls> {
  const withSource = async <T>(dir: string, work: (source: SourceProject) => Promise<T>): Promise<T> => {
    const source = await openSourceProject(dir, ctx.currentProject()?.root ?? null);
    try {
      return await work(source);
    } finally {
      await source.close();
    }
  };

  return {
    'clipboard.writeText': async ({ text }) => {
      if (!platform.writeClipboardText) return { supported: false };
      await platform.writeClipboardText(text);
      return { supported: true };
    },
    'clipboard.writeImage': async ({ file }) => {
      if (!platform.writeClipboardImage) return { supported: false };
      const image = await clipboardImage(ctx.project().root, file);
      await platform.writeClipboardImage(image.png);
      return { supported: true, width: image.width, height: image.height };
    },
    'shell.startDrag': async ({ files }) => {
      if (!platform.startDrag) return { supported: false, files: 0 };
      const root = ctx.project().root;
      const paths = await resolveShareableFiles(root, files);
      platform.startDrag(paths, await dragIcon(root, files[0]!));
      return { supported: true, files: paths.length };
    },
    'transfer.inspect': async ({ dir }) =>
      withSource(dir, async (source) => {
        const open = ctx.currentProject();
        const here = open ? workspaceFor(open) : null;
        const [characters, libraries] = here
          ? await Promise.all([here.characters.readAll(), here.poses.readAll()])
          : [{ characters: [] }, { libraries: [] }];
        const openId = open?.file.id ?? '';
        const characterIndex = new OriginIndex(openId, characters.characters);
        const libraryIndex = new OriginIndex(openId, libraries.libraries);
        const sourceId = source.handle.file.id;
        const item = (
          it: { id: string; name: string; tags: string[]; updatedAt: string },
          images: number,
          found: { id: string; name: string } | undefined,
        ): TransferItem => ({
          id: it.id,
          name: it.name,
          images,
          tags: it.tags,
          updatedAt: it.updatedAt,
          ...(found ? { alreadyHere: { id: found.id, name: found.name } } : {}),
        });
        return {
          project: { id: sourceId, name: source.handle.file.name, path: source.handle.root },
          characters: source.characters.map((c) =>
            item(c, c.referenceImages.length, characterIndex.find(sourceId, c)),
          ),
          poseLibraries: source.libraries.map((l) => {
            const here = libraryIndex.find(sourceId, l);
            const listed = item(l, l.poses.length, here);
            if (listed.alreadyHere && here) listed.alreadyHere.newPoses = posesAddedSince(l, here).length;
            return listed;
          }),
          problems: source.problems.map((p) => ({ file: p.file, reason: p.reason })),
        };
      }),
    'transfer.copy': async ({ dir, characterIds, poseLibraryIds, taskId }) => {
      const target = workspaceFor(ctx.writableProject());
      const report = await tasks
        .run('import', taskId, (control) =>
          withSource(dir, (source) =>
            copyFromProject(source, target, { characterIds, poseLibraryIds }, control),
          ),
        )
        .catch((error: unknown) => {
          // Items copied before the one that failed stay: the lists refetch either way.
          ctx.events.emit('project.changed', { kind: 'characters' });
          ctx.events.emit('project.changed', { kind: 'poses' });
          throw error;
        });
      if (report.characters.some((c) => c.status === 'copied'))
        ctx.events.emit('project.changed', { kind: 'characters' });
      if (report.poseLibraries.some((l) => l.status === 'copied'))
        ctx.events.emit('project.changed', { kind: 'poses' });
      return report;
    },
  };
}
