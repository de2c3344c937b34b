/**
 * The EXIF UserComment of a JPEG (and of a WebP), by hand. A1111 stores its "parameters" there with
 * piexif: a big-endian TIFF structure whose UserComment is the 8-byte charset prefix `UNICODE\0` then
 * UTF-16BE text. sharp's withExif can only write ASCII comments (it drops accents and CJK from a
 * prompt), and it re-encodes the image; inserting one APP1 segment does neither.
 */

const EXIF_HEADER = Buffer.from('Exif\0\0', 'latin1');
const UNICODE_PREFIX = Buffer.from('UNICODE\0', 'latin1');
const ASCII_PREFIX = Buffer.from('ASCII\0\0\0', 'latin1');
const TAG_EXIF_IFD = 0x8769;
const TAG_USER_COMMENT = 0x9286;
const MAX_SEGMENT_DATA = 0xffff - 2;

export const isJpeg = (bytes: Uint8Array): boolean =>
  bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;

interface Segment {
  marker: number;
  start: number;
  end: number;
  /** The payload after the two length bytes. */
  data: Buffer;
}

/** The marker segments before the image data (SOS), stopping quietly at anything malformed. */
function headerSegments(bytes: Buffer): { segments: Segment[]; imageDataStart: number } {
  const segments: Segment[] = [];
  let at = 2;
  while (at + 4 <= bytes.length && bytes[at] === 0xff) {
    const marker = bytes[at + 1] ?? 0;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0xda || marker === 0xd9) break; // start of scan / end of image
    const length = bytes.readUInt16BE(at + 2);
    const end = at + 2 + length;
    if (length < 2 || end > bytes.length) break;
    segments.push({ marker, start: at, end, data: bytes.subarray(at + 4, end) });
    at = end;
  }
  return { segments, imageDataStart: at };
}

const isExifSegment = (s: Segment): boolean =>
  s.marker === 0xe1 && s.data.length >= 6 && s.data.subarray(0, 6).equals(EXIF_HEADER);

/** A minimal TIFF block: IFD0 holding only the Exif IFD pointer, the Exif IFD holding only UserComment. */
export function userCommentTiff(text: string): Buffer {
  const comment = Buffer.concat([UNICODE_PREFIX, utf16be(text)]);
  const exifIfdOffset = 8 + 2 + 12 + 4;
  const commentOffset = exifIfdOffset + 2 + 12 + 4;
  const tiff = Buffer.alloc(commentOffset + comment.length);
  tiff.write('MM', 0, 'latin1');
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4);
  // IFD0: 1 entry, ExifIFDPointer (LONG), no next IFD.
  tiff.writeUInt16BE(1, 8);
  writeEntry(tiff, 10, TAG_EXIF_IFD, 4, 1, exifIfdOffset);
  tiff.writeUInt32BE(0, 22);
  // Exif IFD: 1 entry, UserComment (UNDEFINED, count = bytes), no next IFD.
  tiff.writeUInt16BE(1, exifIfdOffset);
  writeEntry(tiff, exifIfdOffset + 2, TAG_USER_COMMENT, 7, comment.length, commentOffset);
  tiff.writeUInt32BE(0, exifIfdOffset + 14);
  comment.copy(tiff, commentOffset);
  return tiff;
}

function writeEntry(tiff: Buffer, at: number, tag: number, type: number, count: number, value: number): void {
  tiff.writeUInt16BE(tag, at);
  tiff.writeUInt16BE(type, at + 2);
  tiff.writeUInt32BE(count, at + 4);
  tiff.writeUInt32BE(value, at + 8);
}

function utf16be(text: string): Buffer {
  const le = Buffer.from(text, 'utf16le');
  return le.swap16();
}

/**
 * The JPEG with its EXIF replaced by one holding only `text` as UserComment, inserted after SOI and
 * JFIF (APP0 must stay first). Any earlier EXIF is dropped: results and cuts carry none, and two EXIF
 * blocks confuse readers. Throws when the bytes are not a JPEG or the text does not fit one segment.
 */
