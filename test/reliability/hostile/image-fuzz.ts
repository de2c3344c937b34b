/**
 * Part 2 of the hostile-input suite: mutated PNG, JPEG and WebP files through poses.import (dispatchCall,
 * uploads as the browser host sends them). Each must be answered within 10 s, without a crash, either
 * imported (its exact bytes stored, and decodable by sharp under the app's decode policy) or refused with
 * a reason; a refused file leaves nothing behind in the project.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { decodeOptions } from '../../../src/images/decode-policy';
import { MemoryStore } from '../../../src/secrets/memory-store';
import { dispatchCall } from '../../../src/services/dispatch';
import { createAppRuntime } from '../../../src/services/runtime';
import { makePoseSheet } from '../../fakes/pose-sheet';
import { Prng, inputSeed } from '../common/prng';
import { diffTrees, sameTree, snapshotTree } from '../common/tree';
import { describe, withTimeout } from './contract-fuzz';

export type Format = 'png' | 'jpeg' | 'webp';

export interface ImageFigures {
  files: number;
  byFormat: Record<Format, number>;
  imported: number;
  refused: number;
  crashes: number;
  hangs: number;
  /** Imported but not decodable by sharp, or not stored byte for byte. */
  badImports: number;
  /** Refused without a reason (no code, no message), or with INTERNAL. */
  unexplained: number;
  filesWrittenByRefused: number;
  reasons: Map<string, number>;
  slowestMs: number;
  problems: string[];
}

const TIMEOUT_MS = 10_000;

// -- base images ---------------------------------------------------------------------------------------

async function baseImages(): Promise<{ format: Format; bytes: Buffer }[]> {
  const sheet = await makePoseSheet();
  const wide = await makePoseSheet({
    width: 200,
    height: 96,
    figures: [
      { x: 10, y: 8, width: 30, height: 80 },
      { x: 80, y: 8, width: 30, height: 80 },
      { x: 150, y: 8, width: 30, height: 80 },
    ],
  });
  const photo = sharp({
    create: { width: 120, height: 90, channels: 4, background: { r: 200, g: 80, b: 40, alpha: 0.6 } },
  });
  const out: { format: Format; bytes: Buffer }[] = [];
  for (const src of [sheet, wide]) {
    out.push({ format: 'png', bytes: src });
    out.push({ format: 'png', bytes: await sharp(src).png({ progressive: true }).toBuffer() });
    out.push({ format: 'png', bytes: await sharp(src).png({ palette: true, colours: 8 }).toBuffer() });
    out.push({ format: 'jpeg', bytes: await sharp(src).jpeg({ quality: 85 }).toBuffer() });
    out.push({ format: 'jpeg', bytes: await sharp(src).jpeg({ progressive: true }).toBuffer() });
    out.push({ format: 'jpeg', bytes: await sharp(src).withMetadata({ orientation: 6 }).jpeg().toBuffer() });
    out.push({ format: 'webp', bytes: await sharp(src).webp({ quality: 80 }).toBuffer() });
    out.push({ format: 'webp', bytes: await sharp(src).webp({ lossless: true }).toBuffer() });
  }
  out.push({ format: 'png', bytes: await photo.clone().png().toBuffer() });
  out.push({ format: 'png', bytes: await sharp(sheet).png().toColourspace('rgb16').toBuffer() });
  out.push({
    format: 'jpeg',
    bytes: await photo.clone().flatten({ background: '#fff' }).greyscale().jpeg().toBuffer(),
  });
  out.push({ format: 'webp', bytes: await photo.clone().webp({ alphaQuality: 50 }).toBuffer() });
  return out;
}

// -- mutations -------------------------------------------------------------------------------------

