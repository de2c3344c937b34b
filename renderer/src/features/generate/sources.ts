/**
 * What the Generate panel needs from the workspace, behind one small adapter: the panel reads characters and
 * pose sheets in these shapes, whatever the workspace calls return. Today: `characters.list` and
 * `poses.list` (src/contract/calls/workspace.ts). Lists refetch on 'project.changed'.
 */
import { useCallback } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { EventPayload } from '../../../../src/contract';
import type { PoseLibraryView } from '../../../../src/contract/calls/workspace';
import { getBridge } from '../../bridge/bridge';
import { useAppEvent, useBridgeQuery } from '../../bridge/queries';

export interface CharacterOption {
  id: string;
  name: string;
  description: string;
  styleWords: string;
  negativePrompt: string;
  /** The first reference image, for a small face next to the name. */
  thumb: { thumbFile: string; file: string } | null;
}

export interface PoseOption {
  id: string;
  name: string;
  libraryId: string;
  libraryName: string;
  kind: 'sheet' | 'single';
  figures: number;
  width: number;
  height: number;
  thumbFile: string;
  file: string;
}

export const sourceKeys = {
  characters: (projectPath: string) => ['generate', 'characters', projectPath] as const,
  poses: (projectPath: string) => ['generate', 'poses', projectPath] as const,
};

export function useCharacterOptions(projectPath: string) {
  return useBridgeQuery(sourceKeys.characters(projectPath), async (): Promise<CharacterOption[]> => {
    const { characters } = await getBridge().characters.list({});
    return characters.map((c) => {
      const ref = c.referenceImages[0];
      return {
        id: c.id,
        name: c.name,
        description: c.description,
        styleWords: c.styleWords,
        negativePrompt: c.negativePrompt,
        thumb: ref ? { thumbFile: ref.thumbFile, file: ref.file } : null,
      };
    });
  });
}

export function posesFromLibraries(libraries: readonly PoseLibraryView[]): PoseOption[] {
  return libraries.flatMap((library) =>
    library.poses.map((pose) => ({
      id: pose.id,
      name: pose.name,
      libraryId: library.id,
      libraryName: library.name,
      kind: pose.kind,
      figures: pose.figures.length,
      width: pose.image.width,
      height: pose.image.height,
      thumbFile: pose.image.thumbFile,
      file: pose.image.file,
    })),
  );
}

export function usePoseOptions(projectPath: string) {
  return useBridgeQuery(sourceKeys.poses(projectPath), async (): Promise<PoseOption[]> => {
    const { libraries } = await getBridge().poses.list({});
    return posesFromLibraries(libraries);
  });
}

/** Refetches the pickers when the workspace says characters or poses changed. */
export function useSourcesLive(projectPath: string): void {
  const client = useQueryClient();
  const changed = useCallback(
    ({ kind }: EventPayload<'project.changed'>) => {
      if (kind === 'characters' || kind === 'project' || kind === 'trash')
        void client.invalidateQueries({ queryKey: sourceKeys.characters(projectPath) });
      if (kind === 'poses' || kind === 'project' || kind === 'trash')
        void client.invalidateQueries({ queryKey: sourceKeys.poses(projectPath) });
    },
    [client, projectPath],
  );
  useAppEvent('project.changed', changed);
}
