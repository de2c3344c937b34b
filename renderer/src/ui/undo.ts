import { useCallback } from 'react';
import { asAppError } from '../bridge/bridge';
import { useShortcut } from './keyboard';
import { useToasts } from './Toasts';

/**
 * One undo stack for the workspace: every destructive or reviewing action pushes how to take it back
 * (a trash move is restored, a rating set back). Ctrl/Cmd+Z pops the newest; an "Undo" toast runs its own
 * entry and takes it off the stack, so the same thing is never undone twice.
 */
export interface UndoEntry {
  /** What is undone, for the toast: "Moved 3 results to the trash". */
  label: string;
  run(): Promise<unknown>;
}

const MAX_ENTRIES = 50;
let stack: UndoEntry[] = [];
let stackOwner = '';
/** The "Undo" toast shown for an entry: undoing it by Ctrl/Cmd+Z takes the toast away too. */
const toastOf = new WeakMap<UndoEntry, number>();

/** Remembers which toast offers this entry's Undo, so undoing it any other way closes that toast. */
export function linkUndoToast(entry: UndoEntry, toastId: number): void {
  toastOf.set(entry, toastId);
}

/** Starts a fresh stack when the project changes: undo never reaches into another project. */
export function resetUndoFor(projectPath: string): void {
  if (stackOwner === projectPath) return;
  stackOwner = projectPath;
  stack = [];
}

export function pushUndo(entry: UndoEntry): UndoEntry {
  stack = [...stack.slice(-(MAX_ENTRIES - 1)), entry];
  return entry;
}

/** Forgets an entry whose action failed (there is nothing to take back). */
export function dropUndo(entry: UndoEntry): void {
  stack = stack.filter((e) => e !== entry);
}

/** Runs one entry (from its toast) and forgets it. */
export function runUndo(entry: UndoEntry): Promise<unknown> {
  stack = stack.filter((e) => e !== entry);
  return entry.run();
}

export function popUndo(): UndoEntry | undefined {
  const entry = stack.at(-1);
  if (entry) stack = stack.slice(0, -1);
  return entry;
}

export const UNDO_COMBO = 'Mod+Z';

/** Ctrl/Cmd+Z outside text fields (where the field's own undo applies). Mount once per workspace. */
export function useUndoShortcut(): void {
  const toasts = useToasts();
  const undo = useCallback(() => {
    const entry = popUndo();
    if (!entry) {
      toasts.show({ message: 'Nothing to undo', durationMs: 2000 });
      return;
    }
    // Its "Undo" button would now undo nothing: the toast goes.
    const offered = toastOf.get(entry);
    if (offered !== undefined) toasts.dismiss(offered);
    entry.run().then(
      () => toasts.show({ message: 'Undone', detail: entry.label, tone: 'success', durationMs: 3000 }),
      (error: unknown) =>
        toasts.show({ message: 'Could not undo', detail: asAppError(error).message, tone: 'error' }),
    );
  }, [toasts]);
  useShortcut(UNDO_COMBO, undo, { inInputs: false });
}
