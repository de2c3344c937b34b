import { join } from 'node:path';
import { AppError, IdSchema, PoseLibrarySchema, type Box, type Result } from '../../domain';
import type { TrashEntryView } from '../../contract/calls/workspace';
import { readJsonValue, type JsonRead } from '../json-file';
import { readPoseLibrary } from './pose-library-file';
import type { ProjectHandle } from '../project-store';
import { CharacterStore } from './character-store';
import { guardWrite, listDir } from './fs-utils';
import { KeyedMutex } from './keyed-mutex';
import { thumbFileFor } from './paths';
import { PresetStore } from './preset-store';
import { PoseLibraryStore, TrashedPosesPayloadSchema } from './pose-store';
import { type Catalog } from './result-query';
import { ResultStore } from './results/result-store';
import type { ResultDraft } from './result-types';
import type { CatalogStoreContext } from './store-context';
import { TrashStore, type TrashEntryFile, type TrashKind } from './trash-store';
import { TrashedReferencePayloadSchema, lockKeysFor, trashLock, withLocks } from './trash-records';

const isId = (name: string): boolean => IdSchema.safeParse(name).success;

/**
 * A JSON file read the contained way (readJsonValue: never through a link out of the project, never a
 * pipe or a device, never too large or too deep), or undefined when it is missing, refused or not JSON.
 */
async function readLoose(
  file: string,
  readFile: (file: string) => Promise<JsonRead<unknown>> = readJsonValue,
): Promise<Record<string, unknown> | undefined> {
  const read = await readFile(file).catch(() => null);
  const raw = read?.ok ? read.value : undefined;
  return typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : undefined;
}

/** A pose's figures and sheet size, wherever the pose is now (a library, or the trash). */
export interface PoseGeometry {
  figures: Box[];
  image: { width: number; height: number };
}

/**
 * Everything the workspace keeps for one open project: the stores, one set of locks shared by them
 * (so a library.json or the index is never written by two operations at once), and a catalog of names
 * and trash states that result summaries are built with. One per ProjectHandle (workspaceFor).
 */
export class Workspace implements CatalogStoreContext {
  readonly locks = new KeyedMutex();
  readonly trash: TrashStore;
  readonly characters: CharacterStore;
  readonly poses: PoseLibraryStore;
  readonly results: ResultStore;
  readonly presets: PresetStore;
  private catalogPromise: Promise<Catalog> | null = null;
  private catalogVersion = 0;

  constructor(readonly project: ProjectHandle) {
    this.trash = new TrashStore(project);
    this.characters = new CharacterStore(this);
    this.poses = new PoseLibraryStore(this);
    this.results = new ResultStore(this);
    this.presets = new PresetStore(this);
  }

  /** Names and states of characters, libraries and poses (live or trashed), cached until something changes. */
  catalog(): Promise<Catalog> {
    if (this.catalogPromise) return this.catalogPromise;
    const version = ++this.catalogVersion;
    const building = this.buildCatalog(version);
    this.catalogPromise = building;
    building.catch(() => {
      if (this.catalogPromise === building) this.catalogPromise = null;
    });
    return building;
  }

  invalidateCatalog(): void {
    this.catalogVersion++;
    this.catalogPromise = null;
  }

