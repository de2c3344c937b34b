import { useCallback, useRef, useState } from 'react';
import type { EventPayload } from '../../../src/contract';
import { getBridge } from '../bridge/bridge';
import { useAppEvent } from '../bridge/queries';
import { newTaskId } from './format';

export interface TaskProgress {
  done: number;
  total: number;
  failed: number;
  finished: boolean;
}

/**
 * Long work (imports, exports, cuts) with a progress bar and Cancel: `start()` picks the task id to pass
 * to the call, 'task.progress' events for that id fill `progress`, `cancel()` asks the app to stop after
 * the file in hand, `end()` when the call has answered.
 */
export function useTask() {
  const current = useRef<string | null>(null);
  const [taskId, setTaskId] = useState<string | null>(null);
  const [progress, setProgress] = useState<TaskProgress | null>(null);
  const [cancelling, setCancelling] = useState(false);

  const onProgress = useCallback((event: EventPayload<'task.progress'>) => {
    if (event.taskId !== current.current) return;
    setProgress({ done: event.done, total: event.total, failed: event.failed, finished: event.finished });
  }, []);
  useAppEvent('task.progress', onProgress);

  const start = useCallback((): string => {
    const id = newTaskId();
    current.current = id;
    setTaskId(id);
    setProgress(null);
    setCancelling(false);
    return id;
  }, []);
  const cancel = useCallback(() => {
    const id = current.current;
    if (!id) return;
    setCancelling(true);
    void getBridge().tasks.cancel({ taskId: id });
  }, []);
  const end = useCallback(() => {
    current.current = null;
    setTaskId(null);
    setCancelling(false);
  }, []);
  return { taskId, running: taskId !== null, progress, cancelling, start, cancel, end };
}
