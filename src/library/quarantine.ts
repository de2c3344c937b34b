import { copyFile, mkdir, readdir, rename } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import type { ProjectProblem } from '../domain';

/**
 * The quarantine folder: where a file that fails to parse or validate is moved, so the rest opens and the
 * file is never overwritten with defaults. Each file is named `<when>__<its path with / as __>`, so the
 * folder itself says what each file was; that name is all the record there is, which keeps the folder
 * the only truth (nothing to get out of step with it when the person deletes or moves a file by hand).
 */
const toPosix = (path: string): string => path.split(sep).join('/');
const STAMPED = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-\d{2}-\d{3}Z__(.+)$/;

/**
 * Moves a damaged file out of the way into the quarantine folder. The person can inspect or repair it there.
 * With `keepOriginal`, the file is copied instead (used for project.json, which the project needs to exist).
 */
export async function quarantine(
  root: string,
  quarantineDir: string,
  file: string,
  reason: string,
  options: { keepOriginal?: boolean } = {},
): Promise<ProjectProblem> {
  await mkdir(quarantineDir, { recursive: true });
  const rel = relative(root, file);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const target = join(quarantineDir, `${stamp}__${rel.split(sep).join('__') || basename(file)}`);
  if (options.keepOriginal) await copyFile(file, target);
  else await rename(file, target);
  return { file: toPosix(rel), reason, quarantinedAs: toPosix(relative(root, target)) };
}

/**
 * Everything the quarantine folder holds, as problems named by each file's original path: read on every
 * open, so a damaged file stays reported (its images are still in the project, and would otherwise look
 * simply gone) until the person deletes it from quarantine or moves it back. Oldest first.
 */
export async function quarantinedProblems(root: string, quarantineDir: string): Promise<ProjectProblem[]> {
  const entries = await readdir(quarantineDir, { withFileTypes: true }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    },
  );
  return entries
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const quarantinedAs = toPosix(relative(root, join(quarantineDir, name)));
      const stamped = STAMPED.exec(name);
      if (!stamped) {
        return {
          file: quarantinedAs,
          reason: 'This file is in quarantine. Delete it there once you no longer need it.',
          quarantinedAs,
        };
      }
      const [, day, hour, minute, flat = name] = stamped;
      const file = flat.split('__').join('/');
      const when = `on ${day} at ${hour}:${minute} UTC`;
      const reason =
        file === 'project.json'
          ? `A copy of project.json taken when it was found damaged ${when} is kept in quarantine. Delete it there once you no longer need it.`
          : `It was found damaged ${when} and moved to quarantine. Repair it and move it back to ${file}, or delete it from quarantine, to clear this.`;
      return { file, reason, quarantinedAs };
    });
}
