/** How a long operation is watched and stopped: the services turn this into 'task.progress' events. */
export interface TaskControl {
  signal?: AbortSignal | undefined;
  onProgress?: ((done: number, total: number, failed: number) => void) | undefined;
}
