import { useCallback } from 'react';
import { asAppError, getBridge } from '../../bridge/bridge';
import { errorHelp } from '../../../../src/contract/error-messages';
import { dropUndo, linkUndoToast, pushUndo, runUndo } from '../../ui/undo';
import { useToasts } from '../../ui/Toasts';

/**
 * Moves something to the trash and says so with an "Undo" toast (Ctrl/Cmd+Z does the same). Deleting is
 * never guarded by a question: it is always undoable. Answers the trash id, or null when it failed
 * (the failure is shown as a toast in plain words).
 */
export function useMoveToTrash() {
  const toasts = useToasts();
  return useCallback(
    async (label: string, move: () => Promise<{ trashId: string }>): Promise<string | null> => {
      // On the undo stack at once, in the order the person acted; its run waits for the trash id.
      const moving = move();
      const entry = pushUndo({
        label,
        run: async () => getBridge().trash.restore({ id: (await moving).trashId }),
      });
      try {
        const { trashId } = await moving;
        const toastId = toasts.show({
          message: label,
          tone: 'info',
          action: {
            label: 'Undo',
            run: () => {
              runUndo(entry).catch((error: unknown) =>
                toasts.show({
                  message: 'Could not restore it',
                  detail: asAppError(error).message,
                  tone: 'error',
                }),
              );
            },
          },
        });
        linkUndoToast(entry, toastId);
        return trashId;
      } catch (error) {
        dropUndo(entry);
        const e = asAppError(error);
        toasts.show({ message: errorHelp[e.code].title, detail: e.message, tone: 'error' });
        return null;
      }
    },
    [toasts],
  );
}

/** Restores one trash entry, with a toast either way. */
export function useRestore() {
  const toasts = useToasts();
  return useCallback(
    async (trashId: string, what: string): Promise<boolean> => {
      try {
        await getBridge().trash.restore({ id: trashId });
        toasts.show({ message: `Restored ${what}`, tone: 'success', durationMs: 3000 });
        return true;
      } catch (error) {
        const e = asAppError(error);
        toasts.show({ message: `Could not restore ${what}`, detail: e.message, tone: 'error' });
        return false;
      }
    },
    [toasts],
  );
}
