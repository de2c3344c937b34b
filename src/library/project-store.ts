import { mkdir, readdir, stat, access } from 'node:fs/promises';
import { constants } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import {
  AppError,
  PROJECT_SCHEMA_VERSION,
  ProjectFileSchema,
  newId,
  nowIso,
  type ProjectFile,
  type ProjectProblem,
  type ProjectSummary,
} from '../domain';
import { writeJsonAtomic } from './atomic-write';
import { guardProjectFolder } from './contained-fs';
import { readJsonFile, readJsonValue, writeJsonKeepingUnknown } from './json-file';
import { setAsideStudioLink, settleLinksOut } from './links-out';
import { ProjectLayout } from './project-layout';
import { ProjectLock } from './project-lock';
import { quarantine, quarantinedProblems } from './quarantine';
import { reconcileLeftovers } from './workspace/reconcile-leftovers';
import { settleTrash } from './workspace/trash-store';
import { guardWrite, makeOutputFolder } from './workspace/fs-utils';

/**
 * An open project: its folder layout, its project.json, whether this instance may write to it, and the
 * problems found while opening it. Every mutation goes through `assertWritable()` first.
 */
export class ProjectHandle {
  readonly problems: ProjectProblem[] = [];
  /** What must be let go when the project closes (the results index's database connection). */
  private readonly closers: (() => void)[] = [];
  constructor(
    readonly layout: ProjectLayout,
    public file: ProjectFile,
    readonly readOnlyReason: string | undefined,
    private readonly lock: ProjectLock | undefined,
  ) {}

  get root(): string {
    return this.layout.root;
  }
  get readOnly(): boolean {
    return this.readOnlyReason !== undefined;
  }

  assertWritable(): void {
    if (this.readOnlyReason !== undefined) throw new AppError('PROJECT_READ_ONLY', this.readOnlyReason);
  }

  /** Records a damaged file found after opening (a character, a receipt) and moves it to quarantine. */
  async quarantine(file: string, reason: string): Promise<ProjectProblem> {
    const problem = this.readOnly
      ? { file, reason }
      : await quarantine(this.root, this.layout.quarantineDir, file, reason);
    this.problems.push(problem);
    return problem;
  }

  summary(): ProjectSummary {
    return {
      path: this.root,
      id: this.file.id,
      name: this.file.name,
      schemaVersion: this.file.schemaVersion,
      readOnly: this.readOnly,
      ...(this.readOnlyReason === undefined ? {} : { readOnlyReason: this.readOnlyReason }),
      problems: [...this.problems],
    };
  }

  /** Runs `closer` when the project closes (before its lock is released). */
  onClose(closer: () => void): void {
    this.closers.push(closer);
  }

  async close(): Promise<void> {
    for (const closer of this.closers.splice(0)) {
      try {
        closer();
      } catch (error) {
        console.warn('[ccstudio] closing part of the project failed:', (error as Error).message);
      }
    }
    await this.lock?.release();
  }
}

/** Creates a project in an empty (or new) folder. Refuses a folder that already holds a project or other files. */
export async function createProject(dir: string, name: string): Promise<ProjectHandle> {
  // The folder is the person's choice: made one level at a time, never on /proc or over a file.
  const layout = new ProjectLayout(await makeOutputFolder(dir, 'the project'));
  const existing = (await readdir(layout.root)).filter((entry) => !entry.startsWith('.'));
  if (existing.includes('project.json')) {
    throw new AppError('ALREADY_EXISTS', `There is already a project in ${layout.root}. Open it instead.`);
  }
  if (existing.length > 0) {
    throw new AppError(
      'ALREADY_EXISTS',
      `The folder ${layout.root} is not empty. Choose an empty folder, or a new folder name, for the project.`,
    );
  }
  const now = nowIso();
  const file: ProjectFile = {
    schemaVersion: PROJECT_SCHEMA_VERSION,
    id: newId(),
    name,
    createdAt: now,
    updatedAt: now,
  };
  await guardWrite('the new project', async () => {
    await Promise.all(
      [layout.charactersDir, layout.posesDir, layout.resultsDir, layout.trashDir, layout.studioDir].map((d) =>
        mkdir(d, { recursive: true }),
      ),
    );
    await writeJsonAtomic(layout.projectFile, file);
  });
  return openProject(layout.root);
}

/** Only the fields needed to recognise a project written by a newer version of the app. */
const VersionProbeSchema = z
  .object({ schemaVersion: z.number().int(), id: z.string(), name: z.string() })
  .loose();

/**
 * Opens a project folder. A project written by a newer app opens read-only; a project another instance
 * holds opens read-only; a folder the app may not write to opens read-only. A damaged project.json is
 * copied into quarantine and reported (the project cannot open without it).
 *
 * The open project's problems start with what it holds in quarantine (reported on every open until the
 * person deals with it) and, when this instance is the one writer, what a crash left behind, settled now
 * and reported this once (reconcileLeftovers).
 *
 * While it is open, every path of the project is contained (contained-fs.ts): a link that leads out of
 * the folder is never followed. Its top-level folders are looked at first (settleLinksOut): one that is
 * such a link is moved to quarantine (reported, when the project is open read-only).
 */
