import type { ResultSummary } from '../../contract/calls/workspace';
import type { IndexEntry } from './result-index-file';
import { thumbFileFor } from './paths';

/** Names and states of what results point at, built from the characters, pose libraries and trash. */
export interface Catalog {
  version: number;
  characters: Map<string, { name: string }>;
  libraries: Map<string, { name: string }>;
  poses: Map<string, { name: string; libraryId: string; kind: 'sheet' | 'single'; figures: number }>;
  /** Trashed characters, libraries and poses by id (ids are unique across kinds). */
  trashed: Map<
    string,
    { trashId: string; name: string; libraryId?: string; kind?: 'sheet' | 'single'; figures?: number }
  >;
}

export const emptyCatalog = (): Catalog => ({
  version: 0,
  characters: new Map(),
  libraries: new Map(),
  poses: new Map(),
  trashed: new Map(),
});

/** Where an entry sits in a stacked list: a sheet with its stack, or a cut inside an open stack. */
export type StackPlace = Pick<ResultSummary, 'stack' | 'inStack'>;

export function summarize(
  e: IndexEntry,
  cat: Catalog,
  imageMissing: boolean,
  place?: StackPlace,
): ResultSummary {
  const character = cat.characters.get(e.characterId);
  const characterTrash = character ? undefined : cat.trashed.get(e.characterId);
  const pose = cat.poses.get(e.poseId);
  const poseTrash = pose ? undefined : cat.trashed.get(e.poseId);
  const summary: ResultSummary = {
    id: e.id,
    file: e.file,
    thumbFile: thumbFileFor(e.id),
    width: e.width,
    height: e.height,
    createdAt: e.createdAt,
    modelId: e.modelId,
    characterId: e.characterId,
    characterName: character?.name ?? characterTrash?.name ?? null,
    characterInTrash: characterTrash !== undefined,
    poseId: e.poseId,
    poseName: pose?.name ?? poseTrash?.name ?? null,
    poseInTrash: poseTrash !== undefined,
    poseKind: pose?.kind ?? poseTrash?.kind ?? null,
    poseFigures: pose?.figures ?? poseTrash?.figures ?? 0,
    rating: e.rating,
    flag: e.flag,
    tags: e.tags,
    seed: e.seed,
    cost: e.cost,
    imageMissing,
  };
  if (characterTrash) summary.characterTrashId = characterTrash.trashId;
  if (poseTrash) summary.poseTrashId = poseTrash.trashId;
  if (e.cutFrom) summary.cutFrom = e.cutFrom;
  if (e.batchId) summary.batchId = e.batchId;
  if (place?.stack) summary.stack = place.stack;
  if (place?.inStack) summary.inStack = place.inStack;
  return summary;
}
