import { close as fsClose, constants, fstat as fsFstat, open as fsOpen, read as fsRead } from 'node:fs';
import { promisify } from 'node:util';
import { lstat, mkdir, readdir, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { AppError } from '../domain/errors';

/**
 * The one contained way the core reads and writes the files and folders of a project: JSON reads and
 * read-modify-writes (json-file.ts), folder listings (listDir), folder creation (writeFileAtomic,
 * makeFolderInside), moves and removals inside the project (fs-utils.ts), quarantine. Images read by a
 * recorded path go through readContainedFile (contained-path.ts), which holds them to the same rule.
 *
 * The rule, for every path inside an open project folder: it is used only where it really is inside that
 * folder. Links are resolved (realpath) and judged by where they lead:
 * - a link whose target stays inside the project is followed, as the media route and readContainedFile
 *   have always followed one (a person may link a folder of their project elsewhere in it; nothing of
 *   theirs is exposed that the app could not reach anyway);
 * - a link that leads out of the project folder, or round in a loop, is refused: never read through,
 *   never written through, never created through. What refuses it says so (PROJECT_DAMAGED with
 *   detail.reason 'outside-project' or 'link-loop' and detail.file, the link) and a file or folder that
 *   is such a link is moved to quarantine where the caller quarantines damaged files (the link itself is
 *   moved: a rename never follows it), so the rest of the project opens and works.
 * And for every file read, in a project or not (user data, a picture to import): only a regular file is
 * read, at most a given number of bytes. It is stat'ed first and opened with O_NONBLOCK, so a named pipe,
 * a device (/dev/zero) or a socket in place of a file is refused at once instead of blocking a thread of
 * the pool for ever or reading until memory runs out; the size is checked before reading and the read
 * stops one byte past the cap whatever the file does meanwhile.
 *
 * Which folder a path belongs to: every project opened in this process is registered here for as long as
 * it is open (guardProjectFolder, called by openProject, released by ProjectHandle.close), and every
 * helper finds the open project a path lies in by itself. Every project path is built from the project's
 * ProjectLayout, so no caller can forget to pass the folder, and stores written before this rule are
 * held to it as well. A path in no open project (user data, the person's own files) is not contained:
 * only the regular-file rule applies.
 *
 * Not promised: protection against a link swapped in by another process between the check and the use
 * (Node has no openat); the last step of a file is opened with O_NOFOLLOW, so a link swapped in there
 * fails to open. Hard links are not links here: a hard-linked file is in the project as much as anywhere.
 */

/** JSON files of a project or of user data are read up to this size (a pose library of 100,000 poses is about 40 MB). */
export const MAX_JSON_BYTES = 64 * 1024 * 1024;

interface Guarded {
  /** As the project's layout spells it (resolved). */
  root: string;
  /** Its real path, links resolved, taken when the project opened. */
  real: string;
  holders: number;
}

const guarded = new Map<string, Guarded>();

/**
 * Registers an open project folder, so every path inside it is contained (see above). Returns the release,
 * which may be called more than once. The same folder may be registered by several holders.
 */
export async function guardProjectFolder(root: string): Promise<() => void> {
  const key = resolve(root);
  const real = await realpath(key);
  const existing = guarded.get(key);
  if (existing) existing.holders++;
  else guarded.set(key, { root: key, real, holders: 1 });
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const entry = guarded.get(key);
    if (entry && --entry.holders <= 0) guarded.delete(key);
  };
}

/** The open project `path` lies in (the innermost one), if any. */
function guardOf(path: string): Guarded | undefined {
  const absolute = resolve(path);
  let best: Guarded | undefined;
  for (const entry of guarded.values()) {
    const prefix = entry.root.endsWith(sep) ? entry.root : `${entry.root}${sep}`;
    if (absolute !== entry.root && !absolute.startsWith(prefix)) continue;
    if (!best || entry.root.length > best.root.length) best = entry;
  }
  return best;
}

/** True when `candidate` is `root` or inside it (both real paths). */
const isWithin = (root: string, candidate: string): boolean => {
  const rel = relative(root, candidate);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
};

