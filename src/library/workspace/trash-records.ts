import { rm, rmdir } from 'node:fs/promises';
import { dirname, relative, sep } from 'node:path';
import { z } from 'zod';
import {
  AppError,
  CharacterSchema,
  IdSchema,
  PoseLibrarySchema,
  PoseSchema,
  StoredImageSchema,
  nowIso,
  type Pose,
  type PoseLibrary,
} from '../../domain';
import type { TrashKindSchema } from '../../contract/calls/workspace';
import { writeFileAtomic } from '../atomic-write';
import { MAX_JSON_BYTES, projectRootOf, readFileInside, refusalError } from '../contained-fs';
import { readJsonFile, writeJsonKeepingUnknown } from '../json-file';
import type { ProjectLayout } from '../project-layout';
import { exists } from './fs-utils';
import type { KeyedMutex } from './keyed-mutex';
import { appendPoseLibraryChange, readPoseLibrary } from './pose-library-file';

/**
 * What a trash entry changes besides the files it moves: the JSON that lists its things. A trashed pose
 * is listed in its library (library.json and its log of changes), a trashed reference image in its
 * character.json. Results, characters
 * and pose libraries have no such record: a result's receipt is one of the files that move, a character
 * or a library is its whole folder.
 *
 * Every step here works on the files alone and is idempotent (a file that already says what it should is
 * left as it is), so the live app, holding the locks `lockKeysFor` names, and the settling at open, alone
 * with the project, run the same code, and a crash during either is settled by running the steps again
 * (TrashStore.settle). Each file a step rewrites puts an Undo on the list it is given, which writes back
 * the exact bytes the file had: a trash or a restore that fails half way leaves every file as it was.
 */

/** Puts one step back. Run newest first; see TrashStore for what happens when one fails. */
export type Undo = () => Promise<void>;

export interface TrashRecords {
  /** Trashing, after the files moved into the trash: the JSON stops listing the things. */
  detach(undo: Undo[]): Promise<void>;
  /** Restoring, before the files move back: the JSON lists the things again. */
  attach(undo: Undo[]): Promise<void>;
}

/** What restoring trashed poses needs: each pose's JSON and the library it was in. */
export const TrashedPosesPayloadSchema = z.object({
  poses: z.array(z.object({ libraryId: IdSchema, libraryName: z.string(), pose: PoseSchema })),
});
export type TrashedPosesPayload = z.infer<typeof TrashedPosesPayloadSchema>;

/** What restoring a trashed reference image needs: its character and its record. */
export const TrashedReferencePayloadSchema = z.object({ characterId: IdSchema, image: StoredImageSchema });
export type TrashedReferencePayload = z.infer<typeof TrashedReferencePayloadSchema>;

type TrashKind = z.infer<typeof TrashKindSchema>;

/** The part of a trash entry these records are made from (the entry file is on disk: untrusted). */
export interface TrashedThings {
  id: string;
  kind: TrashKind;
  payload?: unknown;
  refs: { characters: { id: string }[]; libraries: { id: string }[]; results: string[] };
}

const NO_RECORDS: TrashRecords = { detach: async () => undefined, attach: async () => undefined };

/** The records of an entry; PROJECT_DAMAGED when its payload does not say what they are. */
export function recordsFor(layout: ProjectLayout, entry: TrashedThings): TrashRecords {
  switch (entry.kind) {
    case 'pose':
      return poseRecords(layout, payloadOf(entry, TrashedPosesPayloadSchema));
    case 'reference':
      return referenceRecords(layout, payloadOf(entry, TrashedReferencePayloadSchema));
    default:
      return NO_RECORDS;
  }
}

function payloadOf<S extends z.ZodType>(entry: TrashedThings, schema: S): z.output<S> {
  const parsed = schema.safeParse(entry.payload);
  if (parsed.success) return parsed.data;
  throw new AppError(
    'PROJECT_DAMAGED',
    `The trash entry ${entry.id} is damaged: its record of what it holds is unreadable.`,
  );
}

/**
 * The locks of the files an entry's change touches, as the stores name them (a library.json is guarded by
 * `library:<id>`, a character.json by `character:<id>`, a receipt by `result:<id>`), plus the entry's own.
 */
export function lockKeysFor(entry: TrashedThings): string[] {
  const keys = [trashLock(entry.id)];
  const poses = TrashedPosesPayloadSchema.safeParse(entry.payload);
  const reference = TrashedReferencePayloadSchema.safeParse(entry.payload);
  if (entry.kind === 'pose' && poses.success)
    keys.push(...poses.data.poses.map((p) => `library:${p.libraryId}`));
  if (entry.kind === 'reference' && reference.success) keys.push(`character:${reference.data.characterId}`);
  keys.push(...entry.refs.characters.map((c) => `character:${c.id}`));
  keys.push(...entry.refs.libraries.map((l) => `library:${l.id}`));
  keys.push(...entry.refs.results.map((id) => `result:${id}`));
  return keys;
}

export const trashLock = (trashId: string): string => `trash:${trashId}`;

/**
 * Runs `work` holding every lock in `keys`. They are taken in one global order (sorted), so two callers
 * that need overlapping sets can never each hold what the other waits for.
 */
export function withLocks<T>(locks: KeyedMutex, keys: readonly string[], work: () => Promise<T>): Promise<T> {
  const sorted = [...new Set(keys)].sort();
  const run = (i: number): Promise<T> => {
    const key = sorted[i];
    return key === undefined ? work() : locks.run(key, () => run(i + 1));
  };
  return run(0);
}

