import { join } from 'node:path';
import {
  AppError,
  CharacterSchema,
  PoseLibrarySchema,
  isAppError,
  newId,
  nowIso,
  type Character,
  type Pose,
  type PoseLibrary,
  type Provenance,
  type StoredImage,
} from '../../domain';
import type { TransferOutcome } from '../../contract/calls/transfer';
import { defaultImageConcurrency, inspectImage, mapWithConcurrency } from '../../images';
import { writeFileAtomic, writeJsonAtomic } from '../atomic-write';
import { makeFolderInside } from '../contained-fs';
import { readRecordedFile } from '../contained-path';
import type { Workspace } from '../workspace';
import { guardWrite, listDir, removeQuietly } from '../workspace/fs-utils';
import { makeThumbQuietly } from '../workspace/image-intake';
import { placeImage } from '../workspace/image-import';
import { holdInFlight } from '../workspace/in-flight';
import { thumbPathFor } from '../workspace/paths';
import type { TaskControl } from '../workspace/task-control';
import { OriginIndex, posesAddedSince } from './provenance';
import type { SourceProject } from './source-project';

export interface CopyChoice {
  characterIds: readonly string[];
  poseLibraryIds: readonly string[];
}

export interface CopyReport {
  from: { id: string; name: string };
  characters: TransferOutcome[];
  poseLibraries: TransferOutcome[];
  images: number;
  cancelled: boolean;
}

const cancelledError = () => new AppError('CANCELLED', 'Cancelled.');

/**
 * Copies the chosen characters and pose libraries of `source` into the open project `target` (its
 * workspace), with their images; results stay behind. Each item is copied whole or not at all: its
 * images are read from the other project the contained way and checked against the hash recorded when
 * they were imported (readRecordedFile), then checked as an import checks them (inspectImage), then
 * written under new ids (their thumbnails made), and only then is the JSON that names them written. If
 * anything fails or the task is cancelled midway, what was written for that item is removed again; the
 * items copied before it stay. An item already copied (its provenance recognised: OriginIndex) is not
 * copied again.
 */
export async function copyFromProject(
  source: SourceProject,
  target: Workspace,
  choice: CopyChoice,
  control: TaskControl = {},
): Promise<CopyReport> {
  target.project.assertWritable();
  // One copy at a time into a project: two at once could both find an item not yet here and copy it twice.
  return target.locks.run('transfer-copy', () => copyUnderLock(source, target, choice, control));
}

async function copyUnderLock(
  source: SourceProject,
  target: Workspace,
  choice: CopyChoice,
  control: TaskControl,
): Promise<CopyReport> {
  const characters = pick(source.characters, choice.characterIds, 'character');
  const libraries = pick(source.libraries, choice.poseLibraryIds, 'pose library');
  const sourceId = source.handle.file.id;
  const [here, hereLibraries] = await Promise.all([target.characters.readAll(), target.poses.readAll()]);
  const targetId = target.project.file.id;
  const characterIndex = new OriginIndex(targetId, here.characters);
  const libraryIndex = new OriginIndex(targetId, hereLibraries.libraries);

  const total =
    characters.reduce((n, c) => n + c.referenceImages.length, 0) +
    libraries.reduce((n, l) => n + l.poses.length, 0);
  let done = 0;
  const step = () => {
    done++;
    control.onProgress?.(done, total, 0);
  };
  const checkCancel = () => {
    if (control.signal?.aborted) throw cancelledError();
  };
  const provenanceOf = (itemId: string): Provenance => ({
    projectId: sourceId,
    projectName: source.handle.file.name.slice(0, 200),
    itemId,
    copiedAt: nowIso(),
  });

  const report: CopyReport = {
    from: { id: sourceId, name: source.handle.file.name },
    characters: [],
    poseLibraries: [],
    images: 0,
    cancelled: false,
  };
  control.onProgress?.(0, total, 0);
  try {
    for (const character of characters) {
      const existing = characterIndex.find(sourceId, character);
      if (existing) {
        report.characters.push(already(character, existing, character.referenceImages.length));
        for (let i = 0; i < character.referenceImages.length; i++) step();
        continue;
      }
      checkCancel();
      const copy = await copyCharacter(source, target, character, provenanceOf(character.id), {
        step,
        checkCancel,
      });
      characterIndex.add(targetId, copy);
      report.images += copy.referenceImages.length;
      report.characters.push(copied(character, copy.id, copy.referenceImages.length));
    }
    for (const library of libraries) {
      const existing = libraryIndex.find(sourceId, library);
      if (existing) {
        // Copied before: the poses made since in either project come across into the copy here.
        const added = posesAddedSince(library, existing);
        for (let i = 0; i < library.poses.length - added.length; i++) step();
        if (added.length === 0) {
          report.poseLibraries.push(already(library, existing, library.poses.length));
          continue;
        }
        checkCancel();
        await addPosesToCopy(source, target, library, existing, added, { step, checkCancel });
        report.images += added.length;
        report.poseLibraries.push({ ...already(library, existing, added.length), status: 'updated' });
        continue;
      }
      checkCancel();
      const copy = await copyLibrary(source, target, library, provenanceOf(library.id), {
        step,
        checkCancel,
      });
      libraryIndex.add(targetId, copy);
      report.images += copy.poses.length;
      report.poseLibraries.push(copied(library, copy.id, copy.poses.length));
    }
  } catch (error) {
    if (isAppError(error) && error.code === 'CANCELLED') return { ...report, cancelled: true };
    throw error;
  }
  return report;
}