const toPosix = (path: string): string => path.split(sep).join('/');
const errnoOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | undefined)?.code;

// -- where a path really is ------------------------------------------------------------------------

type Location = { real: string } | { loop: true } | { dangling: true };

/**
 * Where `path` really is, though it (or its folders) may not exist yet: the real path of its nearest
 * existing ancestor, links resolved, with the rest appended. A loop on the way is `{ loop: true }`; a link
 * to nothing on the way is `{ dangling: true }` (where something made through it would land is not
 * known without following it, so it is not judged inside).
 */
async function locate(path: string): Promise<Location> {
  const rest: string[] = [];
  let current = resolve(path);
  for (;;) {
    try {
      return { real: join(await realpath(current), ...rest) };
    } catch (error) {
      const code = errnoOf(error);
      if (code === 'ELOOP') return { loop: true };
      if (code === 'ENOENT' && (await isLink(current))) return { dangling: true };
      const parent = dirname(current);
      // A file where a folder belongs (ENOTDIR) is judged by where that file is: what the caller does
      // next fails by itself, with nothing outside touched.
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || parent === current) throw error;
      rest.unshift(current.slice(parent.length).replace(/^[\\/]+/, ''));
      current = parent;
    }
  }
}

const isLink = (path: string): Promise<boolean> =>
  lstat(path).then(
    (info) => info.isSymbolicLink(),
    () => false,
  );

/**
 * The first step of `path` below `root` that is a link leading out of the project (or round in a loop, or
 * to nothing): the thing to refuse and to move aside, rather than what lies behind it. Undefined when
 * there is none. Checked with lstat, one step at a time from the root, so nothing is followed to find it.
 */
export async function linkOutOnTheWay(root: string, path: string): Promise<string | undefined> {
  const base = resolve(root);
  const rel = relative(base, resolve(path));
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
  let realRoot: string;
  try {
    realRoot = await realpath(base);
  } catch {
    return undefined;
  }
  let current = base;
  for (const part of rel.split(sep)) {
    current = join(current, part);
    let link: boolean;
    try {
      link = (await lstat(current)).isSymbolicLink();
    } catch {
      return undefined; // not there (or not reachable): nothing further to find
    }
    if (!link) continue;
    try {
      if (!isWithin(realRoot, await realpath(current))) return current;
    } catch (error) {
      const code = errnoOf(error);
      if (code === 'ELOOP' || code === 'ENOENT') return current; // round in a loop, or to nothing
      return undefined;
    }
  }
  return undefined;
}

/** The refusal of a path inside a project that leads out of it (through `link`) or round in a loop. */
function leadsOut(root: string, link: string, reason: 'outside-project' | 'link-loop'): AppError {
  const rel = toPosix(relative(root, link)) || '.';
  const message =
    reason === 'link-loop'
      ? `${rel} in the project folder is a link that leads round in a circle, so the app does not use it. Delete the link, or put the real file or folder in its place.`
      : `${rel} in the project folder is a link to a place outside the project folder (or to nothing), so the app does not follow it. Move what it points to into the project folder in its place, or delete the link.`;
  return new AppError('PROJECT_DAMAGED', message, { file: rel, reason });
}

/**
 * Throws PROJECT_DAMAGED (reason 'outside-project' or 'link-loop') when `path`, inside an open project,
 * really lies outside it: through a link on the way, or being such a link itself. For a path that does
 * not exist yet, where it would be created is what is judged. Paths in no open project pass.
 */
export async function assertInsideProject(path: string): Promise<void> {
  const guard = guardOf(path);
  if (!guard) return;
  const where = await locate(path);
  if ('real' in where && isWithin(guard.real, where.real)) return;
  const link = (await linkOutOnTheWay(guard.root, path)) ?? resolve(path);
  throw leadsOut(guard.root, link, 'loop' in where ? 'link-loop' : 'outside-project');
}

