import { crc32, deflateSync } from 'node:zlib';

/**
 * PNGs damaged in ways real files are (a bit flipped in a header chunk, an interrupted save), built
 * byte by byte so each one is exactly the damage named. Each has a valid signature and a header that
 * reads, so only a full decode can tell it is broken.
 */

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Uint8Array, options: { brokenCrc?: boolean } = {}): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE((crc32(body) ^ (options.brokenCrc ? 1 : 0)) >>> 0);
  return Buffer.concat([length, body, crc]);
}

function header(width: number, height: number, colourType: number, interlaced = false): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = colourType; // 2 RGB, 3 palette
  ihdr[12] = interlaced ? 1 : 0; // Adam7
  return ihdr;
}

/** Filtered scanlines (filter type 0) of a gradient with `channels` bytes per pixel. */
function scanlines(width: number, height: number, channels: number): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * channels);
    for (let x = 0; x < width; x++)
      for (let c = 0; c < channels; c++) row[1 + x * channels + c] = (x * 7 + y * 3 + c * 50) & 0xff;
    rows.push(row);
  }
  return Buffer.concat(rows);
}

const END = chunk('IEND', new Uint8Array());
const W = 120;
const H = 80;

/** A sound PNG built the same way, so a test can show the damage, not the builder, is what is refused. */
export const soundPng = (): Buffer =>
  Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header(W, H, 2)),
    chunk('IDAT', deflateSync(scanlines(W, H, 3))),
    END,
  ]);

export const damagedPngs = (): Record<string, Buffer> => {
  const rgb = deflateSync(scanlines(W, H, 3));
  const indexed = deflateSync(scanlines(W, H, 1));
  const palette = Buffer.alloc(256 * 3).map((_, i) => i & 0xff);
  return {
    'header chunk with a broken CRC.png': Buffer.concat([
      SIGNATURE,
      chunk('IHDR', header(W, H, 2), { brokenCrc: true }),
      chunk('IDAT', rgb),
      END,
    ]),
    'palette chunk with a broken CRC.png': Buffer.concat([
      SIGNATURE,
      chunk('IHDR', header(W, H, 3)),
      chunk('PLTE', palette, { brokenCrc: true }),
      chunk('IDAT', indexed),
      END,
    ]),
    'interlaced, image data cut short.png': Buffer.concat([
      SIGNATURE,
      chunk('IHDR', header(W, H, 2, true)),
      chunk('IDAT', rgb.subarray(0, Math.floor(rgb.length / 2))),
      END,
    ]),
    'image data cut short.png': Buffer.concat([
      SIGNATURE,
      chunk('IHDR', header(W, H, 2)),
      chunk('IDAT', rgb.subarray(0, Math.floor(rgb.length / 2))),
      END,
    ]),
  };
};
