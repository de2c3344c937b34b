import { readdir, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { AppError, isAppError } from '../../domain';
import type { ImportFailure, ImageSource } from '../../contract/calls/workspace';
import {
  DEFAULT_MAX_BYTES,
  inspectImage,
  makeThumbnail,
  mapWithConcurrency,
  type ImageFacts,
} from '../../images';
import { readRegularFile } from '../contained-fs';
import type { ProjectLayout } from '../project-layout';
import { isEnvironmentError, writeRefused } from './fs-utils';
import { IMAGE_FILE_NAME, THUMB_SIZE, thumbPathFor } from './paths';

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

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/**
 * Turns what the person picked into a list of files: files as given (whatever their names: a PDF
 * named .png is still tried, and refused by name); folders walked recursively in natural name order,
 * taking image file names only and leaving hidden files and folders alone; uploads decoded.
 */
export async function expandSources(sources: readonly ImageSource[]): Promise<Expanded> {
  const out: Expanded = { items: [], skipped: [], failed: [] };
  for (const source of sources) {
    if ('dataBase64' in source) {
      out.items.push({
        display: source.name,
        baseName: source.name,
        bytes: Buffer.from(source.dataBase64, 'base64'),
      });
      continue;
    }
    const info = await stat(source.path).catch((error: NodeJS.ErrnoException) => error);
    if (info instanceof Error) {
      const name = basename(source.path);
      out.failed.push({
        file: name,
        code: 'NOT_FOUND',
        message:
          info.code === 'ENOENT'
            ? `“${name}” could not be found: it may have been moved or deleted.`
            : `“${name}” could not be read (${info.code ?? 'unknown error'}).`,
      });
      continue;
    }
    if (info.isDirectory()) await walk(source.path, source.path, out);
    else
      out.items.push({ display: basename(source.path), baseName: basename(source.path), path: source.path });
  }
  return out;
}

async function walk(root: string, dir: string, out: Expanded): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const name = displayFor(root, dir);
    out.failed.push({
      file: name,
      code: 'PERMISSION_DENIED',
      message: `The folder “${name}” could not be read (${(error as NodeJS.ErrnoException).code ?? 'unknown error'}).`,
    });
    return;
  }
  entries.sort((a, b) => collator.compare(a.name, b.name));
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.name.startsWith('.')) continue; // .DS_Store, ._resource forks, .git, the app's own .studio
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      // Files behind links are taken; linked folders are not followed (a link to a parent would loop).
      const target = await stat(full).catch(() => null);
      isFile = target?.isFile() ?? false;
      isDir = false;
    }
    if (isDir) await walk(root, full, out);
    else if (isFile) {
      const display = displayFor(root, full);
      if (IMAGE_FILE_NAME.test(entry.name)) out.items.push({ display, baseName: entry.name, path: full });
      else out.skipped.push({ file: display, reason: 'not an image file name' });
    }
  }
}

/** "poses/sub/a.png" for a file found under the folder "poses" the person picked. */
const displayFor = (root: string, full: string): string =>
  [basename(root), ...relative(root, full).split(sep).filter(Boolean)].join('/');

export interface Inspected {
  bytes: Uint8Array;
  facts: ImageFacts;
}

/**
 * Reads a file once and checks those very bytes: what is written into the project is exactly what was
 * inspected and hashed, even if the source changes meanwhile. Oversized and unreadable files are turned
 * away by inspectImage itself, without being read.
 */
export async function loadAndInspect(item: IntakeItem): Promise<Inspected> {
  const options = { fileName: item.display };
  if (item.bytes) return { bytes: item.bytes, facts: await inspectImage(item.bytes, options) };
  const path = item.path ?? '';
  const info = await stat(path).catch(() => null);
  if (!info || !info.isFile() || info.size > DEFAULT_MAX_BYTES) await inspectImage(path, options);
  // A regular file only, at most the cap, opened without waiting (a pipe swapped in answers at once).
  const read = await readRegularFile(path, DEFAULT_MAX_BYTES).catch(() => null);
  if (!read?.ok) {
    await inspectImage(path, options); // says why, naming the file
    throw new AppError('IMAGE_REJECTED', `“${item.display}” could not be read.`, {
      file: item.display,
      reason: 'unreadable',
    });
  }
  return { bytes: read.bytes, facts: await inspectImage(read.bytes, options) };
}

export function failureOf(file: string, error: unknown): ImportFailure {
  if (isAppError(error)) {
    const reason = typeof error.detail?.reason === 'string' ? error.detail.reason : undefined;
    return { file, code: error.code, ...(reason ? { reason } : {}), message: error.message };
  }
  console.error(`[ccstudio] importing ${file} failed unexpectedly:`, error);
  return {
    file,
    code: 'INTERNAL',
    message: `“${file}” could not be imported because of an unexpected error.`,
  };
}

/** A 256 px WebP in the thumbnail cache. Best effort: the cache is rebuilt later if this fails. */
export async function makeThumbQuietly(
  layout: ProjectLayout,
  imageId: string,
  input: string | Uint8Array,
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

export interface IntakeRun<T> {
  items: readonly IntakeItem[];
  signal?: AbortSignal | undefined;
  concurrency?: number;
  /** Reports after each file: done counts every file finished, whatever its outcome. */
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
  store(
    item: IntakeItem,
    inspected: Inspected,
    inTurn: <R>(commit: () => Promise<R>) => Promise<R>,
  ): Promise<T>;
  /** What is being saved, for a refused write's message ("the pose library"). */
  what: string;
}

export interface IntakeOutcome<T> {
  stored: T[];
  duplicates: { file: string; existing: DuplicateOf; message: string }[];
  failed: ImportFailure[];
  cancelled: boolean;
}

/**
 * The import loop shared by pose libraries and character references. Each file is inspected, checked
 * for duplicates and stored on its own: a rejected file is named in `failed` and the rest carry on.
 * A refused write (full disk, read-only folder) stops the run and throws that error, with
 * `detail.imported` naming what was already stored (complete) before it.
 */
export async function runIntake<T>(
  run: IntakeRun<T>,
  importedName: (stored: T) => string,
): Promise<IntakeOutcome<T>> {
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
    run.items.map(() => {
      let open = (): void => undefined;
      const gate = new Promise<void>((resolve) => (open = resolve));
      return { gate, open };
    });
  const turns = gates();
  const commits = gates();
  const inTurn =
    (index: number) =>
    async <R>(commit: () => Promise<R>): Promise<R> => {
      await commits[index - 1]?.gate;
      try {
        return await commit();
      } finally {
        commits[index]?.open();
      }
    };

  await mapWithConcurrency(run.items, run.concurrency ?? 2, async (item, index) => {
    try {
      await work(item, index);
    } finally {
      // Even a file that failed early passes each turn on only after the file before it.
      await turns[index - 1]?.gate;
      turns[index]?.open();
      await commits[index - 1]?.gate;
      commits[index]?.open();
    }
  });

  async function work(item: IntakeItem, index: number): Promise<void> {
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
        stored.push({ index, value: await run.store(item, inspected, inTurn(index)) });
        claimed = undefined;
      }
    } catch (error) {
      if (claimed !== undefined) run.release(claimed);
      if (isEnvironmentError(error)) {
        stop ??= error;
        return;
      }
      failedByIndex.set(index, failureOf(item.display, error));
    }
    done++;
    run.onProgress?.(done, failedByIndex.size);
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