  /**
   * Only names, kinds and figure counts are needed here, so the files are parsed without schema
   * validation (about 5x cheaper for a project with hundreds of poses; it is on the path to the first
   * gallery page). A file that does not even have a name is left out; characters.list and poses.list
   * validate fully and quarantine it.
   */
  private async buildCatalog(version: number): Promise<Catalog> {
    const layout = this.project.layout;
    const [characterIds, libraryIds, entries] = await Promise.all([
      listDir(layout.charactersDir),
      listDir(layout.posesDir),
      this.trash.list(),
    ]);
    const [characters, libraries] = await Promise.all([
      Promise.all(
        characterIds.filter(isId).map(async (id) => ({ id, raw: await readLoose(layout.characterFile(id)) })),
      ),
      Promise.all(
        libraryIds.filter(isId).map(async (id) => ({
          id,
          raw: await readLoose(layout.poseLibraryFile(id), (file) => this.poses.reader.readValue(file)),
        })),
      ),
    ]);
    const cat: Catalog = {
      version,
      characters: new Map(),
      libraries: new Map(),
      poses: new Map(),
      trashed: new Map(),
    };
    for (const { id, raw } of characters) {
      if (typeof raw?.name === 'string') cat.characters.set(id, { name: raw.name });
    }
    for (const { id, raw } of libraries) {
      if (typeof raw?.name !== 'string') continue;
      cat.libraries.set(id, { name: raw.name });
      for (const pose of Array.isArray(raw.poses) ? (raw.poses as unknown[]) : []) {
        const p = pose as Record<string, unknown> | null;
        if (typeof p?.id !== 'string' || typeof p.name !== 'string') continue;
        cat.poses.set(p.id, {
          name: p.name,
          libraryId: id,
          kind: p.kind === 'sheet' ? 'sheet' : 'single',
          figures: Array.isArray(p.figures) ? p.figures.length : 0,
        });
      }
    }
    // Oldest first, so when an id was trashed twice (restored in between) the newest entry wins.
    for (const entry of [...entries].reverse()) {
      for (const c of entry.refs.characters)
        if (!cat.characters.has(c.id)) cat.trashed.set(c.id, { trashId: entry.id, name: c.name });
      for (const l of entry.refs.libraries)
        if (!cat.libraries.has(l.id)) cat.trashed.set(l.id, { trashId: entry.id, name: l.name });
      for (const p of entry.refs.poses) {
        if (!cat.poses.has(p.id)) {
          cat.trashed.set(p.id, {
            trashId: entry.id,
            name: p.name,
            libraryId: p.libraryId,
            kind: p.kind,
            figures: p.figures,
          });
        }
      }
    }
    return cat;
  }

  /** Warms the caches right after the project opens, so the first gallery page does not wait for them. */
  preload(): Promise<void> {
    return Promise.all([this.results.load(), this.catalog()]).then(() => undefined);
  }

  // -- trash -------------------------------------------------------------------------------------

  async trashView(): Promise<TrashEntryView[]> {
    const [entries, cat] = await Promise.all([this.trash.list(), this.catalog()]);
    return entries.map((entry) => {
      const blockedBy = this.blockedBy(entry, cat);
      const first = entry.thumbIds[0];
      return {
        id: entry.id,
        kind: entry.kind,
        label: entry.label,
        trashedAt: entry.trashedAt,
        count: entry.count,
        thumbFile: first ? thumbFileFor(first) : null,
        restorable: blockedBy === undefined,
        ...(blockedBy === undefined ? {} : { blockedBy }),
      };
    });
  }

  /** Why an entry cannot go back yet (its library or character is itself in the trash), in words. */
  private blockedBy(entry: TrashEntryFile, cat: Catalog): string | undefined {
    if (entry.kind === 'reference') {
      const payload = TrashedReferencePayloadSchema.safeParse(entry.payload);
      if (!payload.success) return 'Its record is damaged.';
      const id = payload.data.characterId;
      if (cat.characters.has(id)) return undefined;
      const trashed = cat.trashed.get(id);
      return trashed
        ? `Its character “${trashed.name}” is in the trash: restore it first.`
        : 'Its character was deleted for good.';
    }
    if (entry.kind === 'pose') {
      const payload = TrashedPosesPayloadSchema.safeParse(entry.payload);
      if (!payload.success) return 'Its record is damaged.';
      for (const item of payload.data.poses) {
        if (cat.libraries.has(item.libraryId)) continue;
        const trashed = cat.trashed.get(item.libraryId);
        if (trashed) return `Its pose library “${trashed.name}” is in the trash: restore it first.`;
      }
    }
    return undefined;
  }

