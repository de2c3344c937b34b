import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256, sha256File, sniffFormat } from '../../../src/images';
import { makeHeicHeader, makePdf } from '../../fixtures-gen/broken-files';
import { makeImage } from '../../fixtures-gen/simple-images';
import { useTempDir } from './temp-dir';

const dir = useTempDir();

describe('sha256', () => {
  it('hashes bytes and streams files to the same digest', async () => {
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 7, 0xab);
    const expected = createHash('sha256').update(bytes).digest('hex');
    expect(sha256(bytes)).toBe(expected);
    const file = join(dir.path, 'blob.bin');
    await writeFile(file, bytes);
    expect(await sha256File(file)).toBe(expected);
    expect(sha256('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

describe('sniffFormat', () => {
  it('recognises every accepted format from its bytes', async () => {
    for (const format of ['png', 'jpeg', 'webp', 'avif', 'tiff', 'gif'] as const) {
      expect(sniffFormat(await makeImage(format, 16, 16))).toEqual({ kind: 'image', format });
    }
  });

  it('tells HEIC from AVIF although both are ISO-BMFF with mif1', () => {
    expect(sniffFormat(makeHeicHeader())).toEqual({ kind: 'heic' });
    const avifAsMif1 = Buffer.concat([
      Buffer.from([0, 0, 0, 0x1c]),
      Buffer.from('ftypmif1\0\0\0\0mif1avifmiaf', 'latin1'),
    ]);
    expect(sniffFormat(avifAsMif1)).toEqual({ kind: 'image', format: 'avif' });
  });

  it('names the non-images people try', () => {
    expect(sniffFormat(makePdf())).toEqual({ kind: 'other', what: 'a PDF document' });
    expect(sniffFormat(Buffer.from('BM\0\0\0\0'))).toMatchObject({ kind: 'other', what: 'a BMP image' });
    expect(sniffFormat(Buffer.from('\uFEFF<?xml version="1.0"?><svg/>'))).toMatchObject({
      what: 'an SVG drawing',
    });
    expect(sniffFormat(Buffer.alloc(0))).toEqual({ kind: 'unknown' });
    expect(sniffFormat(Buffer.from([0xff, 0xd8]))).toEqual({ kind: 'unknown' });
  });
});
