import { searchRecords } from '../library/workspace/search-records';
import { AppError, type ProjectProblem } from '../domain';
import type { EventPayload } from '../contract';
import type { workspaceCalls } from '../contract/calls/workspace';
import { DEFAULT_MODEL_ID, composePrompt, getModel } from '../models';
import type { ProjectHandle } from '../library/project-store';
import {
  exportResults,
  parametersText,
  repairThumbnails,
  viewCharacter,
  viewImage,
  viewLibrary,
  viewPose,
  workspaceFor,
  writeContactSheet,
  type Workspace,
} from '../library/workspace';
import type { HandlersFor, ServiceContext } from './context';
import { cutResult } from './workspace/cut-result';
import { exportSkeletonJson } from './workspace/pose-skeleton';
import { saveSkeleton } from '../library/workspace/skeleton-pose-edit';
import { oneSkeletonSource, starterSources } from '../library/workspace/skeleton-sources';
import { TaskRegistry } from './workspace/tasks';

type ChangeKind = EventPayload<'project.changed'>['kind'];

/**
 * Characters, pose libraries, results, trash, export and tasks: the contract in
 * src/contract/calls/workspace.ts over the stores in src/library/workspace.
 *
 * When a project opens, its results index and catalog are warmed in the background (so the first gallery
 * page does not wait for them) and missing thumbnails are rebuilt as a 'thumbnails' task; receipts that
 * another program replaced in place are found after that first page and announced with
 * 'project.changed' {kind:'results'}. Closing or switching projects cancels running tasks.
 */
