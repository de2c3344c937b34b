import { AppError, isAppError } from '../../domain';
import type { ImportFailure } from '../../contract/calls/workspace';
import {
  DEFAULT_MAX_BYTES,
  FIGURE_ANALYSIS_SIZE,
  defaultThumbnailConcurrency,
  inspectAndDecode,
  inspectImage,
  makeThumbnail,
  type DecodedPixels,
  type ImageFacts,
} from '../../images';
import { readRegularFile } from '../contained-fs';
import type { ProjectLayout } from '../project-layout';
import { isEnvironmentError, storageFault, writeRefused } from './fs-utils';
import { THUMB_SIZE, thumbPathFor } from './paths';

/** One file to import: from disk (`path`) or uploaded (`bytes`), with the name the person knows it by. */
export interface IntakeItem {
  display: string;
  /** The file's own name without its folder, for default pose names. */
  baseName: string;
  path?: string;
  bytes?: Uint8Array;
}

export interface Expanded {
  items: IntakeItem[];
  skipped: { file: string; reason: string }[];
  failed: ImportFailure[];
}

export interface Inspected {
  bytes: Uint8Array;
  facts: ImageFacts;
  /**
   * The pixels the check decoded (inspectAndDecode): a store finds figures and makes the thumbnail from
   * them instead of decoding the file again. Given up when the store asks for its turn to commit
   * (runIntake drops them then), so a file waiting to join its list holds no pixels.
   */
  pixels?: DecodedPixels | undefined;
}

/**
 * Reads a file once and checks those very bytes: what is written into the project is exactly what was
 * inspected and hashed, even if the source changes meanwhile. Oversized and unreadable files are turned
 * away by inspectImage itself, without being read. The check's decode is kept (`pixels`), made at the
 * figure analysis size (or THUMB_SIZE, were that larger): exactly what findFigures analyses, and large
 * enough for the thumbnail.
 */
export async function loadAndInspect(item: IntakeItem): Promise<Inspected> {
  const options = { fileName: item.display, decodeSide: Math.max(FIGURE_ANALYSIS_SIZE, THUMB_SIZE) };
  if (item.bytes) return { bytes: item.bytes, ...(await inspectAndDecode(item.bytes, options)) };
  const path = item.path ?? '';
  // A regular file only, at most the cap, opened without waiting (a pipe swapped in answers at once).
  const read = await readRegularFile(path, DEFAULT_MAX_BYTES).catch(() => null);
  if (!read?.ok) {
    await inspectImage(path, options); // says why, naming the file (missing, not a file, too large)
    throw new AppError('IMAGE_REJECTED', `“${item.display}” could not be read.`, {
      file: item.display,
      reason: 'unreadable',
    });
  }
  return { bytes: read.bytes, ...(await inspectAndDecode(read.bytes, options)) };
}

/**
 * One file's failure as the import report lists it. A file-system error is judged by the one errno
 * table (storageFault): a full disk is DISK_FULL, a refused folder PERMISSION_DENIED, a failing disk
 * IO_ERROR, never INTERNAL; only what is neither an AppError nor an errno error is unexpected.
 */
export function failureOf(file: string, error: unknown): ImportFailure {
  if (isAppError(error)) {
    const reason = typeof error.detail?.reason === 'string' ? error.detail.reason : undefined;
    return { file, code: error.code, ...(reason ? { reason } : {}), message: error.message };
  }
  const name = `“${file}”`;
  switch (storageFault(error)) {
    case 'full':
      return { file, code: 'DISK_FULL', message: `${name} could not be imported: the disk is full.` };
    case 'read-only':
      return {
        file,
        code: 'PERMISSION_DENIED',
        message: `${name} could not be imported: the disk holding the project is read-only.`,
      };
    case 'denied':
      return {
        file,
        code: 'PERMISSION_DENIED',
        message: `${name} could not be imported: the app is not allowed to read or write a file it needs.`,
      };
    case 'missing':
      return {
        file,
        code: 'NOT_FOUND',
        message: `${name} could not be imported: a file or folder was removed while it was being imported.`,
      };
    case 'exists':
      return {
        file,
        code: 'ALREADY_EXISTS',
        message: `${name} could not be imported: a file with the name chosen for it is already there.`,
      };
    case 'name-too-long':
      return {
        file,
        code: 'INVALID_INPUT',
        reason: 'name-too-long',
        message: `${name} could not be imported: a name is too long for the disk.`,
      };
    case 'io':
      console.warn(`[ccstudio] importing ${file}: the disk failed a call:`, (error as Error).message);
      return {
        file,
        code: 'IO_ERROR',
        message: `${name} could not be imported: the disk could not read or write it. Try again.`,
      };
    default:
      console.error(`[ccstudio] importing ${file} failed unexpectedly:`, error);
      return {
        file,
        code: 'INTERNAL',
        message: `${name} could not be imported because of an unexpected error.`,
      };
  }
}