function pngChunk(type: string, data: Uint8Array): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** Rewrites PNG chunk `index`'s CRC so a changed chunk still passes the checksum (reaching the decoder). */
function fixPngCrcs(b: Buffer): Buffer {
  let at = 8;
  while (at + 12 <= b.length) {
    const len = b.readUInt32BE(at);
    if (at + 12 + len > b.length) break;
    b.writeUInt32BE(crc32(b.subarray(at + 4, at + 8 + len)), at + 8 + len);
    at += 12 + len;
  }
  return b;
}

const bombs = new Map<number, Buffer>();
/**
 * A decompression bomb: an 8000-wide greyscale PNG whose IDAT (a few KB) inflates to 40 MB of rows; with
 * `height` 12,000 the header claims more rows than there are. Made once per height.
 */
function zlibBomb(height: number): Buffer {
  const made = bombs.get(height);
  if (made) return made;
  const width = 8000;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 0;
  const raw = Buffer.alloc((width + 1) * Math.min(height, 5000));
  const bytes = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw, { level: 9 })),
    pngChunk('IEND', new Uint8Array()),
  ]);
  bombs.set(height, bytes);
  return bytes;
}

const EXTREMES = [0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff];

function generic(rng: Prng, src: Buffer): { what: string; bytes: Buffer } {
  const b = Buffer.from(src);
  switch (rng.int(0, 10)) {
    case 0: {
      const n = rng.int(1, 24);
      for (let i = 0; i < n; i++) {
        const at = rng.int(0, b.length - 1);
        b[at] = (b[at] ?? 0) ^ (1 << rng.int(0, 7));
      }
      return { what: `${n} bit flips`, bytes: b };
    }
    case 1: {
      const n = rng.int(1, 16);
      for (let i = 0; i < n; i++) b[rng.int(0, Math.min(b.length, 600) - 1)] = rng.int(0, 255);
      return { what: `${n} header bytes overwritten`, bytes: b };
    }
    case 2: {
      const cut = rng.int(0, b.length - 1);
      return { what: `truncated at ${cut}/${b.length}`, bytes: b.subarray(0, cut) };
    }
    case 3: {
      const extra = Buffer.alloc(rng.pick([1, 100, 10_000, 300_000]), rng.int(0, 255));
      return { what: `${extra.length} bytes appended`, bytes: Buffer.concat([b, extra]) };
    }
    case 4: {
      const from = rng.int(0, b.length - 1);
      const to = Math.min(b.length, from + rng.int(1, 400));
      return {
        what: `bytes ${from}..${to} removed`,
        bytes: Buffer.concat([b.subarray(0, from), b.subarray(to)]),
      };
    }
    case 5: {
      const from = rng.int(0, b.length - 1);
      const to = Math.min(b.length, from + rng.int(1, 400));
      const times = rng.int(2, 50);
      return {
        what: `bytes ${from}..${to} repeated ${times}x`,
        bytes: Buffer.concat([
          b.subarray(0, to),
          ...Array.from({ length: times }, () => b.subarray(from, to)),
          b.subarray(to),
        ]),
      };
    }
    case 6: {
      const at = rng.int(0, b.length);
      const junk = Buffer.from(Array.from({ length: rng.int(1, 64) }, () => rng.int(0, 255)));
      return {
        what: `${junk.length} random bytes inserted at ${at}`,
        bytes: Buffer.concat([b.subarray(0, at), junk, b.subarray(at)]),
      };
    }
    case 7: {
      if (b.length < 4) return { what: 'empty', bytes: Buffer.alloc(0) };
      const at = rng.int(0, b.length - 4);
      const value = rng.pick(EXTREMES);
      if (rng.chance(0.5)) b.writeUInt32BE(value >>> 0, at);
      else b.writeUInt16BE(value & 0xffff, Math.min(at, b.length - 2));
      return { what: `integer at ${at} set to ${value}`, bytes: b };
    }
    case 8: {
      const at = rng.int(0, b.length - 1);
      b.fill(rng.pick([0, 0xff]), at, Math.min(b.length, at + rng.int(1, 2000)));
      return { what: `a run of bytes from ${at} filled`, bytes: b };
    }
    case 9:
      return { what: 'empty', bytes: Buffer.alloc(0) };
    default: {
      const half = rng.int(1, b.length - 1);
      return {
        what: `reversed from ${half}`,
        bytes: Buffer.concat([b.subarray(0, half), Buffer.from(b.subarray(half)).reverse()]),
      };
    }
  }
}

