import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { AppError, isAppError } from '../domain/errors';
import { DEFAULT_MAX_BYTES } from '../images/decode-policy';
import { sha256 } from '../images/sha256';
import { readRegularFile } from './contained-fs';
import { storageFault } from './storage-fault';

export interface ContainedFileOptions {
  /**
   * True (the default) when `requestedPath` comes from a URL path and is percent-encoded: it is decoded
   * exactly once. Pass false for a plain relative path (e.g. a path from a contract call's input), which
   * is then taken literally; every other check still applies.
   */
  encoded?: boolean;
}

/**
 * Resolves a relative path requested by a renderer (the Electron media protocol, the browser host's
 * /media/ route, "show in folder") to a real file inside `root`, or throws.
 *
 * Refused before touching the disk (FORBIDDEN_SENDER, detail.reason says which):
 * - malformed percent-encoding, and double encoding: after the one decode no `%XX` may remain, so
 *   `%252e%252e` cannot become `..` in a later decode;
 * - `..` and `.` segments (also as `%2e%2e`, `%2E.`, or split with an encoded `%2f`), and segments made
 *   only of dots and spaces (Windows trims those to `..`);
 * - absolute paths (`/etc`), Windows drive letters (`C:`, `c:/`), UNC and device paths (`//server`,
 *   `\\?\`), any backslash, any `:` (drives, NTFS streams), NUL and other control characters;
 * - empty paths and empty segments (`a//b`).
 * Then both root and target go through realpath, and a target (e.g. a symlink) that resolves outside
 * realpath(root) is refused too. Missing files and anything that is not a regular file are NOT_FOUND.
 *
 * Only a file that is not there is NOT_FOUND (ENOENT/ENOTDIR by the errno table in storage-fault.ts; also
 * a name too long to exist and a link loop, which no file can be behind). Any other failure of realpath
 * or stat, of the root or of the file (EACCES, EIO, EBUSY, ...), is thrown as the errno error it is, as
 * readRegularFile does: the caller names it with readFault (PERMISSION_DENIED, IO_ERROR), and a file the
 * disk failed to read is never taken for one that is missing.
 *
 * Returns the real path of the file. (Files whose names contain `%XX` literally cannot be served by
 * URL; the app names its files by id, so none do.)
 */
export async function resolveContainedFile(
  root: string,
  requestedPath: string,
  options: ContainedFileOptions = {},
): Promise<string> {
  const segments = parseRelativePath(requestedPath, options.encoded ?? true);

  const realRoot = await realpath(root).catch((error: unknown) => {
    throw ifMissing(error, () => new AppError('NOT_FOUND', 'The project folder is not available.'));
  });
  const lexical = resolve(realRoot, ...segments);
  if (!isInside(realRoot, lexical)) throw forbidden('outside');

  const real = await realpath(lexical).catch((error: unknown) => {
    throw ifMissing(error, notFound);
  });
  if (!isInside(realRoot, real)) throw forbidden('symlink-outside');
  const info = await stat(real).catch((error: unknown) => {
    throw ifMissing(error, notFound);
  });
  if (!info.isFile()) throw notFound();
  return real;
}

/**
 * `missing()` when `error` says the path is not there (the errno table's `missing`, a name too long to
 * exist, a link loop); otherwise `error` itself, untouched, for the caller to name (readFault).
 */
function ifMissing(error: unknown, missing: () => AppError): unknown {
  if (storageFault(error) === 'missing') return missing();
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENAMETOOLONG' || code === 'ELOOP' ? missing() : error;
}

/**
 * The one way the core reads a file of the project (a pose or reference image for upload, a result for an
 * export, a contact sheet or a cut): `projectPath` is a project-relative path as the JSON records it
 * (`poses/<id>/<image>.png`), checked exactly as the media route checks a URL (resolveContainedFile), so
 * a link leading out of the project is refused here as it is there. The file is then read by
 * readRegularFile (contained-fs.ts): opened without following a link in its last step (a link swapped in
 * after the check fails to open) and with O_NONBLOCK, read from that one handle, which must still be a
 * regular file, and never more than `maxBytes` (by default the largest image the app imports); a pipe or
 * device swapped in is NOT_FOUND at once, a file over the cap PROJECT_DAMAGED (detail.reason 'too-large').
 * NOT_FOUND only for a file that is not there: a refused or failed read (EACCES, EIO, ...) is thrown as
 * its errno error, for the caller to name with readFault.
 */