export async function openProject(dir: string): Promise<ProjectHandle> {
  const handle = await openHandle(dir);
  const layout = handle.layout;
  const linksOut = await settleLinksOut(layout, !handle.readOnly).catch((error: unknown) => {
    console.warn('[ccstudio] looking for links out of the project failed:', (error as Error).message);
    return [];
  });
  handle.problems.push(...linksOut);
  const inQuarantine = await quarantinedProblems(layout.root, layout.quarantineDir).catch(
    (error: unknown) => {
      console.warn('[ccstudio] the quarantine folder could not be read:', (error as Error).message);
      return [];
    },
  );
  handle.problems.push(...inQuarantine);
  if (!handle.readOnly) {
    // A delete or restore a crash interrupted is finished first (its entry says how far it got), so what
    // the leftovers check sees next is whole. It may quarantine a damaged trash entry: before `quarantined`.
    await settleTrash(handle).catch((error: unknown) => {
      console.warn('[ccstudio] finishing an interrupted delete or restore failed:', (error as Error).message);
    });
    const quarantined = new Set(handle.problems.map((p) => p.file));
    const leftovers = await reconcileLeftovers(layout, quarantined).catch((error: unknown) => {
      console.warn('[ccstudio] settling what a crash left behind failed:', (error as Error).message);
      return [];
    });
    handle.problems.push(...leftovers);
  }
  return handle;
}

async function openHandle(dir: string): Promise<ProjectHandle> {
  const layout = new ProjectLayout(resolve(dir));
  const info = await stat(layout.root).catch(() => null);
  if (!info?.isDirectory()) throw new AppError('NOT_FOUND', `There is no folder at ${layout.root}.`);
  // From here until the handle closes, every path of the project is contained (contained-fs.ts).
  const release = await guardProjectFolder(layout.root);
  try {
    const handle = await openGuarded(layout);
    handle.onClose(release);
    return handle;
  } catch (error) {
    release();
    throw error;
  }
}

async function openGuarded(layout: ProjectLayout): Promise<ProjectHandle> {
  const probe = await readJsonFile(layout.projectFile, VersionProbeSchema);
  if (!probe.ok && probe.missing) {
    throw new AppError(
      'NOT_FOUND',
      `${layout.root} is not a Consistent Character Studio project (no project.json).`,
    );
  }
  if (probe.ok && probe.value.schemaVersion > PROJECT_SCHEMA_VERSION) {
    const reason = `This project was saved by a newer version of Consistent Character Studio (format ${probe.value.schemaVersion}; this app reads format ${PROJECT_SCHEMA_VERSION}). It is open read-only so nothing is lost; update the app to edit it.`;
    const file = { ...(await looseProjectFile(layout)), schemaVersion: probe.value.schemaVersion };
    return new ProjectHandle(layout, file, reason, undefined);
  }
  const read = probe.ok ? await readJsonFile(layout.projectFile, ProjectFileSchema) : probe;
  if (!read.ok) {
    const reason = read.missing ? 'it is missing' : read.reason;
    // A copy is kept only of a file that is there (never of what a link points at, nor of a pipe).
    const copied = await quarantine(layout.root, layout.quarantineDir, layout.projectFile, reason, {
      keepOriginal: true,
    }).catch(() => undefined);
    const kept =
      copied?.quarantinedAs === undefined
        ? 'Nothing was overwritten.'
        : 'A copy was kept in .studio/quarantine; nothing was overwritten.';
    throw new AppError(
      'PROJECT_DAMAGED',
      `The project file project.json in ${layout.root} is damaged: ${reason}. ${kept}`,
      { file: 'project.json', reason },
    );
  }

  if (!(await isWritable(layout.root))) {
    return new ProjectHandle(
      layout,
      read.value,
      'The app may not write to this folder, so the project is open read-only. Check the folder’s permissions to edit it.',
      undefined,
    );
  }
  // The lock lives in .studio/: a .studio that is a link out of the project is set aside before it.
  await setAsideStudioLink(layout).catch((error: unknown) => {
    console.warn(
      '[ccstudio] a .studio link out of the project could not be set aside:',
      (error as Error).message,
    );
  });
  const outcome = await ProjectLock.acquire(layout.lockFile).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EACCES' || error.code === 'EROFS' || error.code === 'EPERM') return null;
    throw error;
  });
  if (outcome === null) {
    return new ProjectHandle(
      layout,
      read.value,
      'The project folder is read-only, so the project is open read-only.',
      undefined,
    );
  }
  if (!outcome.acquired) {
    return new ProjectHandle(
      layout,
      read.value,
      `This project is open in ${outcome.heldBy}. It is open here read-only so the two never overwrite each other; close it there to edit it here.`,
      undefined,
    );
  }
  return new ProjectHandle(layout, read.value, undefined, outcome.lock);
}

async function isWritable(dir: string): Promise<boolean> {
  try {
    await access(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

async function looseProjectFile(layout: ProjectLayout): Promise<ProjectFile> {
  const read = await readJsonValue(layout.projectFile);
  const raw = (read.ok && typeof read.value === 'object' && read.value !== null ? read.value : {}) as Record<
    string,
    unknown
  >;
  const text = (v: unknown, fallback: string) => (typeof v === 'string' ? v : fallback);
  return {
    schemaVersion: Number(raw.schemaVersion),
    id: text(raw.id, 'unknownproject'),
    name: text(raw.name, 'Untitled project'),
    createdAt: text(raw.createdAt, nowIso()),
    updatedAt: text(raw.updatedAt, nowIso()),
  };
}

/** Renames a project (project.json only; the folder keeps its name). */
export async function saveProjectFile(
  handle: ProjectHandle,
  changes: Partial<Pick<ProjectFile, 'name'>>,
): Promise<void> {
  handle.assertWritable();
  const next = { ...handle.file, ...changes, updatedAt: nowIso() };
  await writeJsonKeepingUnknown(handle.layout.projectFile, ProjectFileSchema, next);
  handle.file = next;
}