  /**
   * Puts a trash entry back (TrashStore.restore: all of it or, when a step fails, none of it). Answers
   * its kind, so the UI knows which lists to refresh. Holds the locks of every file the restore touches.
   */
  async restore(trashId: string): Promise<TrashKind> {
    this.project.assertWritable();
    const entry = await this.trash.read(trashId);
    if (entry.state !== 'done') throw new AppError('NOT_FOUND', 'That item is no longer in the trash.');
    const blocked = this.blockedBy(entry, await this.catalog());
    if (blocked)
      throw new AppError('NOT_FOUND', `“${entry.label}” cannot be restored yet. ${blocked}`, { trashId });
    try {
      await withLocks(this.locks, lockKeysFor(entry), () =>
        guardWrite('the restore', async () => {
          if (entry.kind === 'results') await this.results.restoreFromTrash(trashId, entry.refs.results);
          else await this.trash.restore(trashId);
        }),
      );
    } finally {
      // Records may have been rewritten (and put back again, when the restore failed).
      this.invalidateCatalog();
    }
    return entry.kind;
  }

  /** Deletes trash entries for good (all when `ids` is omitted), with their cached thumbnails. */
  async emptyTrash(ids?: readonly string[]): Promise<number> {
    this.project.assertWritable();
    const entries = await this.trash.list();
    const wanted = ids ? new Set(ids) : undefined;
    let removed = 0;
    for (const entry of entries) {
      if (wanted && !wanted.has(entry.id)) continue;
      const gone = await this.locks.run(trashLock(entry.id), () =>
        guardWrite('the trash', () => this.trash.empty(entry.id)),
      );
      if (gone) removed++;
    }
    this.invalidateCatalog();
    return removed;
  }

  /** A pose's figures and sheet size: from its library, or from the trash when it was deleted. */
  async poseGeometry(poseId: string): Promise<PoseGeometry | undefined> {
    const live = await this.poses.findPose(poseId);
    if (live) return live.pose;
    for (const entry of await this.trash.list()) {
      if (entry.kind === 'pose') {
        const payload = TrashedPosesPayloadSchema.safeParse(entry.payload);
        const found = payload.success ? payload.data.poses.find((p) => p.pose.id === poseId) : undefined;
        if (found) return found.pose;
      }
      if (entry.kind === 'poseLibrary' && entry.refs.poses.some((p) => p.id === poseId)) {
        const libraryId = entry.refs.libraries[0]?.id;
        if (!libraryId) continue;
        const file = join(this.trash.trashedPath(entry.id, `poses/${libraryId}`), 'library.json');
        const read = await readPoseLibrary(file, PoseLibrarySchema);
        const pose = read.ok ? read.value.poses.find((p) => p.id === poseId) : undefined;
        if (pose) return pose;
      }
    }
    return undefined;
  }
}

const workspaces = new WeakMap<ProjectHandle, Workspace>();

/** The workspace of an open project (one per ProjectHandle, made on first use). */
export function workspaceFor(project: ProjectHandle): Workspace {
  let ws = workspaces.get(project);
  if (!ws) {
    ws = new Workspace(project);
    workspaces.set(project, ws);
  }
  return ws;
}

/**
 * Commits a finished generation into the project: the image bytes first (results/<id>.<ext>, written
 * atomically), then results/<id>.json (atomically), then the index and the thumbnail. Answers the stored
 * Result. Throws PROJECT_READ_ONLY, DISK_FULL or PERMISSION_DENIED (the image, if it got written, stays;
 * calling again with the same draft completes the commit), ALREADY_EXISTS when the id is taken.
 * The services' `commitResult` wraps this and tells the UI.
 */
export function addResult(
  project: ProjectHandle,
  draft: ResultDraft,
  imageBytes: Uint8Array,
): Promise<Result> {
  return workspaceFor(project).results.add(draft, imageBytes);
}

/** True when the project already holds this result id (a job that committed just before a crash). */
export function hasResult(project: ProjectHandle, id: string): Promise<boolean> {
  return workspaceFor(project).results.has(id);
}
