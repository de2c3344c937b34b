import { crc32, inflateSync } from 'node:zlib';

/**
 * PNG text chunks, by hand. sharp can read them (metadata().comments) but not write them, and writing
 * by hand has a bonus: the pixels are never re-encoded, so an exported keeper stays byte-identical to
 * what Segmind sent apart from the added chunk.
 */

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const TEXT_TYPES = new Set(['tEXt', 'iTXt', 'zTXt']);

interface Chunk {
  type: string;
  /** Offsets into the file: the whole chunk (length, type, data, CRC) and its data. */
  start: number;
  end: number;
  data: Buffer;
}

export const isPng = (bytes: Uint8Array): boolean =>
  bytes.length >= 8 && Buffer.from(bytes.buffer, bytes.byteOffset, 8).equals(SIGNATURE);

/** The chunks of a PNG, stopping quietly at the first one that does not fit (a damaged file). */
function chunks(bytes: Buffer): Chunk[] {
  const found: Chunk[] = [];
  let at = 8;
  while (at + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(at);
    const end = at + 12 + length;
    if (end > bytes.length) break;
    const type = bytes.toString('latin1', at + 4, at + 8);
    found.push({ type, start: at, end, data: bytes.subarray(at + 8, at + 8 + length) });
    at = end;
    if (type === 'IEND') break;
  }
  return found;
}

function encodeChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4, 8))));
  return Buffer.concat([head, data, crc]);
}

const isLatin1 = (text: string): boolean => [...text].every((ch) => (ch.codePointAt(0) ?? 0) <= 0xff);

/**
 * A text chunk for `keyword`: tEXt when the text is Latin-1, else iTXt in UTF-8. That is exactly what
 * A1111 (through Pillow's PngInfo.add_text) writes, so every tool that reads A1111 PNGs reads ours.
 */
export function encodeTextChunk(keyword: string, text: string): Buffer {
  const key = Buffer.from(keyword, 'latin1');
  if (isLatin1(text))
    return encodeChunk('tEXt', Buffer.concat([key, Buffer.from([0]), Buffer.from(text, 'latin1')]));
  // keyword \0, compression flag 0, method 0, empty language tag \0, empty translated keyword \0, UTF-8 text.
  return encodeChunk('iTXt', Buffer.concat([key, Buffer.from([0, 0, 0, 0, 0]), Buffer.from(text, 'utf8')]));
}

/** Every text chunk as keyword and text; unreadable ones are skipped, never thrown. */
export function readPngText(bytes: Uint8Array): { keyword: string; text: string }[] {
  if (!isPng(bytes)) return [];
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: { keyword: string; text: string }[] = [];
  for (const chunk of chunks(buffer)) {
    if (!TEXT_TYPES.has(chunk.type)) continue;
    try {
      const decoded = decodeTextChunk(chunk.type, chunk.data);
      if (decoded) out.push(decoded);
    } catch {
      // A damaged compressed chunk: ignore it, as image viewers do.
    }
  }
  return out;
}

function decodeTextChunk(type: string, data: Buffer): { keyword: string; text: string } | undefined {
  const nul = data.indexOf(0);
  if (nul <= 0) return undefined;
  const keyword = data.toString('latin1', 0, nul);
  if (type === 'tEXt') return { keyword, text: data.toString('latin1', nul + 1) };
  if (type === 'zTXt') return { keyword, text: inflateSync(data.subarray(nul + 2)).toString('latin1') };
  // iTXt
  const compressed = data[nul + 1] === 1;
  const languageEnd = data.indexOf(0, nul + 3);
  const translatedEnd = languageEnd < 0 ? -1 : data.indexOf(0, languageEnd + 1);
  if (translatedEnd < 0) return undefined;
  const body = data.subarray(translatedEnd + 1);
  return { keyword, text: (compressed ? inflateSync(body) : body).toString('utf8') };
}

/**
 * The PNG with its text chunks for `keyword` replaced by one holding `text`, placed right after IHDR
 * (before the pixel data, where readers that stop early still find it). Other chunks are kept as they are.
 * Throws when the bytes are not a PNG.
 */
export function withPngText(bytes: Uint8Array, keyword: string, text: string): Buffer {
  if (!isPng(bytes)) throw new Error('not a PNG');
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const all = chunks(buffer);
  const ihdr = all[0];
  if (ihdr?.type !== 'IHDR') throw new Error('PNG without IHDR');
  // A file cut short would otherwise be "repaired" into a shorter, silently broken PNG.
  if (all.at(-1)?.type !== 'IEND') throw new Error('PNG without IEND');
  const parts: Buffer[] = [SIGNATURE, buffer.subarray(ihdr.start, ihdr.end), encodeTextChunk(keyword, text)];
  for (const chunk of all.slice(1)) {
    if (TEXT_TYPES.has(chunk.type) && decodeKeyword(chunk.data) === keyword) continue;
    parts.push(buffer.subarray(chunk.start, chunk.end));
  }
  return Buffer.concat(parts);
}

const decodeKeyword = (data: Buffer): string => {
  const nul = data.indexOf(0);
  return nul <= 0 ? '' : data.toString('latin1', 0, nul);
};
