/**
 * Archives from elsewhere that must not get in: each is refused as a whole with a clear AppError, and
 * nothing is left behind (no target folder, no temp folder, no file outside the target). Real zips on
 * disk (written byte by byte where no library would write them), real sharp for the image check.
 */
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ZipFile } from 'yazl';
import { isAppError } from '../../../src/domain';
import { importProjectArchive, type ArchiveLimits } from '../../../src/library/archive';
import { makeImage } from '../../fixtures-gen/simple-images';
import { useTempDirs } from '../../helpers/temp-dir';
import { projectJson, rawZip, type RawEntry } from './hostile-zips';
import { makeRealProject, startRuntime } from './support';

const tempDir = useTempDirs();

interface Refusal {
  code: string;
  reason?: string;
  message: RegExp;
}

/** Imports `zip` into <work>/dest/Project and expects `refusal`; then <work>/dest must be as it was: empty. */
async function expectRefused(
  zip: Buffer,
  refusal: Refusal,
  limits?: Partial<ArchiveLimits>,
): Promise<string> {
  const work = await tempDir();
  const file = join(work, 'from elsewhere.zip');
  await writeFile(file, zip);
  await mkdir(join(work, 'dest'));
  const error = await importProjectArchive(file, join(work, 'dest', 'Project'), { limits }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isAppError(error), String(error)).toBe(true);
  expect(error).toMatchObject({ code: refusal.code, message: expect.stringMatching(refusal.message) });
  if (refusal.reason) expect(error).toMatchObject({ detail: { reason: refusal.reason } });
  expect(await readdir(join(work, 'dest'))).toEqual([]);
  expect((await readdir(work)).sort()).toEqual(['dest', 'from elsewhere.zip']);
  return work;
}

const tinyPng = () => makeImage('png', 32, 24);

