import { lstat, rename, writeFile } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import type { ProjectProblem } from '../domain';
import {
  MAX_JSON_BYTES,
  isInsideProject,
  linkOutOnTheWay,
  listFolderInside,
  makeFolderInside,
  readRegularFile,
} from './contained-fs';

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
 *
 * What is moved is what is damaged: the file itself (a folder, a pipe or a link in its place included:
 * a rename moves the entry, never what a link points at), or, when the file lies behind a link that
 * leads out of `root` (characters/<id> linked elsewhere), that link: nothing outside the folder is ever
 * moved, copied or read. The problem then names the link. A copy (`keepOriginal`) is made only of a
 * regular file that is there; of anything else nothing is copied and the problem is only reported, as it
 * is when the quarantine folder itself would lie outside `root` or the file is already gone.
 */
export async function quarantine(
  root: string,
  quarantineDir: string,
  file: string,
  reason: string,
  options: { keepOriginal?: boolean } = {},
): Promise<ProjectProblem> {
  const damaged = (await linkOutOnTheWay(root, file)) ?? file;
  const rel = relative(root, damaged);
  const problem: ProjectProblem = { file: toPosix(rel), reason };
  if (!(await isInsideProject(quarantineDir))) return problem;
  await makeFolderInside(quarantineDir);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const target = join(quarantineDir, `${stamp}__${rel.split(sep).join('__') || basename(file)}`);
  if (options.keepOriginal) {
    if (damaged !== file) return problem;
    const read = await readRegularFile(file, MAX_JSON_BYTES, { noFollow: true });
    if (!read.ok) return problem;
    await writeFile(target, read.bytes, { flag: 'wx' });
  } else {
    try {
      await rename(damaged, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return problem; // moved or removed meanwhile
      throw error;
    }
  }
  return { ...problem, quarantinedAs: toPosix(relative(root, target)) };
}

/**
 * Everything the quarantine folder holds, as problems named by each file's original path: read on every
 * open, so a damaged file stays reported (its images are still in the project, and would otherwise look
 * simply gone) until the person deletes it from quarantine or moves it back. Oldest first. Whatever it
 * holds counts (files, and the folders, pipes and links that were found where a file or folder belongs).
 */
export async function quarantinedProblems(root: string, quarantineDir: string): Promise<ProjectProblem[]> {
  const names = (await listFolderInside(quarantineDir)).filter((name) => !name.startsWith('.')).sort();
  return Promise.all(
    names.map(async (name): Promise<ProjectProblem> => {
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
      const isLink = await lstat(join(quarantineDir, name)).then(
        (info) => info.isSymbolicLink(),
        () => false,
      );
      const reason =
        file === 'project.json'
          ? `A copy of project.json taken when it was found damaged ${when} is kept in quarantine. Delete it there once you no longer need it.`
          : isLink
            ? `It was a link the app does not follow (to a place outside the project folder, round in a circle, or to something that is not a file); it was moved to quarantine ${when}. Put the real file or folder at ${file}, or delete the link from quarantine, to clear this.`
            : `It was found damaged ${when} and moved to quarantine. Repair it and move it back to ${file}, or delete it from quarantine, to clear this.`;
      return { file, reason, quarantinedAs };
    }),
  );
}