/**
 * A THUMB_SIZE WebP in the thumbnail cache, from a file, its bytes, or pixels decoded already. Best
 * effort: the cache is rebuilt later if this fails.
 */
export async function makeThumbQuietly(
  layout: ProjectLayout,
  imageId: string,
  input: string | Uint8Array | DecodedPixels,
): Promise<void> {
  try {
    await makeThumbnail(input, { size: THUMB_SIZE, out: thumbPathFor(layout, imageId) });
  } catch (error) {
    console.warn(`[ccstudio] thumbnail for ${imageId} not made:`, (error as Error).message);
  }
}

export interface DuplicateOf {
  kind: 'pose' | 'reference';
  id: string;
  name: string;
  libraryId?: string;
}

/**
 * How many files an import works on at once: one more than the cores (as for thumbnails,
 * defaultThumbnailConcurrency), as far as the thread pool that runs sharp's work and the file reads and
 * writes goes: libuv's, 4 threads unless UV_THREADPOOL_SIZE says more. On glibc Linux each sharp call
 * uses one thread (sharp.concurrency() is 1 there), so files side by side are what use the cores; the
 * one more keeps them busy while a file waits for its read or for the fsync of its image (a few ms each:
 * test/bench/import.ts). More files than threads would only wait, holding their pixels.
 */
export function importConcurrency(): number {
  const pool = Number(process.env.UV_THREADPOOL_SIZE) || 4;
  return Math.max(1, Math.min(defaultThumbnailConcurrency(), pool));
}

/**
 * How a file's store joins its list (library.json, character.json): `commit` runs once the commit of
 * every file before it has, so the list reads in the order given. Calling it also says the file's own
 * work (decoding, figures, writing) is done: it gives up its place among the files worked on at once.
 */
export interface CommitTurn {
  <R>(commit: () => Promise<R>): Promise<R>;
  /**
   * Resolves once no file of the run is being read, checked or stored: each is finished or waiting for
   * its commit. A store that holds commits back to write several at once (pose-store's batches) must
   * write them by then at the latest, or the run would wait for ever.
   */
  idle(): Promise<void>;
}

export interface IntakeRun<T> {
  items: readonly IntakeItem[];
  signal?: AbortSignal | undefined;
  /** Files worked on at once (default importConcurrency()). */
  concurrency?: number;
  /**
   * Reports after each file: done counts every file finished, whatever its outcome (a stored file when
   * its work is done and it waits to join its list); failed grows too when a commit fails later.
   */
  onProgress?: ((done: number, failed: number) => void) | undefined;
  /**
   * Called with each accepted image's hash, synchronously, so two copies in one batch cannot both pass:
   * answers what it duplicates, or undefined after reserving the hash for this file.
   */
  claim(sha256: string, item: IntakeItem): DuplicateOf | undefined;
  /** Gives the hash back when the file did not make it in. */
  release(sha256: string): void;
  /**
   * Stores one accepted image completely, or throws having left nothing behind. The step that adds it
   * to its list (library.json, character.json) goes through `inTurn`, which keeps the order given.
   */
  store(item: IntakeItem, inspected: Inspected, inTurn: CommitTurn): Promise<T>;
  /** What is being saved, for a refused write's message ("the pose library"). */
  what: string;
}

export interface IntakeOutcome<T> {
  stored: T[];
  duplicates: { file: string; existing: DuplicateOf; message: string }[];
  failed: ImportFailure[];
  cancelled: boolean;
}

/** How far past the first file not yet through its commit turn files may start: this many per place. */
const AHEAD_PER_SLOT = 8;

/**
 * The import loop shared by pose libraries and character references. Each file is inspected, checked
 * for duplicates and stored on its own: a rejected file is named in `failed` and the rest carry on.
 * A refused write (full disk, read-only folder) stops the run and throws that error, with
 * `detail.imported` naming what was already stored (complete) before it.
 *
 * `concurrency` files are worked on at once. A file holds its place from its read until its store asks
 * for its commit turn (or it is refused), not while it waits for that turn or for its commit: the
 * commits are quick, or batched (pose-store), and the cores keep decoding meanwhile. So that a slow file
 * cannot make every later one pile up behind it, a file starts only within AHEAD_PER_SLOT x concurrency
 * (at least 32) of the first file not yet through its commit turn.
 */
