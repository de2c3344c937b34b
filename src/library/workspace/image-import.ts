/**
 * What importing images into a folder of the project means, the same for pose libraries and character
 * references: what the person picked expanded into files (expandSources: folders looked into within
 * bounds), run through runIntake with progress that counts the files refused while expanding, each hash
 * claimed in a map of what the project already holds; each accepted image written under its id, its
 * thumbnail made, then committed to its list, or removed again if that fails.
 */
import { opendir, stat } from 'node:fs/promises';
import type { Dirent } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import type { ImageSource, ImportFailure } from '../../contract/calls/workspace';
import type { StoredImage } from '../../domain';
import type { ImageFacts } from '../../images';
import type { ProjectLayout } from '../project-layout';
import { writeFileAtomic } from '../atomic-write';
import { storageFault } from '../storage-fault';
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
import { IMAGE_FILE_NAME, extensionFor, thumbPathFor } from './paths';
import type { TaskControl } from './task-control';

// -- what the person picked, as files ---------------------------------------------------------------

/**
 * How far the folders picked for one import are looked into. A folder import takes the pictures in the
 * folder and in its subfolders, but a folder such as `/` or a home folder holds millions of entries:
 * walked whole, the import never answers (and holds the import lock while it walks). So:
 * - `depth`: subfolders more than this many levels below a picked folder are not looked into; each is
 *   named in `skipped`;
 * - `entries`: at most this many entries (files, folders, links, hidden ones too) are looked at in all
 *   the folders of one import, and `images`: at most this many pictures are taken from them (poses.import
 *   takes at most 10,000 files). A picked folder that goes past either is refused whole, with nothing of
 *   it imported: INVALID_INPUT, reason 'folder-too-large', naming the folder. Files picked one by one
 *   and uploads are not counted.
 */
export interface FolderImportLimits {
  depth: number;
  entries: number;
  images: number;
}

export const FOLDER_IMPORT_LIMITS: Readonly<FolderImportLimits> = {
  depth: 8,
  entries: 20_000,
  images: 10_000,
};

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Thrown inside a walk when a budget runs out; turned into the picked folder's failure. */
class FolderTooLarge extends Error {
  constructor(readonly limit: 'entries' | 'images') {
    super(limit);
  }
}

/**
 * Turns what the person picked into a list of files: files as given (whatever their names: a PDF named
 * .png is still tried, and refused by name); folders looked into in natural name order, within
 * FOLDER_IMPORT_LIMITS, taking image file names only and leaving hidden files and folders alone (files
 * behind links are taken, linked folders are not followed: a link to a parent would loop); uploads
 * decoded. A picked path that cannot be read is a failure named by the one errno table: NOT_FOUND only
 * when it is not there, PERMISSION_DENIED when refused, IO_ERROR when the disk failed.
 */
export async function expandSources(
  sources: readonly ImageSource[],
  limits: Readonly<FolderImportLimits> = FOLDER_IMPORT_LIMITS,
): Promise<Expanded> {
  const out: Expanded = { items: [], skipped: [], failed: [] };
  const budget = { entries: limits.entries, images: limits.images };
  for (const source of sources) {
    if ('dataBase64' in source) {
      out.items.push({
        display: source.name,
        baseName: source.name,
        bytes: Buffer.from(source.dataBase64, 'base64'),
      });
      continue;
    }
    const name = basename(source.path) || source.path;
    const info = await stat(source.path).catch((error: unknown) => error as Error);
    if (info instanceof Error) {
      out.failed.push(unreadable(name, info, 'file'));
      continue;
    }
    if (!info.isDirectory()) {
      out.items.push({ display: name, baseName: name, path: source.path });
      continue;
    }
    const before = { items: out.items.length, skipped: out.skipped.length, failed: out.failed.length };
    const budgetBefore = { ...budget };
    try {
      await walk(source.path, source.path, 0, out, limits, budget);
    } catch (error) {
      if (!(error instanceof FolderTooLarge)) throw error;
      // Nothing of a folder too large to look through is imported: not the first pictures of `/`. The
      // pictures it held are given back to the budget; the entries looked at are not (that work is done).
      out.items.length = before.items;
      out.skipped.length = before.skipped;
      out.failed.length = before.failed;
      budget.images = budgetBefore.images;
      const shared = budgetBefore[error.limit] < limits[error.limit];
      out.failed.push(folderTooLarge(name, error.limit, limits, shared));
    }
  }
  return out;
}