export async function readContainedFile(
  root: string,
  projectPath: string,
  maxBytes: number = DEFAULT_MAX_BYTES,
): Promise<Buffer> {
  const real = await resolveContainedFile(root, projectPath, { encoded: false });
  const read = await readRegularFile(real, maxBytes, { noFollow: true });
  if (read.ok) return read.bytes;
  if (read.missing) throw notFound();
  switch (read.refusal.reason) {
    case 'link':
    case 'link-loop':
    case 'outside-project':
      throw forbidden('symlink');
    case 'too-large':
      throw new AppError('PROJECT_DAMAGED', `${projectPath}: ${read.refusal.message}.`, {
        file: projectPath,
        reason: 'too-large',
      });
    default:
      throw notFound();
  }
}

/** A file the project recorded with its hash: a pose's image, a character's reference image. */
export interface RecordedFile {
  /** Relative to the project root, with forward slashes. */
  file: string;
  sha256: string;
}

/**
 * Reads a recorded file through readContainedFile and checks its bytes are the ones recorded when it was
 * imported, so what leaves the machine (an upload to Segmind) is exactly what the person imported, never
 * a file swapped in or pointed elsewhere behind the app's back. `what` names it for the person ("The
 * pose “Arms up”"). Refusals are PROJECT_DAMAGED with detail.reason 'outside-project' (a link out of
 * the folder) or 'changed-on-disk' (other bytes); a missing file is NOT_FOUND; a refused or failed read
 * is thrown as its errno error (readContainedFile), for the caller to name with readFault.
 */
export async function readRecordedFile(root: string, recorded: RecordedFile, what: string): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await readContainedFile(root, recorded.file);
  } catch (error) {
    if (isAppError(error) && error.code === 'FORBIDDEN_SENDER') {
      throw new AppError(
        'PROJECT_DAMAGED',
        `${what}: its image file leads outside the project folder, so it was not read. Import the picture again.`,
        { file: recorded.file, reason: 'outside-project' },
      );
    }
    if (isAppError(error) && error.code === 'NOT_FOUND') {
      throw new AppError('NOT_FOUND', `${what}: its image file is missing from the project folder.`, {
        file: recorded.file,
      });
    }
    throw error;
  }
  if (sha256(bytes) !== recorded.sha256) {
    throw new AppError(
      'PROJECT_DAMAGED',
      `${what}: its image file has changed since it was imported, so it was not used. ` +
        `Import the picture again if the change was meant.`,
      { file: recorded.file, reason: 'changed-on-disk' },
    );
  }
  return bytes;
}

/**
 * The lexical half of resolveContainedFile: returns the path's segments, or throws FORBIDDEN_SENDER.
 * Exported for the app-bundle protocol, which serves from inside an asar archive without realpath.
 */
export function parseRelativePath(requestedPath: string, encoded = true): string[] {
  if (typeof requestedPath !== 'string') throw forbidden('not-a-string');
  if (requestedPath.length === 0 || requestedPath.length > 4096) throw forbidden('length');
  if (hasUnsafeCharacters(requestedPath)) throw forbidden('characters');

  let decoded = requestedPath;
  if (encoded) {
    try {
      decoded = decodeURIComponent(requestedPath);
    } catch {
      throw forbidden('bad-encoding');
    }
    if (/%[0-9a-f]{2}/i.test(decoded)) throw forbidden('double-encoding');
    if (hasUnsafeCharacters(decoded)) throw forbidden('characters');
  }
  if (decoded.startsWith('/')) throw forbidden('absolute');
  if (/^[a-z]:/i.test(decoded) || isAbsolute(decoded)) throw forbidden('absolute');

  const segments = decoded.split('/');
  for (const segment of segments) {
    if (segment.length === 0) throw forbidden('empty-segment');
    if (/^[.\s]+$/.test(segment)) throw forbidden('dot-segment');
  }
  return segments;
}

/** Backslashes, colons, NUL and every other control character (C0, DEL, C1). */
const hasUnsafeCharacters = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x5c /* \\ */ || c === 0x3a /* : */) return true;
  }
  return false;
};

const isInside = (root: string, candidate: string): boolean => {
  const rel = relative(root, candidate);
  return rel.length > 0 && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
};

const forbidden = (reason: string): AppError =>
  new AppError('FORBIDDEN_SENDER', 'That path is not inside the project.', { reason });
const notFound = (): AppError => new AppError('NOT_FOUND', 'That file is not in the project.');