function pngSpecific(rng: Prng, src: Buffer): { what: string; bytes: Buffer } {
  const b = Buffer.from(src);
  switch (rng.int(0, 7)) {
    case 0: {
      const w = rng.pick([0, 1, 65_535, 100_000, 0x7fffffff, 0xffffffff]);
      const h = rng.pick([0, 1, 65_535, 100_000, 0x7fffffff]);
      b.writeUInt32BE(w >>> 0, 16);
      b.writeUInt32BE(h >>> 0, 20);
      return { what: `IHDR ${w}x${h} (CRC fixed)`, bytes: fixPngCrcs(b) };
    }
    case 1:
      b[24] = rng.pick([0, 3, 5, 7, 16, 32, 255]);
      b[25] = rng.pick([1, 5, 7, 8, 255]);
      return { what: `IHDR depth ${b[24]} colour ${b[25]} (CRC fixed)`, bytes: fixPngCrcs(b) };
    case 2: {
      // A chunk whose length field claims far more than is there.
      b.writeUInt32BE(rng.pick([0x7fffffff, 0xffffffff, b.length * 4]) >>> 0, 33);
      return { what: 'second chunk length huge', bytes: b };
    }
    case 3: {
      const text = pngChunk('tEXt', Buffer.from('Comment\0' + 'x'.repeat(100)));
      const many = Array.from({ length: rng.pick([100, 5000]) }, () => text);
      return {
        what: `${many.length} tEXt chunks`,
        bytes: Buffer.concat([b.subarray(0, 33), ...many, b.subarray(33)]),
      };
    }
    case 4: {
      const h = rng.pick([5000, 12_000]);
      return { what: `zlib bomb 8000x${h}`, bytes: zlibBomb(h) };
    }
    case 5:
      return { what: 'IEND removed', bytes: b.subarray(0, Math.max(8, b.length - 12)) };
    case 6:
      return {
        what: 'IHDR twice',
        bytes: Buffer.concat([b.subarray(0, 33), b.subarray(8, 33), b.subarray(33)]),
      };
    default: {
      // acTL: an animated PNG claiming many frames.
      const actl = Buffer.alloc(8);
      actl.writeUInt32BE(rng.pick([1, 0xffffffff]), 0);
      return {
        what: 'acTL inserted',
        bytes: Buffer.concat([b.subarray(0, 33), pngChunk('acTL', actl), b.subarray(33)]),
      };
    }
  }
}

function findMarker(b: Buffer, markers: number[]): number {
  for (let i = 2; i + 1 < b.length; i++) if (b[i] === 0xff && markers.includes(b[i + 1] ?? 0)) return i;
  return -1;
}

