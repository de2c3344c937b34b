// The contained read path (resolveContainedFile, readContainedFile) says NOT_FOUND only for a file that is
// not there (ENOENT/ENOTDIR, by the one errno table): a realpath or stat that the disk failed (EIO, EBUSY)
// or refused (EACCES), of the project root or of the file, is thrown as the errno error it is, so every
// caller names it PERMISSION_DENIED or IO_ERROR (readFault), never "missing". One injected fault per case,
// on the real files of a real project; everything else goes to the real node:fs/promises.
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
  for (const op of ['stat', 'lstat', 'realpath', 'open', 'readFile']) {
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

import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { isAppError } from '../../../src/domain';
import { readContainedFile, resolveContainedFile } from '../../../src/library/contained-path';
import { addResult } from '../../../src/library/workspace';
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
const exactly = (path: string): RegExp => new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`);
const endsWith = (file: string): RegExp => new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`);

const SAYS_MISSING = /missing|not in the project|could not be found|no longer|not found|not available/i;

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

/** What `work` threw: the error itself, or 'RESOLVED'. */
async function thrown(work: Promise<unknown>): Promise<unknown> {
  try {
    await work;
  } catch (error) {
    return error;
  }
  return 'RESOLVED';
}

describe('resolveContainedFile and readContainedFile: only a file that is not there is NOT_FOUND', () => {
  it.each([
    ['realpath', 'the project root', 'EACCES'],
    ['realpath', 'the project root', 'EIO'],
    ['realpath', 'the file', 'EBUSY'],
    ['stat', 'the file', 'EACCES'],
    ['stat', 'the file', 'EIO'],
  ])('%s of %s failing with %s is thrown as that errno error', async (op, which, code) => {
    const { dir, result } = await projectWithResult();
    inject(op, which === 'the project root' ? exactly(dir) : endsWith(result.file), code);
    const error = await thrown(resolveContainedFile(dir, result.file, { encoded: false }));
    expect(faults.fired).toHaveLength(1);
    expect(isAppError(error)).toBe(false);
    expect(error).toMatchObject({ code });
    // Through readContainedFile too, and with the disk well again the file is there.
    inject(op, which === 'the project root' ? exactly(dir) : endsWith(result.file), code);
    expect(await thrown(readContainedFile(dir, result.file))).toMatchObject({ code });
    expect(faults.fired).toHaveLength(2);
    await expect(readContainedFile(dir, result.file)).resolves.toBeInstanceOf(Buffer);
  });

  it.each(['ENOENT', 'ENOTDIR'])('a realpath of the file failing with %s is NOT_FOUND', async (code) => {
    const { dir, result } = await projectWithResult();
    inject('realpath', endsWith(result.file), code);
    await expect(resolveContainedFile(dir, result.file, { encoded: false })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(faults.fired).toHaveLength(1);
  });

  it('a file or project folder that really is not there is still NOT_FOUND', async () => {
    const { dir, result } = await projectWithResult();
    await rm(join(dir, result.file));
    await expect(resolveContainedFile(dir, result.file, { encoded: false })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(
      resolveContainedFile(join(dir, 'no-such-folder'), result.file, { encoded: false }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      resolveContainedFile(dir, `results/${'x'.repeat(300)}.jpg`, { encoded: false }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('the callers name the fault: PERMISSION_DENIED or IO_ERROR, never "missing"', () => {
  it.each([
    ['stat', 'EACCES', 'PERMISSION_DENIED'],
    ['stat', 'EIO', 'IO_ERROR'],
    ['realpath', 'EACCES', 'PERMISSION_DENIED'],
  ])('generation: %s of the pose image failing with %s is %s', async (op, code, expected) => {
    const { project, pose } = await projectWithResult();
    inject(op, endsWith(pose.image.file), code);
    const error = await thrown(workspaceProjectSources.pose(project, pose.id));
    expect(faults.fired).toHaveLength(1);
    expect(error).toMatchObject({ code: expected });
    expect((error as Error).message).not.toMatch(SAYS_MISSING);
    await expect(workspaceProjectSources.pose(project, pose.id)).resolves.toMatchObject({
      pose: { id: pose.id },
    });
  });

  it.each([
    ['EACCES', 'PERMISSION_DENIED'],
    ['EIO', 'IO_ERROR'],
  ])('cut: a realpath of the project root failing with %s is %s', async (code, expected) => {
    const { ws, dir, result } = await projectWithResult();
    const pose = { figures: [{ x: 0, y: 0, width: 20, height: 60 }], image: { width: 40, height: 60 } };
    // The cut's own read of the result image is the one that meets the fault (see fired below).
    inject('realpath', exactly(dir), code);
    const error = await thrown(ws.results.cut(result.id, pose, {}));
    expect(faults.fired).toEqual([`realpath ${dir}`]);
    expect(error).toMatchObject({ code: expected });
    expect((error as Error).message).not.toMatch(SAYS_MISSING);
  });
});