/** True when `path` would be used inside the open project it lies in (see assertInsideProject). */
export async function isInsideProject(path: string): Promise<boolean> {
  return assertInsideProject(path).then(
    () => true,
    (error: unknown) => {
      if (error instanceof AppError && error.code === 'PROJECT_DAMAGED') return false;
      throw error;
    },
  );
}

/** mkdir -p, refused (PROJECT_DAMAGED) when the folder would be made outside its project through a link. */
export async function makeFolderInside(dir: string, mode?: number): Promise<void> {
  await assertInsideProject(dir);
  await mkdir(dir, { recursive: true, ...(mode === undefined ? {} : { mode }) });
}

/**
 * The names in a folder, or [] when it is not there. A folder of an open project that leads out of it
 * (or loops) is refused with PROJECT_DAMAGED, never listed; it is listed by its real path, so what was
 * checked is what is read.
 */
export async function listFolderInside(dir: string): Promise<string[]> {
  const guard = guardOf(dir);
  let target = dir;
  if (guard) {
    let real: string;
    try {
      real = await realpath(dir);
    } catch (error) {
      const code = errnoOf(error);
      if (code === 'ENOENT') return [];
      if (code !== 'ELOOP') throw error;
      throw leadsOut(guard.root, (await linkOutOnTheWay(guard.root, dir)) ?? resolve(dir), 'link-loop');
    }
    if (!isWithin(guard.real, real)) {
      throw leadsOut(guard.root, (await linkOutOnTheWay(guard.root, dir)) ?? resolve(dir), 'outside-project');
    }
    target = real;
  }
  try {
    return await readdir(target);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return [];
    throw error;
  }
}

// -- reading one file ------------------------------------------------------------------------------

/** Why a file was not read. `message` reads after "The file …": "it is a named pipe, not a file". */
export interface FileRefusal {
  reason: 'outside-project' | 'link-loop' | 'link' | 'not-a-file' | 'too-large';
  message: string;
  /** For 'outside-project' and 'link-loop': the link that was refused (an absolute path). */
  link?: string;
}

export type FileRead =
  | { ok: true; bytes: Buffer; stat: { mtimeMs: number; size: number } }
  | { ok: false; missing: true }
  | { ok: false; missing: false; refusal: FileRefusal };

const MISSING: FileRead = { ok: false, missing: true };
const refused = (refusal: FileRefusal): FileRead => ({ ok: false, missing: false, refusal });

const megabytes = (bytes: number): string => `${Math.ceil(bytes / (1024 * 1024))} MB`;

function notAFile(info: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean }): FileRefusal {
  const kind = info.isDirectory()
    ? 'a folder'
    : info.isFIFO()
      ? 'a named pipe'
      : info.isSocket()
        ? 'a socket'
        : 'a device or other special file';
  return { reason: 'not-a-file', message: `it is ${kind}, not a file` };
}

const tooLarge = (size: number, maxBytes: number): FileRefusal => ({
  reason: 'too-large',
  message: `it is ${size > maxBytes * 4 ? 'far ' : ''}larger than ${megabytes(maxBytes)}, more than a file of its kind can be`,
});

// O_NONBLOCK and O_NOFOLLOW do not exist on Windows, which has neither named pipes nor links of this kind
// in the places they matter; there the stat checks are what hold.
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/**
 * Reads a regular file whole, at most `maxBytes`: anything else (missing, a folder, a pipe, a device, a
 * socket, larger than the cap) is said, not thrown. Other errors (EACCES, EIO) are thrown as they are.
 * With `noFollow`, a link in the last step is refused too ('link'); otherwise it is followed.
 */