export function workspaceHandlers(
  ctx: ServiceContext,
  tasks: TaskRegistry = new TaskRegistry(ctx.events),
): HandlersFor<typeof workspaceCalls> {
  const changed = (...kinds: ChangeKind[]) => {
    for (const kind of new Set(kinds)) ctx.events.emit('project.changed', { kind });
  };
  const ws = (): Workspace => workspaceFor(ctx.project());
  const writable = (): Workspace => workspaceFor(ctx.writableProject());
  const problemsSeen = new WeakMap<ProjectHandle, number>();
  /** A damaged file found while loading lists is a project problem: the project summary refetches. */
  const noticeProblems = (project: ProjectHandle) => {
    if ((problemsSeen.get(project) ?? 0) !== project.problems.length) {
      problemsSeen.set(project, project.problems.length);
      changed('project');
    }
  };

  ctx.onProjectChange((project) => {
    tasks.cancelAll();
    if (!project) return;
    problemsSeen.set(project, project.problems.length);
    ctx.background(warmUp(project));
  });

  async function warmUp(project: ProjectHandle): Promise<void> {
    try {
      const workspace = workspaceFor(project);
      // Receipts replaced in place are found after the first page: the gallery refetches then.
      workspace.results.onBackgroundChange(() => {
        if (ctx.currentProject() !== project) return;
        noticeProblems(project);
        changed('results');
      });
      await workspace.preload();
      noticeProblems(project);
      if (ctx.currentProject() !== project || project.readOnly) return;
      const repaired = await tasks.run('thumbnails', undefined, (control) =>
        repairThumbnails(workspace, control),
      );
      if (repaired.made > 0 && ctx.currentProject() === project) changed('results', 'poses', 'characters');
    } catch (error) {
      if (ctx.currentProject() === project)
        console.warn('[ccstudio] warming up the project failed:', (error as Error).message);
    }
  }

  const withProblems = async <T>(work: (w: Workspace) => Promise<T>): Promise<T> => {
    const project = ctx.project();
    try {
      return await work(workspaceFor(project));
    } finally {
      noticeProblems(project);
    }
  };

  const resultsPage = async (w: Workspace, ids: readonly string[]) => {
    const cat = await w.catalog();
    return ids.flatMap((id) => {
      const summary = w.results.summary(id, cat);
      return summary ? [summary] : [];
    });
  };

  return {
    // Characters ---------------------------------------------------------------------------------
    'characters.list': async () =>
      withProblems(async (w) => {
        const { characters, problems } = await w.characters.readAll();
        return { characters: characters.map(viewCharacter), problems: dedupeProblems(problems) };
      }),
    'search.records': async ({ text, limit }) =>
      withProblems(async (w) => {
        const [{ characters }, { libraries }] = await Promise.all([
          w.characters.readAll(),
          w.poses.readAll(),
        ]);
        return searchRecords(text, characters, libraries, limit ?? 8);
      }),
    'characters.get': async ({ id }) => withProblems(async (w) => viewCharacter(await w.characters.get(id))),
    'characters.create': async (fields) => {
      const character = await writable().characters.create(fields);
      changed('characters');
      return viewCharacter(character);
    },
    'characters.update': async ({ id, changes }) => {
      if (Object.keys(changes).length === 0) throw new AppError('INVALID_INPUT', 'Nothing to change.');
      const character = await writable().characters.update(id, changes);
      changed('characters', ...(changes.name === undefined ? [] : (['results'] as const)));
      return viewCharacter(character);
    },
    'characters.duplicate': async ({ id, name }) => {
      const character = await writable().characters.duplicate(id, name);
      changed('characters');
      return viewCharacter(character);
    },
    'characters.trash': async ({ id }) => {
      const trashId = await writable().characters.trash(id);
      changed('characters', 'trash', 'results');
      return { trashId };
    },
    'characters.addReferences': async ({ id, sources, taskId }) => {
      const w = writable();
      try {
        return await tasks.run('import', taskId, async (control) => {
          const report = await w.characters.addReferences(id, sources, control);
          return {
            ...report,
            character: viewCharacter(report.character),
            added: report.added.map(viewImage),
          };
        });
      } finally {
        changed('characters');
      }
    },
    'characters.removeReference': async ({ id, imageId }) => {
      const { character, trashId } = await writable().characters.removeReference(id, imageId);
      changed('characters', 'trash');
      return { character: viewCharacter(character), trashId };
    },
    'characters.promptPreview': async ({ characterId, draft, modelId }) => {
      if (!characterId && !draft)
        throw new AppError('INVALID_INPUT', 'Give a character or the fields to preview.');
      const id = modelId ?? DEFAULT_MODEL_ID;
      const model = getModel(id);
      if (!model) throw new AppError('INVALID_INPUT', `There is no model named ${id}.`);
      const saved = characterId ? await ws().characters.get(characterId) : undefined;
      const parts = {
        description: draft?.description ?? saved?.description ?? '',
        styleWords: draft?.styleWords ?? saved?.styleWords ?? '',
        negativePrompt: draft?.negativePrompt ?? saved?.negativePrompt ?? '',
      };
      const composed = composePrompt(parts, model);
      return {
        modelId: model.id,
        prompt: composed.prompt,
        negativePrompt: composed.negativePrompt,
        usesDefaultNegative: parts.negativePrompt.trim() === '',
      };
    },

    // Pose libraries -----------------------------------------------------------------------------
    'poses.list': async () =>
      withProblems(async (w) => {
        const { libraries, problems } = await w.poses.readAll();
        return { libraries: libraries.map(viewLibrary), problems: dedupeProblems(problems) };
      }),
    'poses.createLibrary': async ({ name, tags }) => {
      const library = await writable().poses.create(name, tags);
      changed('poses');
      return viewLibrary(library);
    },
    'poses.updateLibrary': async ({ id, name, tags }) => {
      if (name === undefined && tags === undefined) throw new AppError('INVALID_INPUT', 'Nothing to change.');
      const library = await writable().poses.update(id, { name, tags });
      changed('poses');
      return viewLibrary(library);
    },
    'poses.trashLibrary': async ({ id }) => {
      const trashId = await writable().poses.trashLibrary(id);
      changed('poses', 'trash', 'results');
      return { trashId };
    },
    'poses.import': async ({ libraryId, newLibraryName, sources, taskId, split }) => {
      const w = writable();
      const into = libraryId ?? { newLibrary: { name: newLibraryName ?? '' } };
      try {
        return await tasks.run('import', taskId, async (control, id) => ({
          taskId: id,
          ...(await w.poses.import(into, sources, control, { split })),
        }));
      } finally {
        changed('poses');
      }
    },
    'poses.update': async ({ poseId, changes }) => {
      if (Object.keys(changes).length === 0) throw new AppError('INVALID_INPUT', 'Nothing to change.');
      const pose = await writable().poses.updatePose(poseId, changes);
      changed('poses', 'results');
      return viewPose(pose, pose.libraryId);
    },
    'poses.trash': async ({ poseIds }) => {
      const trashId = await writable().poses.trashPoses(poseIds);
      changed('poses', 'trash', 'results');
      return { trashId };
    },
    'poses.exportSkeleton': async ({ poseId, normalised }) =>
      exportSkeletonJson(ws(), poseId, normalised === true),
    'poses.addStarter': async ({ libraryId, newLibraryName, keys, taskId }) => {
      const w = writable();
      const into = libraryId ?? { newLibrary: { name: newLibraryName ?? '' } };
      try {
        return await tasks.run('import', taskId, async (control, id) => ({
          taskId: id,
          ...(await w.poses.import(into, [], control, { intake: await starterSources(keys) })),
        }));
      } finally {
        changed('poses');
      }
    },
    'poses.createFromSkeleton': async ({ libraryId, newLibraryName, name, skeleton, tags }) => {
      const w = writable();
      const into = libraryId ?? { newLibrary: { name: newLibraryName ?? '' } };
      const intake = await oneSkeletonSource(name, skeleton, tags);
      try {
        return { taskId: 'compose', ...(await w.poses.import(into, [], {}, { intake })) };
      } finally {
        changed('poses');
      }
    },
    'poses.updateSkeleton': async ({ poseId, skeleton }) => {
      const pose = await saveSkeleton(writable(), poseId, skeleton);
      changed('poses', 'results');
      return pose;
    },

    // Results ------------------------------------------------------------------------------------
    'results.query': async (query) =>
      withProblems(async (w) => {
        const [cat] = await Promise.all([w.catalog(), w.results.load()]);
        return w.results.query(query, cat);
      }),
    'results.queryIds': async ({ filter, sort }) =>
      withProblems(async (w) => {
        const [cat] = await Promise.all([w.catalog(), w.results.load()]);
        return w.results.queryIds(filter, sort, cat);
      }),
    'results.get': async ({ id }) =>
      withProblems(async (w) => {
        const [cat] = await Promise.all([w.catalog(), w.results.load()]);
        const result = await w.results.get(id);
        const summary = w.results.summary(id, cat);
        if (!summary)
          throw new AppError('NOT_FOUND', 'That result is not in the project (it may be in the trash).');
        return {
          result,
          summary,
          cuts: w.results.cutsOf(id),
          parameters: parametersText(result, summary.characterName, summary.poseName),
        };
      }),
    'results.facets': async ({ filter }) =>
      withProblems(async (w) => {
        const [cat] = await Promise.all([w.catalog(), w.results.load()]);
        return w.results.facets(filter, cat);
      }),
    'results.review': async ({ ids, rating, flag, addTags, removeTags }) => {
      if (rating === undefined && flag === undefined && !addTags?.length && !removeTags?.length) {
        throw new AppError('INVALID_INPUT', 'Nothing to change.');
      }
      const w = writable();
      try {
        const outcome = await w.results.review(ids, { rating, flag, addTags, removeTags });
        return {
          items: await resultsPage(w, outcome.updated),
          previous: outcome.previous,
          missing: outcome.missing,
        };
      } finally {
        changed('results');
      }
    },
    'results.setReviews': async ({ items }) => {
      const w = writable();
      try {
        const outcome = await w.results.setReviews(items);
        return {
          items: await resultsPage(w, outcome.updated),
          previous: outcome.previous,
          missing: outcome.missing,
        };
      } finally {
        changed('results');
      }
    },
    'results.trash': async ({ ids }) => {
      const w = writable();
      const trashId = await w.results.trash(ids, await w.catalog());
      changed('results', 'trash');
      return { trashId };
    },
    'results.cut': async ({ taskId, ...request }) => {
      const w = writable();
      let replaced = false;
      try {
        return await tasks.run('cut', taskId, async (control) => {
          const outcome = await cutResult(w, request, control);
          replaced = outcome.replacedTrashId !== undefined;
          return { ...outcome, created: await resultsPage(w, outcome.created) };
        });
      } finally {
        if (replaced) changed('results', 'trash');
        else changed('results');
      }
    },
    'results.export': async ({ ids, dir, includeReceipt, format, taskId }) => {
      const w = ws();
      return tasks.run('export', taskId, async (control, id) => ({
        taskId: id,
        ...(await exportResults(w, ids, { dir, includeReceipt, format }, control)),
      }));
    },
    'results.contactSheet': async ({ ids, file, columns, cellSize, print, background, overwrite }) =>
      writeContactSheet(ws(), ids, { file, columns, cellSize, print, background, overwrite }),
    'results.refresh': async ({ full }) => {
      const project = ctx.project();
      const w = workspaceFor(project);
      w.invalidateCatalog();
      const report = await w.results.refresh({ full: full ?? false });
      noticeProblems(project);
      if (report.added + report.removed + report.changed > 0) changed('results');
      return {
        added: report.added,
        removed: report.removed,
        changed: report.changed,
        problems: report.problems,
        revision: w.results.revision,
      };
    },
    'results.rebuildIndex': async () => {
      const project = ctx.writableProject();
      const before = project.problems.length;
      await workspaceFor(project).results.rebuild();
      noticeProblems(project);
      changed('results');
      return { count: workspaceFor(project).results.count(), problems: project.problems.slice(before) };
    },

    // Trash --------------------------------------------------------------------------------------
    'trash.list': async () => ({ entries: await ws().trashView() }),
    'trash.restore': async ({ id }) => {
      const kind = await writable().restore(id);
      changed(
        'trash',
        'results',
        kind === 'character' || kind === 'reference'
          ? 'characters'
          : kind === 'results'
            ? 'results'
            : 'poses',
      );
      return { kind };
    },
    'trash.empty': async ({ ids }) => {
      const removed = await writable().emptyTrash(ids);
      changed('trash', 'results');
      return { removed };
    },

    // Tasks --------------------------------------------------------------------------------------
    'tasks.cancel': async ({ taskId }) => ({ cancelled: tasks.cancel(taskId) }),
  };
}

/** The same file reported twice (quarantined now, and listed among the session's problems) shows once. */
function dedupeProblems(problems: ProjectProblem[]): ProjectProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => (seen.has(p.file) ? false : (seen.add(p.file), true)));
}
