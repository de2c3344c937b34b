/**
 * Tells what a file is from its first bytes (its magic numbers), never from its name: a PDF renamed
 * `.png` is still a PDF, and a JPEG saved as `.png` by a careless tool is still a perfectly good JPEG.
 */

/** The formats the app imports. GIF and multi-page TIFF contribute their first frame only. */
export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'avif' | 'tiff' | 'gif';

export type Sniffed =
  | { kind: 'image'; format: ImageFormat }
  /** HEIC/HEIF: a common phone format the bundled libvips cannot decode; it gets its own advice. */
  | { kind: 'heic' }
  /** Something recognisable that the app does not take: PDF, SVG, a RAW photo... `what` names it. */
  | { kind: 'other'; what: string }
  | { kind: 'unknown' };

const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0): boolean =>
  bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b);

const ascii = (bytes: Uint8Array, start: number, end: number): string =>
  String.fromCharCode(...bytes.subarray(start, Math.min(end, bytes.length)));

const AVIF_BRANDS = new Set(['avif', 'avis']);
const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs', 'mif1', 'msf1']);

/** ISO-BMFF (`ftyp` box): AVIF and HEIC share the container; the brands say which codec is inside. */
function sniffIsoBmff(bytes: Uint8Array): Sniffed | undefined {
  if (ascii(bytes, 4, 8) !== 'ftyp') return undefined;
  const boxSize =
    ((bytes[0] ?? 0) << 24) | ((bytes[1] ?? 0) << 16) | ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0);
  const end = Math.min(bytes.length, boxSize >= 16 ? boxSize : 16, 256);
  const brands = [ascii(bytes, 8, 12)];
  for (let at = 16; at + 4 <= end; at += 4) brands.push(ascii(bytes, at, at + 4));
  // `mif1` is generic HEIF and appears in AVIF files too, so an AV1 brand anywhere wins.
  if (brands.some((b) => AVIF_BRANDS.has(b))) return { kind: 'image', format: 'avif' };
  if (brands.some((b) => HEIC_BRANDS.has(b))) return { kind: 'heic' };
  if (brands.some((b) => b.startsWith('jxl'))) return { kind: 'other', what: 'a JPEG XL image' };
  if (brands.some((b) => ['crx ', 'qt  ', 'isom', 'mp41', 'mp42', 'M4V ', '3gp4'].includes(b))) {
    return { kind: 'other', what: 'a video or camera RAW file' };
  }
  return { kind: 'other', what: 'an ISO media file' };
}

export function sniffFormat(bytes: Uint8Array): Sniffed {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return { kind: 'image', format: 'png' };
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { kind: 'image', format: 'jpeg' };
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a')
    return { kind: 'image', format: 'gif' };
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP')
    return { kind: 'image', format: 'webp' };
  // Classic TIFF in either byte order. BigTIFF (`II+`/`MM\0+`) is left out: no illustration tool
  // writes it for pictures of the sizes the app allows, and libvips' support for it is partial.
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) {
    // Many camera RAW formats are TIFF underneath; CR2 marks itself at byte 8.
    if (ascii(bytes, 8, 10) === 'CR') return { kind: 'other', what: 'a camera RAW photo' };
    return { kind: 'image', format: 'tiff' };
  }
  const iso = sniffIsoBmff(bytes);
  if (iso) return iso;
  return sniffNonImage(bytes);
}

/** Recognisable files that are not images we take, so the message can say what the file really is. */
function sniffNonImage(bytes: Uint8Array): Sniffed {
  const head = ascii(bytes, 0, 8);
  if (head.startsWith('%PDF')) return { kind: 'other', what: 'a PDF document' };
  if (head.startsWith('BM')) return { kind: 'other', what: 'a BMP image' };
  if (head.startsWith('8BPS')) return { kind: 'other', what: 'a Photoshop document' };
  if (head.startsWith('PK\x03\x04'))
    return { kind: 'other', what: 'a ZIP archive (or an Office, Krita or Procreate document)' };
  if (startsWith(bytes, [0xff, 0x0a]) || startsWith(bytes, [0, 0, 0, 0x0c, 0x4a, 0x58, 0x4c, 0x20])) {
    return { kind: 'other', what: 'a JPEG XL image' };
  }
  if (startsWith(bytes, [0, 0, 1, 0])) return { kind: 'other', what: 'an icon file' };
  // Text: SVG is a document that can load other files and run a renderer; it is refused on purpose.
  const text = ascii(bytes, 0, 512)
    .replace(/^\xEF\xBB\xBF/, '')
    .trimStart()
    .toLowerCase(); // UTF-8 BOM
  if (text.startsWith('<svg') || (text.startsWith('<?xml') && text.includes('<svg'))) {
    return { kind: 'other', what: 'an SVG drawing' };
  }
  if (text.startsWith('<!doctype html') || text.startsWith('<html'))
    return { kind: 'other', what: 'a web page' };
  return { kind: 'unknown' };
}

/** Human names for messages. */
export const formatLabel: Record<ImageFormat, string> = {
  png: 'PNG',
  jpeg: 'JPEG',
  webp: 'WebP',
  avif: 'AVIF',
  tiff: 'TIFF',
  gif: 'GIF',
};