export async function readRegularFile(
  path: string,
  maxBytes: number,
  options: { noFollow?: boolean } = {},
): Promise<FileRead> {
  // Where the system can open without following a link, the checks on the open handle are enough: a
  // stat first would only cost a round trip per file (a rebuild reads 100,000 receipts this way).
  if (!(options.noFollow && O_NOFOLLOW !== 0)) {
    let info;
    try {
      info = options.noFollow ? await lstat(path) : await stat(path);
    } catch (error) {
      const code = errnoOf(error);
      if (code === 'ENOENT' || code === 'ENOTDIR') return MISSING;
      if (code === 'ELOOP')
        return refused({ reason: 'link-loop', message: 'it is a link that leads round in a circle' });
      throw error;
    }
    if (info.isSymbolicLink()) return refused({ reason: 'link', message: 'it is a link, not a file' });
    if (!info.isFile()) return refused(notAFile(info));
    if (info.size > maxBytes) return refused(tooLarge(info.size, maxBytes));
  }

  let fd: number;
  try {
    fd = await openFd(path, constants.O_RDONLY | O_NONBLOCK | (options.noFollow ? O_NOFOLLOW : 0));
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return MISSING;
    if (code === 'ELOOP') return refused({ reason: 'link', message: 'it is a link, not a file' });
    // A socket cannot be opened at all (ENXIO): without the stat first, it is told apart here.
    const info = await lstat(path).catch(() => null);
    if (info && !info.isFile()) return refused(notAFile(info));
    throw error;
  }
  try {
    // The descriptor is what is read: it must still be a regular file of a sane size (it may have been
    // swapped). Plain descriptors rather than FileHandle: a rebuild reads 100,000 receipts here, and the
    // handle's bookkeeping was a third of its time.
    const opened = await fstatFd(fd);
    if (!opened.isFile()) return refused(notAFile(opened));
    if (opened.size > maxBytes) return refused(tooLarge(opened.size, maxBytes));
    // One byte past the cap at most, in case the file grew since the stat.
    const buffer = Buffer.allocUnsafe(Math.min(opened.size, maxBytes) + 1);
    let length = 0;
    while (length < buffer.length) {
      const bytesRead = await readFd(fd, buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes) return refused(tooLarge(length, maxBytes));
    return { ok: true, bytes: buffer.subarray(0, length), stat: opened };
  } finally {
    await closeFd(fd);
  }
}

const openFd = promisify(fsOpen);
const fstatFd = promisify(fsFstat);
const readFd = (fd: number, buffer: Buffer, offset: number, length: number, position: number) =>
  new Promise<number>((done, fail) => {
    fsRead(fd, buffer, offset, length, position, (error, bytesRead) =>
      error ? fail(error) : done(bytesRead),
    );
  });
const closeFd = promisify(fsClose);

/**
 * Reads a file of an open project through the rule above (or, for a path in no open project, any
 * regular file, links followed): a file that leads out of the project or loops is refused with the link
 * named, and the file is opened by its real path without following a link in its last step.
 */
export async function readFileInside(path: string, maxBytes: number): Promise<FileRead> {
  const guard = guardOf(path);
  if (!guard) return readRegularFile(path, maxBytes);
  let real: string;
  try {
    real = await realpath(path);
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return MISSING;
    if (code !== 'ELOOP') throw error;
    const link = (await linkOutOnTheWay(guard.root, path)) ?? resolve(path);
    return refused({ reason: 'link-loop', message: 'it is a link that leads round in a circle', link });
  }
  if (!isWithin(guard.real, real) || real === guard.real) {
    const link = (await linkOutOnTheWay(guard.root, path)) ?? resolve(path);
    const through =
      link === resolve(path) ? '' : ` (through the link ${toPosix(relative(guard.root, link))})`;
    return refused({
      reason: 'outside-project',
      message: `it leads outside the project folder${through}, so it was not read`,
      link,
    });
  }
  return readRegularFile(real, maxBytes, { noFollow: true });
}

/** The refusal of a file as the error the person sees (PROJECT_DAMAGED, detail.reason the refusal's). */
export function refusalError(
  root: string | undefined,
  path: string,
  what: string,
  refusal: FileRefusal,
): AppError {
  const named = refusal.link ?? path;
  const file = root ? toPosix(relative(root, named)) : named;
  return new AppError('PROJECT_DAMAGED', `${what} was not used: ${refusal.message}.`, {
    file,
    reason: refusal.reason,
  });
}

/** The open project a path lies in, as its root (for messages and quarantine), if any. */
export function projectRootOf(path: string): string | undefined {
  return guardOf(path)?.root;
}
