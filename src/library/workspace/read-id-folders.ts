import type { z } from 'zod';
import { IdSchema, isAppError, type ProjectProblem } from '../../domain';
import { readJsonFile, type JsonRead } from '../json-file';
import type { ProjectHandle } from '../project-store';
import { listDir, toProjectPath } from './fs-utils';

/**
 * Reads the one JSON file of every id-named folder under `dir` (characters/<id>/character.json,
 * poses/<id>/library.json). A damaged file is moved to quarantine and reported while the others load; the
 * folder name is the id, so a folder copied by hand keeps working. The project's other problems under the
 * same folder are reported again (met earlier this session, or still in quarantine from an earlier one:
 * see quarantinedProblems), so the UI keeps showing them until the person deals with them.
 */
export async function readIdFolders<S extends z.ZodType<{ id: string }>>(
  project: ProjectHandle,
  dir: string,
  fileFor: (id: string) => string,
  schema: S,
  onMissing?: (relativeFile: string) => ProjectProblem | null,
  /** How one item is read, when it is more than one JSON file (a pose library and its log). */
  readItem: (
    file: string,
    schema: S,
  ) => Promise<JsonRead<z.output<S>> & { damagedFile?: string }> = readJsonFile,
): Promise<{ items: z.output<S>[]; problems: ProjectProblem[] }> {
  const listed = await listIds(project, dir);
  if ('problem' in listed) return { items: [], problems: [listed.problem] };
  const ids = listed.ids;
  const problems: ProjectProblem[] = [];
  const read = await Promise.all(
    ids.map(async (id) => {
      const file = fileFor(id);
      const result = await readItem(file, schema);
      if (result.ok) return { ...result.value, id } as z.output<S>;
      if (result.missing) {
        const problem = onMissing?.(toProjectPath(project.root, file));
        if (problem) problems.push(problem);
        return null;
      }
      const damaged = result.damagedFile ?? file;
      problems.push(await project.quarantine(damaged, result.reason));
      if (damaged === file) return null;
      // Another file of the item was damaged (a pose library's log): without it, the item may load.
      const again = await readItem(file, schema);
      return again.ok ? ({ ...again.value, id } as z.output<S>) : null;
    }),
  );
  const prefix = `${toProjectPath(project.root, dir)}/`;
  const earlier = project.problems.filter((p) => p.file.startsWith(prefix) && !problems.includes(p));
  return {
    items: read.filter((item): item is Awaited<z.output<S>> => item !== null),
    problems: [...earlier, ...problems],
  };
}

/**
 * The id-named entries of `dir`. The folder itself leading out of the project through a link (refused by
 * listDir, see contained-fs.ts) or being a file is the one problem to report: nothing in it is listed.
 */
async function listIds(
  project: ProjectHandle,
  dir: string,
): Promise<{ ids: string[] } | { problem: ProjectProblem }> {
  try {
    return { ids: (await listDir(dir)).filter((name) => IdSchema.safeParse(name).success) };
  } catch (error) {
    const file = toProjectPath(project.root, dir);
    if (isAppError(error) && error.code === 'PROJECT_DAMAGED') {
      return {
        problem: {
          file: typeof error.detail?.file === 'string' ? error.detail.file : file,
          reason: error.message,
        },
      };
    }
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') {
      return {
        problem: { file, reason: `${file} is a file where a folder belongs, so nothing in it is listed.` },
      };
    }
    throw error;
  }
}