describe('project archives from elsewhere: refused, and nothing left behind', () => {
  it('refuses an entry with .. that would land outside the folder', async () => {
    const work = await expectRefused(
      rawZip([projectJson(), { name: 'results/../../escaped.txt', data: Buffer.from('x') }]),
      { code: 'INVALID_INPUT', reason: 'unsafe-entry', message: /outside the project folder/ },
    );
    expect(await stat(join(work, 'escaped.txt')).catch(() => null)).toBeNull();
    await expectRefused(rawZip([projectJson(), { name: '../escaped.txt', data: Buffer.from('x') }]), {
      code: 'INVALID_INPUT',
      reason: 'unsafe-entry',
      message: /outside the project folder/,
    });
    // A Windows separator is a separator too.
    await expectRefused(rawZip([projectJson(), { name: '..\\escaped.txt', data: Buffer.from('x') }]), {
      code: 'INVALID_INPUT',
      reason: 'unsafe-entry',
      message: /outside the project folder/,
    });
  });

  it('refuses an absolute path', async () => {
    await expectRefused(
      rawZip([projectJson(), { name: '/tmp/ccstudio-escaped.txt', data: Buffer.from('x') }]),
      {
        code: 'INVALID_INPUT',
        reason: 'unsafe-entry',
        message: /outside the project folder \(“\/tmp\/ccstudio-escaped\.txt”\)/,
      },
    );
    expect(await stat('/tmp/ccstudio-escaped.txt').catch(() => null)).toBeNull();
    await expectRefused(rawZip([projectJson(), { name: 'C:/x.txt', data: Buffer.from('x') }]), {
      code: 'INVALID_INPUT',
      reason: 'unsafe-entry',
      message: /outside the project folder/,
    });
  });

  it('refuses a symlink entry, and a device entry', async () => {
    await expectRefused(
      rawZip([
        projectJson(),
        { name: 'results/a.json', data: Buffer.from('/etc/passwd'), unixMode: 0o120777 },
      ]),
      { code: 'INVALID_INPUT', reason: 'unsafe-entry', message: /“results\/a\.json” is a link/ },
    );
    await expectRefused(rawZip([projectJson(), { name: 'dev', unixMode: 0o020644 }]), {
      code: 'INVALID_INPUT',
      reason: 'unsafe-entry',
      message: /device or other special file/,
    });
  });

  it('refuses 10,000 tiny entries: as damaged images, or over the entry cap, or by a count that lies', async () => {
    // 10,000 tiny "images" in a project: the first one checked stops the import.
    const tiny = Array.from({ length: 10_000 }, (_, i) => ({
      name: `results/r${String(i).padStart(5, '0')}.png`,
      data: Buffer.from([0x89, 0x50, 0x4e]),
    }));
    const started = performance.now();
    await expectRefused(rawZip([projectJson(), ...tiny]), {
      code: 'IMAGE_REJECTED',
      message: /“from elsewhere\.zip” was not imported: .*results\/r0000\d\.png/,
    });
    expect(performance.now() - started).toBeLessThan(10_000);
    // 10,000 tiny files of any kind, over an entry cap: refused from the count alone, before reading.
    const notes = Array.from({ length: 10_000 }, (_, i) => ({
      name: `notes/n${i}.txt`,
      data: Buffer.from('.'),
    }));
    await expectRefused(
      rawZip([projectJson(), ...notes]),
      {
        code: 'INVALID_INPUT',
        reason: 'too-many-entries',
        message: /declares 10,001 entries.*at most 5,000/,
      },
      { maxEntries: 5_000 },
    );
    // A central directory that claims a million entries (ZIP64), under the default cap.
    await expectRefused(rawZip([projectJson()], { declaredEntries: 1_000_000 }), {
      code: 'INVALID_INPUT',
      reason: 'too-many-entries',
      message: /declares 1,000,000 entries.*at most 250,000/,
    });
  });

  it('refuses a zip bomb: more data than declared, a huge declared size, a huge ratio, a huge total', async () => {
    const zeros = Buffer.alloc(8 * 1024 * 1024);
    // Declares 100 bytes, inflates to 8 MB: stopped at byte 101.
    await expectRefused(
      rawZip([projectJson(), { name: 'results/a.json', data: zeros, deflate: true, declaredSize: 100 }]),
      {
        code: 'INVALID_INPUT',
        reason: 'size-mismatch',
        message: /different amount of data than it declares/,
      },
    );
    // Declares 3 GB for one file.
    await expectRefused(
      rawZip([
        projectJson(),
        { name: 'results/a.json', data: Buffer.from('{}'), deflate: true, declaredSize: 3 * 1024 ** 3 },
      ]),
      {
        code: 'INVALID_INPUT',
        reason: 'too-large',
        message: /declares 3\.0 GB, more than any file of a project/,
      },
    );
    // Honest sizes, but 8 MB of zeros deflate about a thousand times over.
    await expectRefused(rawZip([projectJson(), { name: 'results/a.json', data: zeros, deflate: true }]), {
      code: 'INVALID_INPUT',
      reason: 'too-large',
      message: /inflates \d+ times over \(a zip bomb/,
    });
    // 400 entries that each declare 190 MB (under the per-file cap, ratio 1): 76 GB in all.
    const big = Array.from({ length: 400 }, (_, i) => ({
      name: `results/big${i}.json`,
      data: Buffer.from('{}'),
      declaredSize: 190 * 1024 * 1024,
      declaredCompressedSize: 190 * 1024 * 1024,
    }));
    await expectRefused(rawZip([projectJson(), ...big]), {
      code: 'INVALID_INPUT',
      reason: 'too-large',
      message: /unpacks to more than 64\.0 GB/,
    });
  });

  it('refuses a damaged image, naming it, after unpacking part of the archive', async () => {
    const good = await makeImage('jpeg', 120, 80);
    const damaged = good.subarray(0, Math.floor(good.length / 2));
    const entries: RawEntry[] = [
      projectJson(),
      { name: 'results/0good.jpg', data: good },
      { name: 'results/0good.json', data: Buffer.from('{}') },
      { name: 'results/1damaged.jpg', data: damaged },
      { name: 'results/2after.json', data: Buffer.from('{}') },
    ];
    await expectRefused(rawZip(entries), {
      code: 'IMAGE_REJECTED',
      message: /was not imported: “results\/1damaged\.jpg”/,
    });
    // Not an image at all, under an image's name, in a pose library.
    await expectRefused(
      rawZip([projectJson(), { name: 'poses/lib/pose.png', data: Buffer.from('%PDF-1.7 not a picture') }]),
      { code: 'IMAGE_REJECTED', message: /“poses\/lib\/pose\.png” is a PDF|“poses\/lib\/pose\.png”/ },
    );
  });

  it('refuses a truncated or damaged zip', async () => {
    const entries: RawEntry[] = [projectJson(), { name: 'results/a.png', data: await tinyPng() }];
    const whole = rawZip(entries);
    // Cut short: the end record is gone.
    await expectRefused(whole.subarray(0, Math.floor(whole.length * 0.6)), {
      code: 'INVALID_INPUT',
      reason: 'damaged',
      message: /cannot be read as a zip archive: it is damaged or cut short/,
    });
    // A byte of a receipt flipped: its CRC no longer matches (no image check would see it).
    const receipt = rawZip([projectJson(), { name: 'results/a.json', data: Buffer.from('{"rating": 5}') }]);
    const at = receipt.indexOf(Buffer.from('{"rating": 5}')) + 11;
    receipt[at] = '4'.charCodeAt(0);
    await expectRefused(receipt, {
      code: 'INVALID_INPUT',
      reason: 'damaged',
      message: /damaged or cut short \(the checksum of an entry does not match its data\)/,
    });
    // Not a zip at all.
    await expectRefused(Buffer.from('just some text, no zip here'), {
      code: 'INVALID_INPUT',
      reason: 'damaged',
      message: /cannot be read as a zip archive/,
    });
  });

  it('refuses names that collide on a disk that ignores case, and an archive that is not a project', async () => {
    await expectRefused(
      rawZip([
        projectJson(),
        { name: 'notes/A.txt', data: Buffer.from('1') },
        { name: 'notes/a.txt', data: Buffer.from('2') },
      ]),
      { code: 'INVALID_INPUT', reason: 'unsafe-entry', message: /twice/ },
    );
    await expectRefused(rawZip([{ name: 'notes/a.txt', data: Buffer.from('1') }]), {
      code: 'INVALID_INPUT',
      reason: 'not-a-project',
      message: /not a project archive: there is no project\.json/,
    });
    await expectRefused(rawZip([{ name: 'project.json', data: Buffer.from('{"not": "a project"}') }]), {
      code: 'INVALID_INPUT',
      reason: 'not-a-project',
      message: /its project\.json cannot be used/,
    });
  });

  it('refuses a target folder that is not empty up front, and keeps an empty one as it was on failure', async () => {
    const work = await tempDir();
    const file = join(work, 'a.zip');
    await writeFile(file, rawZip([projectJson(), { name: 'results/x.png', data: Buffer.from('no') }]));
    const full = join(work, 'full');
    await mkdir(full);
    await writeFile(join(full, 'mine.txt'), 'keep me');
    await expect(importProjectArchive(file, full)).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
      message: expect.stringMatching(/is not empty/),
    });
    expect(await readdir(full)).toEqual(['mine.txt']);
    expect(await readFile(join(full, 'mine.txt'), 'utf8')).toBe('keep me');

    const empty = join(work, 'empty');
    await mkdir(empty);
    await expect(importProjectArchive(file, empty)).rejects.toMatchObject({ code: 'IMAGE_REJECTED' });
    expect(await readdir(empty)).toEqual([]);
    expect((await readdir(work)).sort()).toEqual(['a.zip', 'empty', 'full']);

    // Folders the import had to make on the way to the target are removed again.
    await expect(importProjectArchive(file, join(work, 'new', 'deeper', 'P'))).rejects.toMatchObject({
      code: 'IMAGE_REJECTED',
    });
    expect((await readdir(work)).sort()).toEqual(['a.zip', 'empty', 'full']);
  });

  it('says so through the contract as data, and imports a folder zipped by hand with its top folder', async () => {
    const work = await tempDir();
    const runtime = await startRuntime(join(work, 'user-data'));
    const source = join(work, 'My book');
    await makeRealProject(runtime, source, 4);

    const bad = join(work, 'bad.zip');
    await writeFile(bad, rawZip([projectJson(), { name: '../x', data: Buffer.from('x') }]));
    const refused = await runtime.raw('projects.importArchive', { file: bad, dir: join(work, 'P') });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', detail: { reason: 'unsafe-entry' } },
    });

    // "My book/…" inside the zip, as a file manager's "Compress" makes it, .studio included: skipped.
    const zip = new ZipFile();
    const names = await readdir(source, { recursive: true, withFileTypes: true });
    for (const d of names) {
      if (!d.isFile()) continue;
      const rel = join(d.parentPath, d.name).slice(work.length + 1);
      zip.addFile(join(d.parentPath, d.name), rel);
    }
    const byHand = join(work, 'by hand.zip');
    const done = new Promise<void>((resolve, reject) => {
      const chunks: Buffer[] = [];
      zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
      zip.outputStream.on('end', () => void writeFile(byHand, Buffer.concat(chunks)).then(resolve, reject));
    });
    zip.end();
    await done;
    const report = await runtime.call<{ name: string; skipped: number }>('projects.importArchive', {
      file: byHand,
      dir: join(work, 'Copy'),
    });
    expect(report.name).toBe('Archive round trip');
    expect(report.skipped).toBeGreaterThan(0); // .studio/ entries
    const top = await readdir(join(work, 'Copy'));
    expect(top).toContain('project.json');
    expect(top).toContain('results');
    expect(top).not.toContain('.studio');
    await runtime.rt.dispose();
  });
});
