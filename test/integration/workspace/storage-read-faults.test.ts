// A file that is there but that the disk failed to read (EIO, EBUSY) or refused (EACCES) is never reported
// as missing: only ENOENT/ENOTDIR mean missing. One injected fault per case, on the real files of a real
// project; everything else goes to the real node:fs/promises. Also: an export leaves no hidden temp file
// in the person's folder when removing one fails once.
import { describe, expect, it, vi } from 'vitest';

interface Rule {
  op: string;
  path: RegExp;
  code: string;
  times: number;
}
const faults = vi.hoisted(() => ({ rules: [] as Rule[], fired: [] as string[] }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<Record<string, unknown>>();
  const wrapped: Record<string, unknown> = { ...actual };
  for (const op of ['stat', 'lstat', 'realpath', 'open', 'readFile', 'rm', 'readdir', 'mkdir', 'link']) {
    const real = actual[op] as (...args: unknown[]) => Promise<unknown>;
    wrapped[op] = async (...args: unknown[]) => {
      const path = String(args[0]);
      const rule = faults.rules.find((r) => r.op === op && r.times > 0 && r.path.test(path));
      if (rule) {
        rule.times--;
        faults.fired.push(`${op} ${path}`);
        throw Object.assign(new Error(`${rule.code}: injected, ${op} '${path}'`), {
          code: rule.code,
          errno: -5,
          syscall: op,
          path,
        });
      }
      return real(...args);
    };
  }
  return { ...wrapped, default: wrapped };
});
// The contained reads open files through node:fs's callback `open` (plain descriptors): the same rules.
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<Record<string, unknown>>();
  const realOpen = actual.open as (...args: unknown[]) => void;
  const open = (...args: unknown[]) => {
    const path = String(args[0]);
    const rule = faults.rules.find((r) => r.op === 'open' && r.times > 0 && r.path.test(path));
    if (!rule) return realOpen(...args);
    rule.times--;
    faults.fired.push(`open ${path}`);
    const callback = args.at(-1) as (error: Error) => void;
    const error = Object.assign(new Error(`${rule.code}: injected, open '${path}'`), {
      code: rule.code,
      errno: -5,
      syscall: 'open',
      path,
    });
    process.nextTick(() => callback(error));
  };
  const wrapped = { ...actual, open };
  return { ...wrapped, default: wrapped };
});

import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { addResult, exportResults } from '../../../src/library/workspace';
import { workspaceProjectSources } from '../../../src/services/workspace/project-sources';
import { useTempDirs } from '../../helpers/temp-dir';
import { draftFor, newProject, resultJpeg } from './support';

const tempDir = useTempDirs();

function inject(op: string, path: RegExp, code: string, times = 1): void {
  faults.rules.push({ op, path, code, times });
}
function clearFaults(): void {
  faults.rules.length = 0;
  faults.fired.length = 0;
}

const SAYS_MISSING = /missing|not in the project|could not be found|no longer|not found/i;

async function projectWithResult() {
  clearFaults();
  const { project, ws, dir } = await newProject(tempDir);
  const mira = await ws.characters.create({ name: 'Mira' });
  const library = await ws.poses.create('L');
  const png = await sharp({ create: { width: 40, height: 60, channels: 3, background: '#000' } })
    .png()
    .toBuffer();
  const { imported } = await ws.poses.import(library.id, [
    { name: 'Arms up.png', dataBase64: png.toString('base64') },
  ]);
  const pose = imported[0];
  if (!pose) throw new Error('no pose');
  const result = await addResult(
    project,
    draftFor({ characterId: mira.id, poseId: pose.id, seed: 7, createdAt: '2025-01-31T12:00:00.000Z' }),
    await resultJpeg(96, 64),
  );
  return { project, ws, dir, pose, result };
}