function pick<T extends { id: string }>(items: readonly T[], ids: readonly string[], what: string): T[] {
  return [...new Set(ids)].map((id) => {
    const item = items.find((i) => i.id === id);
    if (!item) throw new AppError('NOT_FOUND', `The other project has no ${what} with the id ${id}.`, { id });
    return item;
  });
}

const already = (
  source: { id: string; name: string },
  here: { id: string },
  images: number,
): TransferOutcome => ({
  sourceId: source.id,
  name: source.name,
  status: 'already-here',
  id: here.id,
  images,
});
const copied = (source: { id: string; name: string }, id: string, images: number): TransferOutcome => ({
  sourceId: source.id,
  name: source.name,
  status: 'copied',
  id,
  images,
});

interface Progress {
  step(): void;
  checkCancel(): void;
}

/**
 * One image of the other project into `dir` of this one under a new id: read the contained way and
 * checked against its recorded hash, checked as an import checks it, written atomically, thumbnailed.
 * Its record keeps the name the person's file had; width, height, format and hash come from the check.
 */
async function copyImage(
  source: SourceProject,
  target: Workspace,
  image: StoredImage,
  dir: string,
  what: string,
  hold: (id: string) => void,
): Promise<StoredImage> {
  const bytes = await readRecordedFile(source.handle.root, image, what);
  const facts = await inspectImage(bytes, { fileName: image.originalName });
  const imageId = newId();
  hold(imageId);
  const placed = placeImage(target.project.root, dir, imageId, image.originalName, facts);
  await guardWrite('the copied image', () => writeFileAtomic(placed.target, bytes));
  await makeThumbQuietly(target.project.layout, imageId, bytes);
  return placed.image;
}

/**
 * Copies an item's images side by side (one per core: reading, checking and thumbnailing are mostly
 * libvips work), in order. The first failure (a refused image, a cancel) stops the rest from starting and
 * is thrown only once every image under way has settled, so the caller's clean-up never races a write.
 */
async function copyImagesInOrder<T>(
  items: readonly T[],
  work: (item: T) => Promise<StoredImage>,
): Promise<StoredImage[]> {
  let failure: { error: unknown } | undefined;
  const copied = await mapWithConcurrency(items, defaultImageConcurrency(), async (item) => {
    if (failure) return undefined;
    try {
      return await work(item);
    } catch (error) {
      failure ??= { error };
      return undefined;
    }
  });
  if (failure) throw failure.error;
  return copied as StoredImage[];
}

/** Holds ids in flight until released (an interrupted copy's files must not be taken for leftovers). */
function inFlightHolder() {
  const releases: (() => void)[] = [];
  const ids: string[] = [];
  return {
    ids,
    hold: (id: string) => {
      ids.push(id);
      releases.push(holdInFlight(id));
    },
    release: () => {
      for (const release of releases.splice(0)) release();
    },
  };
}

