import { z } from 'zod';
import { IdSchema, IsoDateSchema } from './ids';

/** Bump when project.json or any file inside a project changes shape; older apps then open it read-only. */
export const PROJECT_SCHEMA_VERSION = 1;

export const ProjectFileSchema = z.object({
  schemaVersion: z.number().int().min(1),
  id: IdSchema,
  name: z.string().min(1).max(200),
  createdAt: IsoDateSchema,
  updatedAt: IsoDateSchema,
});
export type ProjectFile = z.infer<typeof ProjectFileSchema>;

/**
 * A file that needs the person: one that could not be read and was moved into .studio/quarantine/ so the
 * rest of the project could open (reported on every open while it is there), or one a crash left behind
 * that opening moved into .studio/leftovers/ (reported on that open).
 */
export const ProjectProblemSchema = z.object({
  /** Where the file was in the project, relative to its root. */
  file: z.string(),
  reason: z.string(),
  /** Where it is kept now, relative to the project root (in quarantine or among the leftovers). */
  quarantinedAs: z.string().optional(),
});
export type ProjectProblem = z.infer<typeof ProjectProblemSchema>;

export const ProjectSummarySchema = z.object({
  path: z.string(),
  id: IdSchema,
  name: z.string(),
  schemaVersion: z.number().int(),
  readOnly: z.boolean(),
  /** Why the project is read-only, in the person's words; absent when it is writable. */
  readOnlyReason: z.string().optional(),
  problems: z.array(ProjectProblemSchema),
});
export type ProjectSummary = z.infer<typeof ProjectSummarySchema>;

export const RecentProjectSchema = z.object({
  path: z.string(),
  name: z.string(),
  openedAt: IsoDateSchema,
  exists: z.boolean(),
});
export type RecentProject = z.infer<typeof RecentProjectSchema>;