describe('results.export: a read fault on a result that is there', () => {
  it.each([
    ['open', 'EIO', 'IO_ERROR'],
    ['realpath', 'EBUSY', 'IO_ERROR'],
    ['stat', 'EIO', 'IO_ERROR'],
    ['open', 'EACCES', 'PERMISSION_DENIED'],
  ])('%s of its image failing with %s is %s, not "missing"', async (op, code, expected) => {
    const { ws, result } = await projectWithResult();
    const out = join(await tempDir(), 'export');
    inject(op, new RegExp(`results/${result.id}\\.jpg$`), code);
    const report = await exportResults(ws, [result.id], {
      dir: out,
      includeReceipt: false,
      format: 'original',
    });
    expect(faults.fired).toHaveLength(1);
    expect(report.files).toEqual([]);
    expect(report.failed).toHaveLength(1);
    expect(report.failed[0]?.message).not.toMatch(SAYS_MISSING);
    expect(report.failed[0]?.code).toBe(expected);
    // Tried again with the disk well: it is exported.
    const again = await exportResults(ws, [result.id], {
      dir: out,
      includeReceipt: false,
      format: 'original',
    });
    expect(again.failed).toEqual([]);
    expect(again.files).toHaveLength(1);
  });

  it('opening its receipt failing with EACCES is PERMISSION_DENIED, not "not in the project"', async () => {
    const { ws, result } = await projectWithResult();
    const out = join(await tempDir(), 'export');
    inject('open', new RegExp(`results/${result.id}\\.json$`), 'EACCES');
    const report = await exportResults(ws, [result.id], {
      dir: out,
      includeReceipt: true,
      format: 'original',
    });
    expect(faults.fired).toHaveLength(1);
    expect(report.failed[0]?.message).not.toMatch(SAYS_MISSING);
    expect(report.failed[0]?.code).toBe('PERMISSION_DENIED');
    // ... and the result is still in the gallery (the fault did not drop it from the index).
    expect(ws.results.entry(result.id)).toBeDefined();
  });

  it('a file that really is missing is still reported missing', async () => {
    const { ws, dir, result } = await projectWithResult();
    await rm(join(dir, result.file));
    const report = await exportResults(ws, [result.id], {
      dir: join(await tempDir(), 'export'),
      includeReceipt: false,
      format: 'original',
    });
    expect(report.failed[0]?.code).toBe('NOT_FOUND');
    expect(report.failed[0]?.message).toMatch(/missing/);
  });
});

describe('results.cut and the generation pose read: a read fault is not "missing"', () => {
  it.each([
    ['realpath', 'EBUSY'],
    ['readFile', 'EIO'],
  ])('cut: %s of the result image failing with %s is IO_ERROR', async (op, code) => {
    const { ws, result } = await projectWithResult();
    inject(op, new RegExp(`results/${result.id}\\.jpg$`), code);
    const pose = { figures: [{ x: 0, y: 0, width: 20, height: 60 }], image: { width: 40, height: 60 } };
    const cut = ws.results.cut(result.id, pose, {});
    await expect(cut).rejects.toMatchObject({ code: 'IO_ERROR' });
    await expect(cut).rejects.not.toMatchObject({ message: expect.stringMatching(SAYS_MISSING) });
    expect(faults.fired).toHaveLength(1);
  });

  it('generation: a realpath of the pose image failing with EBUSY is IO_ERROR', async () => {
    const { project, pose } = await projectWithResult();
    inject('realpath', new RegExp(`${pose.image.file.replace(/[.]/g, '\\.')}$`), 'EBUSY');
    const read = workspaceProjectSources.pose(project, pose.id);
    await expect(read).rejects.toMatchObject({ code: 'IO_ERROR' });
    await expect(read).rejects.not.toMatchObject({ message: expect.stringMatching(SAYS_MISSING) });
    expect(faults.fired).toHaveLength(1);
    await expect(workspaceProjectSources.pose(project, pose.id)).resolves.toMatchObject({
      pose: { id: pose.id },
    });
  });
});

describe('results.export leaves no temp file in the person’s folder', () => {
  it.each(['EIO', 'EBUSY', 'EACCES'])('when removing a temp file fails once with %s', async (code) => {
    const { ws, result } = await projectWithResult();
    const out = join(await tempDir(), 'export');
    inject('rm', /\.tmp$/, code);
    const report = await exportResults(ws, [result.id], {
      dir: out,
      includeReceipt: true,
      format: 'original',
    });
    expect(faults.fired).toHaveLength(1);
    expect(report.failed).toEqual([]);
    expect((await readdir(out)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('when removing it fails three times in a row (swept at the end of the export)', async () => {
    const { ws, result } = await projectWithResult();
    const out = join(await tempDir(), 'export');
    inject('rm', /\.jpg\.[0-9a-f]{12}\.tmp$/, 'EBUSY', 3);
    const report = await exportResults(ws, [result.id], {
      dir: out,
      includeReceipt: true,
      format: 'original',
    });
    expect(faults.fired).toHaveLength(3);
    expect(report.files).toHaveLength(1);
    expect((await readdir(out)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});
