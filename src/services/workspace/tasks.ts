import { randomUUID } from 'node:crypto';
import { AppError } from '../../domain';
import type { EventPayload } from '../../contract';
import type { TaskControl } from '../../library/workspace';
import type { EventBus } from '../event-bus';

type TaskKind = EventPayload<'task.progress'>['kind'];

/**
 * Long work the UI can watch and stop. The UI names the task (or gets a generated id in the first
 * event); 'task.progress' events carry done / total / failed, the last one `finished: true`, and
 * `tasks.cancel` aborts the task's AbortSignal, which the work checks between files.
 */
export class TaskRegistry {
  private readonly running = new Map<string, AbortController>();
  /** Cancels that arrived before their task started (a quick click): honoured when it starts. */
  private readonly early: string[] = [];

  constructor(private readonly events: EventBus) {}

  async run<T>(
    kind: TaskKind,
    requestedId: string | undefined,
    work: (control: TaskControl, taskId: string) => Promise<T>,
  ): Promise<T> {
    const taskId = requestedId ?? randomUUID();
    if (this.running.has(taskId))
      throw new AppError('ALREADY_EXISTS', 'A task with this id is already running.');
    const controller = new AbortController();
    const early = this.early.indexOf(taskId);
    if (early >= 0) {
      this.early.splice(early, 1);
      controller.abort();
    }
    this.running.set(taskId, controller);
    const last = { done: 0, total: 0, failed: 0 };
    const emit = (finished: boolean) =>
      this.events.emit('task.progress', { taskId, kind, ...last, finished });
    const control: TaskControl = {
      signal: controller.signal,
      onProgress: (done, total, failed) => {
        last.done = done;
        last.total = total;
        last.failed = failed;
        emit(false);
      },
    };
    try {
      return await work(control, taskId);
    } finally {
      this.running.delete(taskId);
      emit(true);
    }
  }

  cancel(taskId: string): boolean {
    const controller = this.running.get(taskId);
    if (controller) {
      controller.abort();
      return true;
    }
    this.early.push(taskId);
    if (this.early.length > 50) this.early.shift();
    return false;
  }

  cancelAll(): void {
    for (const controller of this.running.values()) controller.abort();
  }
}
