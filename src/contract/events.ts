import { z } from 'zod';
import { event } from './define';
import { JobSchema } from '../domain';
import { QueueStateSchema } from './calls/generation';

/** Every event main pushes to the renderer. Listeners get the payload only, never the IPC event object. */
export const contractEvents = {
  /** The open project changed on disk in a way lists should refetch (kind names what changed). */
  'project.changed': event(
    z.object({ kind: z.enum(['project', 'characters', 'poses', 'results', 'trash']) }),
  ),
  'jobs.updated': event(JobSchema),
  'queue.changed': event(QueueStateSchema),
  'network.changed': event(z.object({ online: z.boolean() })),
  'credits.changed': event(z.object({ credits: z.number() })),
  /** Long work (imports, exports) reports progress so the UI can show a bar and offer cancel. */
  'task.progress': event(
    z.object({
      taskId: z.string(),
      kind: z.enum(['import', 'export', 'cut', 'thumbnails']),
      done: z.number().int().nonnegative(),
      total: z.number().int().nonnegative(),
      failed: z.number().int().nonnegative(),
      finished: z.boolean(),
    }),
  ),
};