function jpegSpecific(rng: Prng, src: Buffer): { what: string; bytes: Buffer } {
  const b = Buffer.from(src);
  const sof = findMarker(b, [0xc0, 0xc1, 0xc2]);
  switch (rng.int(0, 6)) {
    case 0:
      if (sof > 0) {
        const h = rng.pick([0, 1, 65_535]);
        const w = rng.pick([0, 1, 65_535]);
        b.writeUInt16BE(h, sof + 5);
        b.writeUInt16BE(w, sof + 7);
        return { what: `SOF ${w}x${h}`, bytes: b };
      }
      return generic(rng, src);
    case 1:
      if (sof > 0) {
        b[sof + 9] = rng.pick([0, 2, 5, 255]);
        return { what: `SOF components ${b[sof + 9]}`, bytes: b };
      }
      return generic(rng, src);
    case 2:
      return { what: 'EOI removed', bytes: b.subarray(0, b.length - 2) };
    case 3: {
      const sos = findMarker(b, [0xda]);
      const cut = sos > 0 ? rng.int(sos, b.length - 1) : rng.int(0, b.length - 1);
      return { what: `cut inside the scan at ${cut}`, bytes: b.subarray(0, cut) };
    }
    case 4: {
      const app = Buffer.from([0xff, 0xe1, 0xff, 0xff]);
      return {
        what: 'APP1 claiming 64 KB',
        bytes: Buffer.concat([b.subarray(0, 2), app, Buffer.alloc(100), b.subarray(2)]),
      };
    }
    case 5: {
      const dqt = findMarker(b, [0xdb]);
      if (dqt > 0) {
        const seg = b.subarray(dqt, dqt + 2 + b.readUInt16BE(dqt + 2));
        return {
          what: '2000 DQT segments',
          bytes: Buffer.concat([
            b.subarray(0, dqt),
            ...Array.from({ length: 2000 }, () => seg),
            b.subarray(dqt),
          ]),
        };
      }
      return generic(rng, src);
    }
    default: {
      // An EXIF block with an orientation beyond 1..8 and an IFD offset that points far away.
      const tiff = Buffer.from([
        0x4d,
        0x4d,
        0x00,
        0x2a,
        0x00,
        0x00,
        0x00,
        0x08,
        0x00,
        0x01,
        0x01,
        0x12,
        0x00,
        0x03,
        0x00,
        0x00,
        0x00,
        0x01,
        0x00,
        rng.pick([0, 9, 255]),
        0x00,
        0x00,
        0xff,
        0xff,
        0xff,
        0xff,
      ]);
      const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
      const len = Buffer.alloc(2);
      len.writeUInt16BE(body.length + 2);
      return {
        what: 'EXIF orientation out of range',
        bytes: Buffer.concat([b.subarray(0, 2), Buffer.from([0xff, 0xe1]), len, body, b.subarray(2)]),
      };
    }
  }
}

function webpSpecific(rng: Prng, src: Buffer): { what: string; bytes: Buffer } {
  const b = Buffer.from(src);
  const fourcc = b.subarray(12, 16).toString('latin1');
  switch (rng.int(0, 4)) {
    case 0:
      b.writeUInt32LE(rng.pick([0, 4, 0x7fffffff, 0xffffffff, b.length * 3]) >>> 0, 4);
      return { what: 'RIFF size wrong', bytes: b };
    case 1:
      b.writeUInt32LE(rng.pick([0, 0x7fffffff, 0xffffffff]) >>> 0, 16);
      return { what: `${fourcc} chunk size wrong`, bytes: b };
    case 2:
      if (fourcc === 'VP8 ' && b.length > 30) {
        b.writeUInt16LE(0x3fff, 26);
        b.writeUInt16LE(0x3fff, 28);
        return { what: 'VP8 frame 16383x16383', bytes: b };
      }
      if (fourcc === 'VP8L' && b.length > 25) {
        b.writeUInt32LE(0xffffffff, 21);
        return { what: 'VP8L size bits all set', bytes: b };
      }
      return generic(rng, src);
    case 3: {
      // A VP8X header claiming a huge canvas in front of the real image.
      const vp8x = Buffer.alloc(18);
      vp8x.write('VP8X', 0, 'latin1');
      vp8x.writeUInt32LE(10, 4);
      vp8x[8] = rng.pick([0, 0x10, 0x02, 0xff]);
      vp8x.writeUIntLE(0xffffff, 12, 3);
      vp8x.writeUIntLE(0xffffff, 15, 3);
      const body = Buffer.concat([Buffer.from('WEBP', 'latin1'), vp8x, b.subarray(12)]);
      const head = Buffer.from('RIFF\0\0\0\0', 'latin1');
      head.writeUInt32LE(body.length, 4);
      return { what: 'VP8X canvas 16777216²', bytes: Buffer.concat([head, body]) };
    }
    default:
      b.write(rng.pick(['VP8X', 'ANIM', 'ALPH', 'XXXX']), 12, 'latin1');
      return { what: 'first chunk renamed', bytes: b };
  }
}

