import { crc32, deflateSync } from 'node:zlib';

/**
 * Files that must be refused, made on the fly so no binary fixture lives in git. Each one is the
 * smallest thing that reproduces a real-world failure.
 */

function pngChunk(type: string, data: Uint8Array): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A valid 1-bit greyscale PNG of `width` x `height` black pixels. 20000 x 20000 is about 50 KB on disk
 * but 400 MB (or more) once decoded: a decompression bomb. The IDAT really holds every row, so a
 * decoder that trusted it would really allocate and inflate it all.
 */
export function makePngBomb(width = 20_000, height = 20_000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  const rowBytes = 1 + Math.ceil(width / 8); // filter byte + packed pixels, all zero
  const raw = Buffer.alloc(rowBytes * height);
  const idat = deflateSync(raw, { level: 9 });
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', idat),
    pngChunk('IEND', new Uint8Array()),
  ]);
}

/** The first `fraction` of a file, as left by an interrupted download. */
export const truncateBytes = (bytes: Uint8Array, fraction = 0.6): Buffer =>
  Buffer.from(bytes.subarray(0, Math.floor(bytes.length * fraction)));

/** A minimal one-page PDF: what a person gets when they "save as PDF" and rename the file .png. */
export function makePdf(): Buffer {
  return Buffer.from(
    [
      '%PDF-1.4',
      '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
      '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj',
      '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj',
      'trailer << /Root 1 0 R >>',
      '%%EOF',
    ].join('\n'),
    'latin1',
  );
}

/**
 * The start of an iPhone HEIC photo: an `ftyp` box with the `heic` brand, then a stub `meta` box.
 * Enough to be recognised by its magic numbers; no decoder is meant to get further.
 */
export function makeHeicHeader(): Buffer {
  const ftyp = Buffer.concat([
    Buffer.from([0, 0, 0, 0x18]),
    Buffer.from('ftypheic', 'latin1'),
    Buffer.from([0, 0, 0, 0]),
    Buffer.from('mif1heic', 'latin1'),
  ]);
  const meta = Buffer.concat([Buffer.from([0, 0, 0, 0x10]), Buffer.from('meta', 'latin1'), Buffer.alloc(8)]);
  return Buffer.concat([ftyp, meta, Buffer.alloc(256)]);
}
