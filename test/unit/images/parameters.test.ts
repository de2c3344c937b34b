import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/domain/errors';
import {
  embedParameters,
  formatA1111Parameters,
  parseA1111Parameters,
  readParameters,
} from '../../../src/images';
import { makeImage } from '../../fixtures-gen/simple-images';

const v1Text = formatA1111Parameters({
  prompt: '((masterpiece, best quality)), character sheet, young girl, white sweater',
  negativePrompt: 'text, watermark, blurry',
  steps: 20,
  sampler: 'dpmpp_2m',
  scheduler: 'karras',
  cfg: 7,
  seed: 4898558797,
  size: { width: 2048, height: 1024 },
  model: 'consistent-character-ai-neolemon',
  extra: { 'Upscale by': 2, 'Segmind request id': 'req-1', Note: 'pose: jumping, left' },
});

const unicodeText = 'Zoë in a café, 日本の着物, ✨ sparkles ✨\nNegative prompt: ぼかし\nSteps: 20, Seed: 1';

const rawPixels = async (bytes: Buffer) => (await sharp(bytes).raw().toBuffer()).toString('base64');

describe('formatA1111Parameters', () => {
  it('writes the standard A1111 layout', () => {
    expect(v1Text).toBe(
      '((masterpiece, best quality)), character sheet, young girl, white sweater\n' +
        'Negative prompt: text, watermark, blurry\n' +
        'Steps: 20, Sampler: dpmpp_2m, Schedule type: karras, CFG scale: 7, Seed: 4898558797, Size: 2048x1024, ' +
        'Model: consistent-character-ai-neolemon, Upscale by: 2, Segmind request id: req-1, Note: "pose: jumping, left"',
    );
  });

  it('leaves out what is not given', () => {
    expect(formatA1111Parameters({ prompt: 'a cat', steps: 4, size: '512x512' })).toBe(
      'a cat\nSteps: 4, Size: 512x512',
    );
  });

  it('parses back the way A1111 does, unquoting values', () => {
    expect(parseA1111Parameters(v1Text)).toEqual({
      prompt: '((masterpiece, best quality)), character sheet, young girl, white sweater',
      negativePrompt: 'text, watermark, blurry',
      settings: {
        Steps: '20',
        Sampler: 'dpmpp_2m',
        'Schedule type': 'karras',
        'CFG scale': '7',
        Seed: '4898558797',
        Size: '2048x1024',
        Model: 'consistent-character-ai-neolemon',
        'Upscale by': '2',
        'Segmind request id': 'req-1',
        Note: 'pose: jumping, left',
      },
    });
  });
});

describe('embedParameters / readParameters: PNG', () => {
  it('round-trips Latin-1 text as tEXt and Unicode as iTXt, readable by libvips too', async () => {
    const png = await makeImage('png', 120, 80);
    for (const [text, chunk] of [
      [v1Text, 'tEXt'],
      [unicodeText, 'iTXt'],
    ] as const) {
      const out = embedParameters(png, text, { format: 'png' });
      expect(readParameters(out)).toBe(text);
      expect(out.includes(Buffer.from(`${chunk}parameters`, 'latin1'))).toBe(true);
      // An independent reader: libvips' PNG loader (through sharp) finds the same text.
      const comments = (await sharp(out).metadata()).comments ?? [];
      expect(comments).toContainEqual({ keyword: 'parameters', text });
      expect(await rawPixels(out)).toBe(await rawPixels(png)); // pixels untouched
    }
  });

  it('replaces earlier parameters rather than adding a second set', async () => {
    const png = await makeImage('png');
    const twice = embedParameters(embedParameters(png, 'first', { format: 'png' }), 'second', {
      format: 'png',
    });
    expect(readParameters(twice)).toBe('second');
    expect(twice.toString('latin1').split('parameters').length - 1).toBe(1);
  });

  it('reads compressed zTXt parameters written by other tools', async () => {
    const png = await makeImage('png', 20, 20);
    const data = Buffer.concat([
      Buffer.from('parameters\0\0', 'latin1'),
      deflateSync(Buffer.from('squeezed', 'latin1')),
    ]);
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length);
    head.write('zTXt', 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])));
    const withZtxt = Buffer.concat([png.subarray(0, 33), head, data, crc, png.subarray(33)]);
    expect(readParameters(withZtxt)).toBe('squeezed');
  });

  it('refuses bytes of another format and a PNG cut short', async () => {
    const jpeg = await makeImage('jpeg');
    expect(() => embedParameters(jpeg, 'x', { format: 'png' })).toThrow(AppError);
    const png = await makeImage('png');
    expect(() => embedParameters(png.subarray(0, png.length - 20), 'x', { format: 'png' })).toThrow(AppError);
  });
});