/** One mutant of `base`: a generic or a format-aware mutation, sometimes followed by another or a splice. */
function makeMutant(
  rng: Prng,
  base: { format: Format; bytes: Buffer },
  bases: readonly { format: Format; bytes: Buffer }[],
): { what: string; bytes: Buffer } {
  let mutation = rng.chance(0.55)
    ? generic(rng, base.bytes)
    : base.format === 'png'
      ? pngSpecific(rng, base.bytes)
      : base.format === 'jpeg'
        ? jpegSpecific(rng, base.bytes)
        : webpSpecific(rng, base.bytes);
  if (rng.chance(0.15)) {
    const other = rng.pick(bases).bytes;
    const again = generic(rng, mutation.bytes);
    mutation = rng.chance(0.5)
      ? { what: `${mutation.what}, then ${again.what}`, bytes: again.bytes }
      : {
          what: `${mutation.what}, spliced with another file`,
          bytes: Buffer.concat([
            mutation.bytes.subarray(0, mutation.bytes.length >> 1),
            other.subarray(other.length >> 1),
          ]),
        };
  }
  return mutation;
}

// -- the run -----------------------------------------------------------------------------------------

export const emptyImageFigures = (): ImageFigures => ({
  files: 0,
  byFormat: { png: 0, jpeg: 0, webp: 0 },
  imported: 0,
  refused: 0,
  crashes: 0,
  hangs: 0,
  badImports: 0,
  unexplained: 0,
  filesWrittenByRefused: 0,
  reasons: new Map(),
  slowestMs: 0,
  problems: [],
});