async function copyCharacter(
  source: SourceProject,
  target: Workspace,
  character: Character,
  copiedFrom: Provenance,
  progress: Progress,
): Promise<Character> {
  const layout = target.project.layout;
  const id = newId();
  const held = inFlightHolder();
  held.hold(id);
  const refsDir = join(layout.characterDir(id), 'refs');
  try {
    await guardWrite('the copied character', () => makeFolderInside(refsDir));
    const referenceImages = await copyImagesInOrder(character.referenceImages, async (image) => {
      progress.checkCancel();
      const copied = await copyImage(
        source,
        target,
        image,
        refsDir,
        `${character.name}’s reference “${image.originalName}”`,
        held.hold,
      );
      progress.step();
      return copied;
    });
    progress.checkCancel();
    const copy = CharacterSchema.parse({
      ...character,
      id,
      referenceImages,
      copiedFrom,
      updatedAt: nowIso(),
    });
    // character.json last: until it is there, the folder is nothing (and held in flight).
    await guardWrite('the copied character', () => writeJsonAtomic(layout.characterFile(id), copy));
    target.invalidateCatalog();
    return copy;
  } catch (error) {
    await removeQuietly(layout.characterDir(id));
    for (const imageId of held.ids) await removeQuietly(thumbPathFor(layout, imageId));
    throw error;
  } finally {
    held.release();
  }
}

/**
 * Copies of `poses` (of the other project's `library`) with their images copied into `dir`: figures,
 * kind, name, tags and date are the pose's; only its id and file are new.
 */
async function copyPoses(
  source: SourceProject,
  target: Workspace,
  library: PoseLibrary,
  poses: readonly Pose[],
  dir: string,
  hold: (id: string) => void,
  progress: Progress,
): Promise<Pose[]> {
  const images = await copyImagesInOrder(poses, async (pose) => {
    progress.checkCancel();
    const image = await copyImage(
      source,
      target,
      pose.image,
      dir,
      `The pose “${pose.name}” of ${library.name}`,
      hold,
    );
    progress.step();
    return image;
  });
  return poses.map((pose, index) => ({ ...pose, id: newId(), image: images[index]! }));
}

/**
 * Poses of `library` (the other project's) added into `here`, the copy made before: their images first,
 * into its folder (held in flight), then one change to its list (PoseLibraryStore.change, under the
 * library's lock). A failure or a cancel midway removes the images again; the library is untouched.
 */
async function addPosesToCopy(
  source: SourceProject,
  target: Workspace,
  library: PoseLibrary,
  here: PoseLibrary,
  added: readonly Pose[],
  progress: Progress,
): Promise<void> {
  const layout = target.project.layout;
  const dir = layout.poseLibraryDir(here.id);
  const held = inFlightHolder();
  try {
    const poses = await copyPoses(source, target, library, added, dir, held.hold, progress);
    progress.checkCancel();
    await target.poses.change(here.id, () => ({ put: poses }));
  } catch (error) {
    // The images written so far (named by their ids, any extension) and their thumbnails.
    const written = new Set(held.ids);
    for (const name of await listDir(dir)) {
      if (written.has(name.slice(0, name.indexOf('.')))) await removeQuietly(join(dir, name));
    }
    for (const imageId of held.ids) await removeQuietly(thumbPathFor(layout, imageId));
    throw error;
  } finally {
    held.release();
  }
}

/**
 * A pose library: its folder with its images first, then its library.json, whole, written last (until
 * it is there the folder is nothing, and held in flight). The file is the format the pose store reads
 * (pose-library-file.ts: a library.json with no change log yet), validated by PoseLibrarySchema; the
 * store's own change API can set only a library's name and tags, not where it came from. A failure or
 * a cancel midway removes the folder again.
 */
async function copyLibrary(
  source: SourceProject,
  target: Workspace,
  library: PoseLibrary,
  copiedFrom: Provenance,
  progress: Progress,
): Promise<PoseLibrary> {
  const layout = target.project.layout;
  const id = newId();
  const held = inFlightHolder();
  held.hold(id);
  const dir = layout.poseLibraryDir(id);
  try {
    await guardWrite('the copied pose library', () => makeFolderInside(dir));
    const poses = await copyPoses(source, target, library, library.poses, dir, held.hold, progress);
    progress.checkCancel();
    const copy = PoseLibrarySchema.parse({ ...library, id, poses, copiedFrom, updatedAt: nowIso() });
    await guardWrite('the copied pose library', () => writeJsonAtomic(layout.poseLibraryFile(id), copy));
    target.invalidateCatalog();
    return copy;
  } catch (error) {
    await removeQuietly(dir);
    for (const imageId of held.ids) await removeQuietly(thumbPathFor(layout, imageId));
    throw error;
  } finally {
    held.release();
  }
}