export async function runIntake<T>(
  run: IntakeRun<T>,
  importedName: (stored: T) => string,
): Promise<IntakeOutcome<T>> {
  const items = run.items;
  const limit = Math.max(1, Math.floor(run.concurrency ?? importConcurrency()) || 1);
  const ahead = Math.max(32, limit * AHEAD_PER_SLOT);
  const stored: { index: number; value: T }[] = [];
  const outcome: IntakeOutcome<T> = { stored: [], duplicates: [], failed: [], cancelled: false };
  const failedByIndex = new Map<number, ImportFailure>();
  let stop: unknown;
  let done = 0;
  // Files are inspected concurrently, but claim their hash in the order given, so of two identical
  // pictures the first one listed is kept and the later one is the duplicate, whatever the timing.
  // Likewise each file joins its library (or character) in the order given, so the list reads like the
  // folder; only that last, quick step waits: decoding, figures and thumbnails still overlap.
  const gates = () =>
    items.map(() => {
      let open = (): void => undefined;
      const gate = new Promise<void>((resolve) => (open = resolve));
      return { gate, open };
    });
  const turns = gates();
  const commits = gates();

  // Scheduling. A file holds one of `limit` places from its start until its store asks for its commit
  // turn (its own work is done) or it settles; a freed place starts the next file, but only within
  // `ahead` of the first file not yet through its commit turn (`through`).
  let next = 0;
  let active = 0;
  let through = 0;
  let settled = 0;
  const passed = new Uint8Array(items.length);
  let idleWaiters: (() => void)[] = [];
  let idleCheck = false;
  let allSettled = (): void => undefined;
  const finished = new Promise<void>((resolve) => (allSettled = resolve));

  const pump = (): void => {
    while (active < limit && next < items.length && next < through + ahead) {
      active++;
      void runItem(next++);
    }
    if (active === 0 && idleWaiters.length > 0 && !idleCheck) {
      // Answered on the next turn of the event loop, once the commits that leaving files were just let
      // into have run (microtasks): what they add then joins the batch written on idle instead of
      // waiting for another one. Not if a file started meanwhile.
      idleCheck = true;
      setImmediate(() => {
        idleCheck = false;
        if (active !== 0) return;
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const wake of waiters) wake();
      });
    }
  };
  const idle = (): Promise<void> =>
    new Promise<void>((resolve) => {
      idleWaiters.push(resolve);
      pump();
    });
  const passCommit = (index: number): void => {
    if (passed[index] === 1) return;
    passed[index] = 1;
    commits[index]?.open();
    while (through < items.length && passed[through] === 1) through++;
    pump();
  };

  /** A file's place among those worked on at once; `leave` gives it up (once), `counted` for progress. */
  class Place {
    held = true;
    leave(counted: boolean): void {
      if (!this.held) return;
      this.held = false;
      active--;
      if (counted) {
        done++;
        run.onProgress?.(done, failedByIndex.size);
      }
      pump();
    }
  }

  async function runItem(index: number): Promise<void> {
    const place = new Place();
    try {
      await work(items[index] as IntakeItem, index, place);
    } finally {
      // Even a file that failed early passes each turn on only after the file before it.
      await turns[index - 1]?.gate;
      turns[index]?.open();
      place.leave(false);
      await commits[index - 1]?.gate;
      passCommit(index);
      if (++settled === items.length) allSettled();
    }
  }

  async function work(item: IntakeItem, index: number, place: Place): Promise<void> {
    if (stop !== undefined) return;
    if (run.signal?.aborted) {
      outcome.cancelled = true;
      return;
    }
    let claimed: string | undefined;
    try {
      const inspected = await loadAndInspect(item);
      await turns[index - 1]?.gate;
      const existing = run.claim(inspected.facts.sha256, item);
      turns[index]?.open();
      if (existing) {
        const where =
          existing.kind === 'pose' ? `the pose “${existing.name}”` : `the reference image “${existing.name}”`;
        outcome.duplicates.push({
          file: item.display,
          existing,
          message: `“${item.display}” is already in the project as ${where}, so it was skipped.`,
        });
      } else {
        claimed = inspected.facts.sha256;
        const inTurn: CommitTurn = Object.assign(
          async <R>(commit: () => Promise<R>): Promise<R> => {
            inspected.pixels = undefined; // its work is done: waiting files hold no pixels
            place.leave(true);
            await commits[index - 1]?.gate;
            try {
              return await commit();
            } finally {
              passCommit(index);
            }
          },
          { idle },
        );
        stored.push({ index, value: await run.store(item, inspected, inTurn) });
        claimed = undefined;
      }
    } catch (error) {
      if (claimed !== undefined) run.release(claimed);
      if (isEnvironmentError(error)) {
        stop ??= error;
        place.leave(false);
        return;
      }
      failedByIndex.set(index, failureOf(item.display, error));
      // Counted as done already when it asked for its commit turn: report the failure now.
      if (!place.held) run.onProgress?.(done, failedByIndex.size);
    }
    place.leave(true);
  }

  if (items.length > 0) {
    pump();
    await finished;
  }

  stored.sort((a, b) => a.index - b.index);
  outcome.stored = stored.map((s) => s.value);
  outcome.failed = [...failedByIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, f]) => f);
  if (stop !== undefined) {
    const error = writeRefused(
      stop,
      run.what,
      outcome.stored.length
        ? `The ${outcome.stored.length} image(s) imported before it stopped are kept`
        : 'Nothing was lost',
    );
    throw new AppError(error.code, error.message, {
      ...error.detail,
      imported: outcome.stored.map(importedName),
      failed: outcome.failed,
    });
  }
  return outcome;
}