/** Files `from` to `to` - 1, each mutated with its own generator (seed, n); see runContractFuzz. */
export async function runImageFuzz(options: {
  seed: number;
  from: number;
  to: number;
  dir: string;
  onInput: (n: number, what: string) => void;
  onHang: (n: number, figures: ImageFigures) => Promise<never>;
}): Promise<ImageFigures> {
  const figures = emptyImageFigures();

  const bases = await baseImages();
  const runtime = await createAppRuntime({
    userDataDir: join(options.dir, 'user-data'),
    platform: { shell: 'browser' },
    secrets: new MemoryStore(),
    appVersion: 'hostile-suite',
    runQueue: false,
  });
  const call = (name: string, input: unknown) => dispatchCall(runtime.handlers, name, input);
  let projectDir = '';
  let libraryId = '';
  let projectNo = 0;
  let inProject = 0;
  const newProject = async () => {
    projectDir = join(options.dir, `images-${options.from}-${projectNo++}`);
    const created = await call('projects.create', { dir: projectDir, name: 'Image fuzz' });
    if (!created.ok) throw new Error(`projects.create failed: ${created.error.message}`);
    const library = await call('poses.createLibrary', { name: 'Mutants' });
    if (!library.ok) throw new Error(`poses.createLibrary failed: ${library.error.message}`);
    libraryId = (library.value as { id: string }).id;
    inProject = 0;
    // Opening warms the index in the background: wait until the folder stops changing.
    let snap = await snapshotTree(projectDir, ignoreLock);
    for (let i = 0; i < 40; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      const again = await snapshotTree(projectDir, ignoreLock);
      if (sameTree(snap, again)) break;
      snap = again;
    }
  };
  const ignoreLock = (rel: string) => rel.endsWith('lock.json');
  await newProject();

  for (let i = options.from; i < options.to; i++) {
    // A fresh project now and then keeps the per-file snapshot small.
    if (inProject >= 150) await newProject();
    const rng = new Prng(inputSeed(options.seed, i));
    const base = rng.pick(bases);
    let mutation: { what: string; bytes: Buffer };
    try {
      mutation = makeMutant(rng, base, bases);
    } catch (error) {
      // The suite's own mistake, not the app's: reported (the run fails) and the input skipped.
      figures.problems.push(`suite error making input ${i}: ${(error as Error).stack ?? String(error)}`);
      continue;
    }
    const name = `mutant-${i}.${base.format === 'jpeg' ? 'jpg' : base.format}`;
    const label = `${name} (${base.format}, ${mutation.what}, ${mutation.bytes.length} bytes)`;
    figures.files++;
    figures.byFormat[base.format]++;
    options.onInput(i, label);

    const before = await snapshotTree(projectDir, ignoreLock);
    const t0 = Date.now();
    let answer: Awaited<ReturnType<typeof call>> | 'hang';
    try {
      answer = await withTimeout(
        call('poses.import', {
          libraryId,
          sources: [{ name, dataBase64: mutation.bytes.toString('base64') }],
        }),
        TIMEOUT_MS,
      );
    } catch (error) {
      figures.crashes++;
      figures.problems.push(`crash: ${label}: ${(error as Error)?.stack ?? String(error)}`);
      continue;
    }
    figures.slowestMs = Math.max(figures.slowestMs, Date.now() - t0);
    if (answer === 'hang') {
      figures.hangs++;
      figures.problems.push(`hang: ${label} was not answered in ${TIMEOUT_MS} ms`);
      return options.onHang(i, figures);
    }
    const reason = (r: string) => figures.reasons.set(r, (figures.reasons.get(r) ?? 0) + 1);
    if (!answer.ok) {
      // An empty upload is refused by the contract itself (dataBase64 must not be empty).
      figures.refused++;
      reason(`${answer.error.code} (the call)`);
      if (answer.error.code === 'INTERNAL' || !answer.error.message) {
        figures.unexplained++;
        figures.problems.push(`refused without a reason: ${label}: ${describe(answer.error)}`);
      }
    } else {
      const report = answer.value as {
        imported: { image: { file: string; sha256: string } }[];
        failed: { code: string; reason?: string; message: string }[];
        duplicates: { message: string }[];
      };
      const pose = report.imported[0];
      if (pose) {
        figures.imported++;
        inProject++;
        reason('imported');
        const stored = await readFile(join(projectDir, ...pose.image.file.split('/'))).catch(() => null);
        const decodes = stored
          ? await sharp(stored, decodeOptions())
              .raw()
              .toBuffer()
              .then(
                () => true,
                () => false,
              )
          : false;
        if (!stored || !stored.equals(mutation.bytes) || !decodes) {
          figures.badImports++;
          figures.problems.push(
            `imported but ${!stored ? 'not stored' : !stored.equals(mutation.bytes) ? 'not stored byte for byte' : 'not decodable by sharp'}: ${label}`,
          );
        }
        continue;
      }
      figures.refused++;
      const failure = report.failed[0];
      const duplicate = report.duplicates[0];
      if (failure) {
        reason(failure.reason ?? failure.code);
        if (
          failure.code === 'INTERNAL' ||
          !failure.message ||
          (!failure.reason && failure.code === 'IMAGE_REJECTED')
        ) {
          figures.unexplained++;
          figures.problems.push(`refused without a reason: ${label}: ${describe(failure)}`);
        }
      } else if (duplicate) reason('duplicate');
      else {
        figures.unexplained++;
        figures.problems.push(`neither imported nor refused: ${label}: ${describe(report)}`);
      }
    }
    const after = await snapshotTree(projectDir, ignoreLock);
    if (!sameTree(before, after)) {
      figures.filesWrittenByRefused++;
      figures.problems.push(
        `a refused file left something behind: ${label}: ${diffTrees(before, after).slice(0, 5).join(', ')}`,
      );
    }
  }
  await runtime.dispose();
  return figures;
}
