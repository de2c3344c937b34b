import { z } from 'zod';
import { AppError } from '../../domain';
import { MAX_JSON_BYTES, readRegularFile } from '../contained-fs';
import { nestedDeeperThan, MAX_JSON_DEPTH } from '../json-file';

/**
 * Only the fields needed to recognise a project (as the project store's own probe): an archive of a
 * project saved by a newer version of the app is still that project, and opens read-only once unpacked.
 */
const ProjectProbeSchema = z
  .object({ schemaVersion: z.number().int().min(1), id: z.string().min(1), name: z.string().min(1) })
  .loose();
export type ProjectProbe = z.infer<typeof ProjectProbeSchema>;

/**
 * Reads `project.json` at `file` (a regular file, never through a link in its last step, at most the
 * JSON cap) and checks it names a project. Undefined when it is missing; the reason otherwise.
 */
export async function probeProjectFile(
  file: string,
): Promise<{ ok: true; project: ProjectProbe } | { ok: false; missing: boolean; why: string }> {
  const read = await readRegularFile(file, MAX_JSON_BYTES, { noFollow: true });
  if (!read.ok)
    return { ok: false, missing: read.missing, why: read.missing ? 'it is missing' : read.refusal.message };
  const text = read.bytes.toString('utf8');
  if (nestedDeeperThan(text, MAX_JSON_DEPTH))
    return { ok: false, missing: false, why: 'it is nested too deeply' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, missing: false, why: 'it is not valid JSON' };
  }
  const parsed = ProjectProbeSchema.safeParse(value);
  if (!parsed.success) return { ok: false, missing: false, why: 'it does not describe a project' };
  return { ok: true, project: parsed.data };
}

/** The project in `root`, or NOT_FOUND / PROJECT_DAMAGED naming what is wrong with its project.json. */
export async function readProjectProbe(root: string, projectFile: string): Promise<ProjectProbe> {
  const probe = await probeProjectFile(projectFile);
  if (probe.ok) return probe.project;
  if (probe.missing)
    throw new AppError(
      'NOT_FOUND',
      `${root} is not a Consistent Character Studio project (no project.json).`,
    );
  throw new AppError(
    'PROJECT_DAMAGED',
    `The project’s project.json cannot be read (${probe.why}). Open the project in the app to see what it found.`,
    { file: 'project.json' },
  );
}
