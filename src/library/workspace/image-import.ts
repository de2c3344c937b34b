/**
 * What importing images into a folder of the project means, the same for pose libraries and character
 * references: the expanded sources run through runIntake with progress that counts the files refused
 * while expanding, each hash claimed in a map of what the project already holds; each accepted image
 * written under its id, its thumbnail made, then committed to its list, or removed again if that fails.
 */
import { join } from 'node:path';
import type { StoredImage } from '../../domain';
import type { ImageFacts } from '../../images';
import type { ProjectLayout } from '../project-layout';
import { writeFileAtomic } from '../atomic-write';
import { removeQuietly, toProjectPath } from './fs-utils';
import { whileInFlight } from './in-flight';
import {
  makeThumbQuietly,
  runIntake,
  type DuplicateOf,
  type Expanded,
  type IntakeItem,
  type IntakeOutcome,
  type IntakeRun,
} from './image-intake';
import { extensionFor, thumbPathFor } from './paths';
import type { TaskControl } from './task-control';

export interface ImageImport<T> {
  expanded: Expanded;
  control: TaskControl;
  /** What is being saved, for a refused write's message ("the pose library"). */
  what: string;
  /** The hashes already in the project (and, as the run goes on, in this batch) and what holds them. */
  known: Map<string, DuplicateOf>;
  /** What a newly claimed image will be known as: its id is chosen now, so a later copy can name it. */
  claimAs(item: IntakeItem): DuplicateOf;
  store: IntakeRun<T>['store'];
  importedName: (stored: T) => string;
}

export interface ImageImportOutcome<T> extends IntakeOutcome<T> {
  /** Every file considered, including those refused while expanding the sources. */
  total: number;
  skipped: Expanded['skipped'];
}

export async function importImages<T>(run: ImageImport<T>): Promise<ImageImportOutcome<T>> {
  const { expanded, control, known } = run;
  const refused = expanded.failed.length;
  const total = expanded.items.length + refused;
  control.onProgress?.(0, total, refused);
  const outcome = await runIntake<T>(
    {
      items: expanded.items,
      signal: control.signal,
      onProgress: (done, failed) => control.onProgress?.(done + refused, total, failed + refused),
      what: run.what,
      claim: (sha, item) => {
        const existing = known.get(sha);
        if (existing) return existing;
        known.set(sha, run.claimAs(item));
        return undefined;
      },
      release: (sha) => known.delete(sha),
      store: run.store,
    },
    run.importedName,
  );
  return {
    ...outcome,
    total,
    failed: [...expanded.failed, ...outcome.failed],
    skipped: expanded.skipped,
  };
}

/** Where image `imageId` goes in `dir`, and its record there. */
export function placeImage(
  root: string,
  dir: string,
  imageId: string,
  originalName: string,
  facts: ImageFacts,
): { target: string; image: StoredImage } {
  const target = join(dir, `${imageId}.${extensionFor[facts.format]}`);
  return {
    target,
    image: {
      id: imageId,
      file: toProjectPath(root, target),
      originalName,
      width: facts.width,
      height: facts.height,
      format: facts.format,
      bytes: facts.bytes,
      sha256: facts.sha256,
    },
  };
}

/**
 * Writes the image's exact bytes to `target` (atomically), makes its thumbnail, then runs `commit`
 * (adding it to its list). If anything after the write fails, the image and thumbnail are removed
 * again, so the image is in the project whole or not at all. Until then the image is held in flight:
 * a reconciliation at open must not take it for a crash's leftover (in-flight.ts).
 */
export async function writeImageThen<R>(
  layout: ProjectLayout,
  imageId: string,
  target: string,
  bytes: Uint8Array,
  commit: () => Promise<R>,
): Promise<R> {
  return whileInFlight(imageId, async () => {
    await writeFileAtomic(target, bytes);
    try {
      await makeThumbQuietly(layout, imageId, bytes);
      return await commit();
    } catch (error) {
      await removeQuietly(target);
      await removeQuietly(thumbPathFor(layout, imageId));
      throw error;
    }
  });
}
