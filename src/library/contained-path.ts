import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { AppError } from '../domain/errors';

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
 * Returns the real path of the file. (Files whose names contain `%XX` literally cannot be served by
 * URL; the app names its files by id, so none do.)
 */
export async function resolveContainedFile(
  root: string,
  requestedPath: string,
  options: ContainedFileOptions = {},
): Promise<string> {
  const segments = parseRelativePath(requestedPath, options.encoded ?? true);

  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch {
    throw new AppError('NOT_FOUND', 'The project folder is not available.');
  }
  const lexical = resolve(realRoot, ...segments);
  if (!isInside(realRoot, lexical)) throw forbidden('outside');

  let real: string;
  try {
    real = await realpath(lexical);
  } catch {
    throw notFound();
  }
  if (!isInside(realRoot, real)) throw forbidden('symlink-outside');
  const info = await stat(real).catch(() => null);
  if (!info?.isFile()) throw notFound();
  return real;
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
