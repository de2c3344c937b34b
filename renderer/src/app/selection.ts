import { useSyncExternalStore } from 'react';

/**
 * What is selected in the workspace's libraries, shared by the navigator, the views and Generate: the
 * character, the pose library and the single pose last chosen. The navigator opens a character or a
 * library by setting it; Generate takes the character and pose from here ("from where you are").
 */
export interface WorkspaceSelection {
  characterId: string | null;
  libraryId: string | null;
  poseId: string | null;
}

const EMPTY: WorkspaceSelection = { characterId: null, libraryId: null, poseId: null };
let current: WorkspaceSelection = EMPTY;
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function currentSelection(): WorkspaceSelection {
  return current;
}

/** Changes part of the selection (unchanged values keep the same object, so nothing re-renders). */
export function select(changes: Partial<WorkspaceSelection>): void {
  const next = { ...current, ...changes };
  if (
    next.characterId === current.characterId &&
    next.libraryId === current.libraryId &&
    next.poseId === current.poseId
  )
    return;
  current = next;
  for (const listener of listeners) listener();
}

/** A fresh selection per project: ids never carry over into another project. */
export function resetSelection(): void {
  current = EMPTY;
  for (const listener of listeners) listener();
}

export function useSelection(): WorkspaceSelection {
  return useSyncExternalStore(subscribe, currentSelection);
}

/** Calls `apply` with the selection now and at every change (Generate follows the workspace this way). */
export function onSelection(apply: (selection: WorkspaceSelection) => void): () => void {
  apply(current);
  const listener = () => apply(current);
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * "Generate with this": selects the character or pose and tells every listener (Generate takes it) even
 * when it was already selected, since the person may have picked another one in the panel since.
 */
export function generateWith(changes: Partial<WorkspaceSelection>): void {
  current = { ...current, ...changes };
  for (const listener of listeners) listener();
}