describe('embedParameters / readParameters: JPEG', () => {
  it('round-trips text (Unicode included) as an A1111 EXIF UserComment, pixels untouched', async () => {
    const jpeg = await makeImage('jpeg', 160, 90);
    for (const text of [v1Text, unicodeText]) {
      const out = embedParameters(jpeg, text, { format: 'jpeg' });
      expect(readParameters(out)).toBe(text);
      // The A1111/piexif layout: Exif APP1, big-endian TIFF, "UNICODE\0" then UTF-16BE.
      const utf16be = Buffer.from(text, 'utf16le').swap16();
      expect(out.includes(Buffer.concat([Buffer.from('UNICODE\0', 'latin1'), utf16be]))).toBe(true);
      expect(out.includes(Buffer.from('Exif\0\0MM\0*', 'latin1'))).toBe(true);
      const meta = await sharp(out).metadata();
      expect(meta.exif).toBeDefined(); // libvips parses the EXIF block we wrote
      expect(await rawPixels(out)).toBe(await rawPixels(jpeg));
    }
  });

  it('keeps JFIF first and replaces an earlier EXIF block', async () => {
    const withExif = await sharp(await makeImage('jpeg'))
      .withExif({ IFD0: { Copyright: 'someone' } })
      .jpeg()
      .toBuffer();
    expect(withExif.subarray(2, 4)).toEqual(Buffer.from([0xff, 0xe1])); // libvips writes EXIF, no JFIF
    // Put a JFIF APP0 in front, as cameras and most editors do.
    const jfif = Buffer.from([0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
    const input = Buffer.concat([withExif.subarray(0, 2), jfif, withExif.subarray(2)]);

    const out = embedParameters(input, 'mine', { format: 'jpeg' });
    expect(out.subarray(2, 4)).toEqual(Buffer.from([0xff, 0xe0])); // APP0 (JFIF) still first
    expect(out.subarray(2 + jfif.length, 4 + jfif.length)).toEqual(Buffer.from([0xff, 0xe1])); // then ours
    expect(out.toString('latin1').split('Exif\0\0').length - 1).toBe(1);
    expect(out.includes(Buffer.from('someone'))).toBe(false);
    expect(readParameters(out)).toBe('mine');
    expect(await rawPixels(out)).toBe(await rawPixels(input));
  });

  it('decodes a little-endian UserComment with the byte order of its TIFF block', () => {
    const text = 'héllo';
    const comment = Buffer.concat([Buffer.from('UNICODE\0', 'latin1'), Buffer.from(text, 'utf16le')]);
    const tiff = Buffer.alloc(44 + comment.length);
    tiff.write('II', 0, 'latin1');
    tiff.writeUInt16LE(42, 2);
    tiff.writeUInt32LE(8, 4);
    tiff.writeUInt16LE(1, 8);
    tiff.writeUInt16LE(0x8769, 10);
    tiff.writeUInt16LE(4, 12);
    tiff.writeUInt32LE(1, 14);
    tiff.writeUInt32LE(26, 18);
    tiff.writeUInt16LE(1, 26);
    tiff.writeUInt16LE(0x9286, 28);
    tiff.writeUInt16LE(7, 30);
    tiff.writeUInt32LE(comment.length, 32);
    tiff.writeUInt32LE(44, 36);
    comment.copy(tiff, 44);
    const app1 = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
    const segment = Buffer.concat([Buffer.from([0xff, 0xe1, 0, 0]), app1]);
    segment.writeUInt16BE(app1.length + 2, 2);
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8]), segment, Buffer.from([0xff, 0xd9])]);
    expect(readParameters(jpeg)).toBe(text);
  });

  it('refuses a PNG as JPEG and never throws when reading garbage', async () => {
    const png = await makeImage('png');
    expect(() => embedParameters(png, 'x', { format: 'jpeg' })).toThrow(AppError);
    expect(readParameters(Buffer.from('garbage'))).toBeUndefined();
    expect(readParameters(await makeImage('jpeg'))).toBeUndefined();
    expect(readParameters(Buffer.from([0xff, 0xd8, 0xff, 0xe1, 0x00, 0x40, 0x45]))).toBeUndefined();
  });
});