export function withJpegUserComment(bytes: Uint8Array, text: string): Buffer {
  if (!isJpeg(bytes)) throw new Error('not a JPEG');
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const payload = Buffer.concat([EXIF_HEADER, userCommentTiff(text)]);
  if (payload.length > MAX_SEGMENT_DATA) throw new RangeError('text too long for one EXIF segment');
  const segmentHead = Buffer.from([0xff, 0xe1, 0, 0]);
  segmentHead.writeUInt16BE(payload.length + 2, 2);

  const { segments } = headerSegments(buffer);
  const parts: Buffer[] = [buffer.subarray(0, 2)];
  let at = 2;
  let inserted = false;
  for (const segment of segments) {
    if (!inserted && segment.marker !== 0xe0) {
      parts.push(segmentHead, payload);
      inserted = true;
    }
    if (!isExifSegment(segment)) parts.push(buffer.subarray(segment.start, segment.end));
    at = segment.end;
  }
  if (!inserted) parts.push(segmentHead, payload);
  parts.push(buffer.subarray(at));
  return Buffer.concat(parts);
}

/** The UserComment from a JPEG's EXIF, or undefined. Never throws on damaged input. */
export function readJpegUserComment(bytes: Uint8Array): string | undefined {
  if (!isJpeg(bytes)) return undefined;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const segment of headerSegments(buffer).segments) {
    if (!isExifSegment(segment)) continue;
    const comment = readUserCommentFromTiff(segment.data.subarray(6));
    if (comment !== undefined) return comment;
  }
  return undefined;
}

/** UserComment from a TIFF/EXIF block in either byte order. Bounds are checked at every step. */
export function readUserCommentFromTiff(tiff: Buffer): string | undefined {
  if (tiff.length < 8) return undefined;
  const order = tiff.toString('latin1', 0, 2);
  if (order !== 'MM' && order !== 'II') return undefined;
  const big = order === 'MM';
  const u16 = (at: number) =>
    at + 2 <= tiff.length ? (big ? tiff.readUInt16BE(at) : tiff.readUInt16LE(at)) : -1;
  const u32 = (at: number) =>
    at + 4 <= tiff.length ? (big ? tiff.readUInt32BE(at) : tiff.readUInt32LE(at)) : -1;
  const findEntry = (ifd: number, tag: number): number | undefined => {
    const count = u16(ifd);
    for (let i = 0; i < count && i < 1000; i++) {
      const entry = ifd + 2 + i * 12;
      if (u16(entry) === tag) return entry;
    }
    return undefined;
  };

  const exifPointer = findEntry(u32(4), TAG_EXIF_IFD);
  if (exifPointer === undefined) return undefined;
  const commentEntry = findEntry(u32(exifPointer + 8), TAG_USER_COMMENT);
  if (commentEntry === undefined) return undefined;
  const length = u32(commentEntry + 4);
  const start = length <= 4 ? commentEntry + 8 : u32(commentEntry + 8);
  if (length < 8 || start < 0 || start + length > tiff.length) return undefined;
  return decodeUserComment(tiff.subarray(start, start + length), big);
}

/** The charset prefix decides the encoding; "UNICODE" follows the TIFF's byte order unless a BOM says otherwise. */
function decodeUserComment(raw: Buffer, bigEndian: boolean): string {
  const prefix = raw.subarray(0, 8);
  let body = raw.subarray(8);
  let text: string;
  if (prefix.equals(UNICODE_PREFIX)) {
    let big = bigEndian;
    if (body[0] === 0xfe && body[1] === 0xff) [big, body] = [true, body.subarray(2)];
    else if (body[0] === 0xff && body[1] === 0xfe) [big, body] = [false, body.subarray(2)];
    const even = Buffer.from(body.subarray(0, body.length - (body.length % 2)));
    text = (big ? even.swap16() : even).toString('utf16le');
  } else if (prefix.equals(ASCII_PREFIX)) {
    text = body.toString('latin1');
  } else {
    // Undefined charset (eight NULs) or JIS: UTF-8 is what such writers use in practice.
    text = body.toString('utf8');
  }
  return text.replace(/\0+$/, '');
}

/** The UserComment from a WebP's EXIF chunk (A1111 writes WebP the same way as JPEG). */
export function readWebpUserComment(bytes: Uint8Array): string | undefined {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (
    buffer.length < 12 ||
    buffer.toString('latin1', 0, 4) !== 'RIFF' ||
    buffer.toString('latin1', 8, 12) !== 'WEBP'
  ) {
    return undefined;
  }
  let at = 12;
  while (at + 8 <= buffer.length) {
    const type = buffer.toString('latin1', at, at + 4);
    const size = buffer.readUInt32LE(at + 4);
    const data = buffer.subarray(at + 8, Math.min(buffer.length, at + 8 + size));
    if (type === 'EXIF') {
      return readUserCommentFromTiff(data.subarray(0, 6).equals(EXIF_HEADER) ? data.subarray(6) : data);
    }
    at += 8 + size + (size % 2);
  }
  return undefined;
}