// -- poses --------------------------------------------------------------------------------------------

function poseRecords(layout: ProjectLayout, payload: TrashedPosesPayload): TrashRecords {
  const byLibrary = new Map<string, { name: string; poses: Pose[] }>();
  for (const item of payload.poses) {
    const group = byLibrary.get(item.libraryId) ?? { name: item.libraryName, poses: [] };
    group.poses.push(item.pose);
    byLibrary.set(item.libraryId, group);
  }
  const libraries = [...byLibrary].sort(([a], [b]) => (a < b ? -1 : 1));
  return {
    async detach(undo) {
      for (const [libraryId, { poses }] of libraries) {
        const ids = new Set(poses.map((p) => p.id));
        const file = layout.poseLibraryFile(libraryId);
        const library = await readLibraryForChange(file);
        // A library that is gone lists nothing to drop.
        if (!library?.poses.some((p) => ids.has(p.id))) continue;
        const { undo: cutBack } = await appendPoseLibraryChange(file, {
          drop: [...ids],
          updatedAt: nowIso(),
        });
        undo.push(cutBack);
      }
    },
    async attach(undo) {
      for (const [libraryId, { name, poses }] of libraries) {
        const file = layout.poseLibraryFile(libraryId);
        const library = await readLibraryForChange(file);
        const now = nowIso();
        if (!library) {
          // A library deleted for good comes back (same id and name) to hold its poses again.
          await rewriteJson(file, PoseLibrarySchema, undo, () => ({
            id: libraryId,
            name,
            tags: [],
            poses,
            createdAt: now,
            updatedAt: now,
          }));
          continue;
        }
        const have = new Set(library.poses.map((p) => p.id));
        const missing = poses.filter((p) => !have.has(p.id));
        if (missing.length === 0) continue;
        const { undo: cutBack } = await appendPoseLibraryChange(file, { put: missing, updatedAt: now });
        undo.push(cutBack);
      }
    },
  };
}

/**
 * A pose library as its files say (library.json and its log, pose-library-file.ts), undefined when it is
 * not there; PROJECT_DAMAGED when it cannot be read, as rewriteJson does for the other records.
 */
async function readLibraryForChange(file: string): Promise<PoseLibrary | undefined> {
  const read = await readPoseLibrary(file, PoseLibrarySchema);
  if (read.ok) return read.value;
  if (read.missing) return undefined;
  throw damaged(read.damagedFile ?? file, read.reason);
}

const damaged = (file: string, reason: string): AppError => {
  const rel = relative(projectRootOf(file) ?? dirname(file), file)
    .split(sep)
    .join('/');
  return new AppError('PROJECT_DAMAGED', `${rel} is damaged (${reason}).`, { file: rel });
};

// -- reference images ---------------------------------------------------------------------------------

function referenceRecords(layout: ProjectLayout, payload: TrashedReferencePayload): TrashRecords {
  const { characterId, image } = payload;
  const file = layout.characterFile(characterId);
  return {
    async detach(undo) {
      await rewriteJson(file, CharacterSchema, undo, (character) =>
        character?.referenceImages.some((i) => i.id === image.id)
          ? {
              ...character,
              id: characterId,
              referenceImages: character.referenceImages.filter((i) => i.id !== image.id),
              updatedAt: nowIso(),
            }
          : undefined,
      );
    },
    async attach(undo) {
      await rewriteJson(file, CharacterSchema, undo, (character) => {
        if (!character) {
          throw new AppError(
            'NOT_FOUND',
            'Its character was deleted for good, so the reference image cannot go back.',
          );
        }
        if (character.referenceImages.some((i) => i.id === image.id)) return undefined;
        return {
          ...character,
          id: characterId,
          referenceImages: [...character.referenceImages, image],
          updatedAt: nowIso(),
        };
      });
    },
  };
}

// -- one file ------------------------------------------------------------------------------------------

/**
 * Rewrites one JSON file that lists trashed things. `change` answers the new value, or undefined when the
 * file already says what it should (nothing is written then). The file's bytes before the change go on
 * `undo`; a file that did not exist is removed again, with the folder made for it when that is empty.
 */
async function rewriteJson<S extends z.ZodType>(
  file: string,
  schema: S,
  undo: Undo[],
  change: (current: z.output<S> | undefined) => z.output<S> | undefined,
): Promise<void> {
  const read = await readJsonFile(file, schema);
  if (!read.ok && !read.missing) throw damaged(file, read.reason);
  const next = change(read.ok ? read.value : undefined);
  if (next === undefined) return;
  const valid: unknown = schema.parse(next);
  if (read.ok) {
    const before = await bytesOf(file);
    await writeJsonKeepingUnknown(file, schema, valid);
    undo.push(() => writeFileAtomic(file, before));
    return;
  }
  const folderExisted = await exists(dirname(file));
  await writeJsonKeepingUnknown(file, schema, valid);
  undo.push(async () => {
    await rm(file, { force: true });
    if (!folderExisted) await rmdir(dirname(file)).catch(() => undefined);
  });
}

/**
 * The bytes of a JSON file of the project just read whole (the contained way, contained-fs.ts), to put
 * it back exactly as it was if the change it is about to take must be undone.
 */
export async function bytesOf(file: string): Promise<Buffer> {
  const read = await readFileInside(file, MAX_JSON_BYTES);
  if (read.ok) return read.bytes;
  if (read.missing) throw new AppError('NOT_FOUND', 'A file the app had just read is gone.');
  throw refusalError(projectRootOf(file), file, 'A file of the project', read.refusal);
}
