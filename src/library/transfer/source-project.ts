import { realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  AppError,
  PROJECT_SCHEMA_VERSION,
  ProjectFileSchema,
  type Character,
  type PoseLibrary,
  type ProjectProblem,
} from '../../domain';
import { guardProjectFolder } from '../contained-fs';
import { readJsonFile } from '../json-file';
import { ProjectHandle } from '../project-store';
import { ProjectLayout } from '../project-layout';
import { Workspace } from '../workspace';

/** Why the other project's handle is read-only: it is only ever read from. */
const READ_ONLY_REASON = 'Opened only to copy characters and poses from it.';

/** Another project, opened to copy from: read through the stores, never written, never locked. */
export interface SourceProject {
  readonly handle: ProjectHandle;
  readonly workspace: Workspace;
  readonly characters: Character[];
  readonly libraries: PoseLibrary[];
  readonly problems: ProjectProblem[];
  close(): Promise<void>;
}

/**
 * Opens the project in `dir` read-only for copying from it. No lock is taken (the project may be open in
 * another window or app, and it is never written) and nothing is settled or quarantined in it: a
 * damaged file is reported and left where it is (a read-only handle's quarantine only records). Its
 * paths are contained while it is open (guardProjectFolder), so a link inside it that leads out of its
 * folder is never followed. `openRoot` is the open project's folder: copying a project into itself is
 * refused.
 */
export async function openSourceProject(dir: string, openRoot: string | null): Promise<SourceProject> {
  const layout = new ProjectLayout(resolve(dir));
  const info = await stat(layout.root).catch(() => null);
  if (!info?.isDirectory()) throw new AppError('NOT_FOUND', `There is no folder at ${layout.root}.`);
  if (openRoot !== null && (await sameFolder(layout.root, openRoot))) {
    throw new AppError(
      'INVALID_INPUT',
      'That is the project open now. Choose another project to copy characters and poses from.',
      { reason: 'same-project' },
    );
  }
  const release = await guardProjectFolder(layout.root);
  try {
    const read = await readJsonFile(layout.projectFile, ProjectFileSchema);
    if (!read.ok) {
      throw read.missing
        ? new AppError(
            'NOT_FOUND',
            `${layout.root} is not a Consistent Character Studio project (no project.json).`,
          )
        : new AppError(
            'PROJECT_DAMAGED',
            `The project.json of ${layout.root} cannot be read (${read.reason}). Open that project in the app to see what it found.`,
            { file: 'project.json' },
          );
    }
    if (read.value.schemaVersion > PROJECT_SCHEMA_VERSION) {
      throw new AppError(
        'PROJECT_READ_ONLY',
        `“${read.value.name}” was saved by a newer version of the app, so its characters and poses may hold things this version would drop. Update the app to copy from it.`,
      );
    }
    const handle = new ProjectHandle(layout, read.value, READ_ONLY_REASON, undefined);
    handle.onClose(release);
    const workspace = new Workspace(handle);
    const [characters, poses] = await Promise.all([
      workspace.characters.readAll(),
      workspace.poses.readAll(),
    ]);
    return {
      handle,
      workspace,
      characters: characters.characters,
      libraries: poses.libraries,
      problems: dedupeProblems([...characters.problems, ...poses.problems]),
      close: () => handle.close(),
    };
  } catch (error) {
    release();
    throw error;
  }
}

async function sameFolder(a: string, b: string): Promise<boolean> {
  const [ra, rb] = await Promise.all([
    realpath(a).catch(() => resolve(a)),
    realpath(b).catch(() => resolve(b)),
  ]);
  return ra === rb;
}

function dedupeProblems(problems: ProjectProblem[]): ProjectProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => (seen.has(p.file) ? false : (seen.add(p.file), true)));
}
