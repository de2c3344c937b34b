/**
 * The workspace's data in the renderer's cache: query keys per open project (so another project's lists
 * never show), the one listener that refetches what 'project.changed' names, and the call wrappers the
 * views share.
 */
import { useCallback } from 'react';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { EventPayload } from '../../../../src/contract';
import type { ProjectSummary } from '../../../../src/domain';
import { getBridge } from '../../bridge/bridge';
import { keys, useAppEvent, useBridgeQuery } from '../../bridge/queries';

export const wsKeys = {
  all: (project: string) => ['ws', project] as const,
  characters: (project: string) => ['ws', project, 'characters'] as const,
  promptPreview: (project: string, draft: unknown) =>
    ['ws', project, 'characters', 'preview', draft] as const,
  poses: (project: string) => ['ws', project, 'poses'] as const,
  results: (project: string) => ['ws', project, 'results'] as const,
  resultPages: (project: string, query: string) => ['ws', project, 'results', 'page', query] as const,
  resultPage: (project: string, query: string, page: number) =>
    ['ws', project, 'results', 'page', query, page] as const,
  resultIds: (project: string, query: string) => ['ws', project, 'results', 'ids', query] as const,
  facets: (project: string) => ['ws', project, 'results', 'facets'] as const,
  result: (project: string, id: string) => ['ws', project, 'results', 'one', id] as const,
  trash: (project: string) => ['ws', project, 'trash'] as const,
};

/** The open project's path (the workspace only renders with one open, so it is in the cache). */
export function useProjectPath(): string {
  const current = useBridgeQuery(keys.currentProject, () => getBridge().projects.current({}));
  return (current.data as ProjectSummary | null | undefined)?.path ?? '';
}

export function invalidateKind(
  client: QueryClient,
  project: string,
  kind: EventPayload<'project.changed'>['kind'],
): void {
  switch (kind) {
    case 'project':
      void client.invalidateQueries({ queryKey: wsKeys.all(project) });
      break;
    case 'characters':
      void client.invalidateQueries({ queryKey: wsKeys.characters(project) });
      break;
    case 'poses':
      void client.invalidateQueries({ queryKey: wsKeys.poses(project) });
      break;
    case 'results':
      void client.invalidateQueries({ queryKey: wsKeys.results(project) });
      break;
    case 'trash':
      void client.invalidateQueries({ queryKey: wsKeys.trash(project) });
      break;
  }
}

/** Refetches exactly the lists 'project.changed' names. Mounted once, in the navigator. */
export function useWorkspaceLive(project: string): void {
  const client = useQueryClient();
  const changed = useCallback(
    (event: EventPayload<'project.changed'>) => invalidateKind(client, project, event.kind),
    [client, project],
  );
  useAppEvent('project.changed', changed);
}

export const useCharacters = (project: string) =>
  useBridgeQuery(wsKeys.characters(project), () => getBridge().characters.list({}), project !== '');
export const usePoseLibraries = (project: string) =>
  useBridgeQuery(wsKeys.poses(project), () => getBridge().poses.list({}), project !== '');
export const useTrash = (project: string) =>
  useBridgeQuery(wsKeys.trash(project), () => getBridge().trash.list({}), project !== '');
/** Counts over every result (chips, the navigator, a character's result count). */
export const useFacets = (project: string) =>
  useBridgeQuery(wsKeys.facets(project), () => getBridge().results.facets({ filter: {} }), project !== '');
