/**
 * Whether an entry name in an archive from elsewhere may become a path inside the folder it is unpacked
 * into. A pure decision, its reasons written beside each rule, so what is refused can be checked by
 * reading. The name is untrusted: it was written by whoever made the archive.
 *
 * Refused, each with the reason the message gives:
 * - 'outside': a name that would land outside the folder: absolute (`/etc/x`, `C:x`, `\\server\x`), or
 *   with a `..` step anywhere (even `a/../b`, which stays inside: no honest archiver writes one).
 * - 'malformed': empty, an empty or `.` step (`a//b`, `./a`), control characters (a NUL ends the name
 *   early in C, a newline forges log lines), a backslash (a folder separator on Windows only: the same
 *   archive must unpack the same everywhere).
 * - 'too-long': deeper than 32 folders, a step longer than 255 bytes or the whole longer than 1,024 bytes
 *   (what the common file systems take; nothing the app writes comes near).
 * - 'not-portable' (Windows only, where these names mean something else): `< > : " | ? *` (a colon names
 *   an alternate data stream), a step ending in a dot or a space, and device names (CON, NUL, COM1, ...).
 *
 * The kind of the entry (a link, a device) is judged from its attributes by the importer, not here.
 */
export type EntryNameRefusal = 'outside' | 'malformed' | 'too-long' | 'not-portable';

export type EntryName =
  { ok: true; parts: string[]; isFolder: boolean } | { ok: false; reason: EntryNameRefusal };

export const MAX_ENTRY_DEPTH = 32;
export const MAX_ENTRY_STEP_BYTES = 255;
export const MAX_ENTRY_NAME_BYTES = 1024;

const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const CONTROL = /[\u0000-\u001f\u007f]/;

export function checkEntryName(name: string, platform: NodeJS.Platform = process.platform): EntryName {
  if (name.length === 0) return { ok: false, reason: 'malformed' };
  if (name.startsWith('/') || name.startsWith('\\') || /^[A-Za-z]:/.test(name))
    return { ok: false, reason: 'outside' };
  const isFolder = name.endsWith('/');
  const parts = (isFolder ? name.slice(0, -1) : name).split('/');
  if (parts.includes('..') || parts.some((p) => p.split('\\').includes('..')))
    return { ok: false, reason: 'outside' };
  if (CONTROL.test(name) || name.includes('\\')) return { ok: false, reason: 'malformed' };
  if (parts.some((p) => p === '' || p === '.')) return { ok: false, reason: 'malformed' };
  if (
    parts.length > MAX_ENTRY_DEPTH ||
    Buffer.byteLength(name) > MAX_ENTRY_NAME_BYTES ||
    parts.some((p) => Buffer.byteLength(p) > MAX_ENTRY_STEP_BYTES)
  )
    return { ok: false, reason: 'too-long' };
  if (
    platform === 'win32' &&
    parts.some((p) => /[<>:"|?*]/.test(p) || /[. ]$/.test(p) || WINDOWS_DEVICE.test(p))
  )
    return { ok: false, reason: 'not-portable' };
  return { ok: true, parts, isFolder };
}

/**
 * The key two names collide under on a disk that ignores case or Unicode form (macOS, Windows): two
 * entries with one key would unpack into one file, the second silently replacing the first.
 */
export const collisionKey = (parts: readonly string[]): string =>
  parts.join('/').normalize('NFC').toLowerCase();