async function walk(
  root: string,
  dir: string,
  depth: number,
  out: Expanded,
  limits: Readonly<FolderImportLimits>,
  budget: { entries: number; images: number },
): Promise<void> {
  // Read entry by entry, so a folder of a million names costs no more than the budget left.
  const entries: Dirent[] = [];
  try {
    const handle = await opendir(dir);
    try {
      for (let entry = await handle.read(); entry !== null; entry = await handle.read()) {
        if (--budget.entries < 0) throw new FolderTooLarge('entries');
        entries.push(entry);
      }
    } finally {
      await handle.close().catch(() => undefined);
    }
  } catch (error) {
    if (error instanceof FolderTooLarge) throw error;
    out.failed.push(unreadable(displayFor(root, dir), error, 'folder'));
    return;
  }
  entries.sort((a, b) => collator.compare(a.name, b.name));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue; // .DS_Store, ._resource forks, .git, the app's own .studio
    const full = join(dir, entry.name);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      const target = await stat(full).catch(() => null);
      isFile = target?.isFile() ?? false;
      isDir = false;
    }
    const display = displayFor(root, full);
    if (isDir) {
      if (depth >= limits.depth) {
        out.skipped.push({
          file: display,
          reason: `a folder more than ${limits.depth} levels down: not looked into`,
        });
      } else await walk(root, full, depth + 1, out, limits, budget);
    } else if (isFile) {
      if (!IMAGE_FILE_NAME.test(entry.name)) {
        out.skipped.push({ file: display, reason: 'not an image file name' });
        continue;
      }
      if (--budget.images < 0) throw new FolderTooLarge('images');
      out.items.push({ display, baseName: entry.name, path: full });
    }
  }
}

/** "poses/sub/a.png" for a file found under the folder "poses" the person picked. */
const displayFor = (root: string, full: string): string =>
  [basename(root) || root, ...relative(root, full).split(sep).filter(Boolean)].join('/');

function unreadable(name: string, error: unknown, kind: 'file' | 'folder'): ImportFailure {
  const errno = (error as NodeJS.ErrnoException | null)?.code ?? 'unknown error';
  const what = kind === 'folder' ? `The folder “${name}”` : `“${name}”`;
  switch (storageFault(error)) {
    case 'missing':
      return {
        file: name,
        code: 'NOT_FOUND',
        message: `${what} could not be found: it may have been moved or deleted.`,
      };
    case 'denied':
      return {
        file: name,
        code: 'PERMISSION_DENIED',
        message: `${what} could not be read: the app is not allowed to (${errno}).`,
      };
    default:
      return { file: name, code: 'IO_ERROR', message: `${what} could not be read (${errno}).` };
  }
}

/** `shared`: folders picked before this one had used some of the budget. */
function folderTooLarge(
  name: string,
  limit: 'entries' | 'images',
  limits: Readonly<FolderImportLimits>,
  shared: boolean,
): ImportFailure {
  const holds = shared ? `“${name}” and the folders picked before it hold` : `“${name}” holds`;
  const count = (n: number) => n.toLocaleString('en-US');
  return {
    file: name,
    code: 'INVALID_INPUT',
    reason: 'folder-too-large',
    message:
      limit === 'images'
        ? `${holds} more than ${count(limits.images)} pictures, more than one import takes, so nothing in “${name}” was imported. Import fewer folders at a time.`
        : `${holds} more than ${count(limits.entries)} files and folders, more than one import looks through, so nothing in “${name}” was imported. Pick the folders that hold just the pictures.`,
  };
}

// -- importing the files ----------------------------------------------------------------------------

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
