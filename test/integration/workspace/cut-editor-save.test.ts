/**
 * What the cut editor's Save does, through the contract the UI calls (dispatchCall, the real runtime,
 * real files): the edited boxes kept with the pose in sheet pixels (`poses.update`), the cut made from
 * exactly the boxes drawn (`results.cut` with `boxes`), earlier crops replaced through the trash, and a
 * padding that never reaches into a neighbour whatever is asked.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import sharp from 'sharp';
import type { CallName } from '../../../src/contract';
import type { Box } from '../../../src/domain';
import { cropRects } from '../../../src/domain/figure-crops';
import { MemoryStore } from '../../../src/secrets/memory-store';
import { dispatchCall } from '../../../src/services/dispatch';
import { createAppRuntime } from '../../../src/services/runtime';
import type { RunningApp } from '../../e2e/harness';
import { seedResults } from '../../e2e/workspace-seed';
import { makeOpenPoseSheet, rowOfFigures } from '../../fixtures-gen/pose-sheets';
import { useTempDirs } from '../../helpers/temp-dir';

const tempDir = useTempDirs();

interface PoseView {
  id: string;
  figures: Box[];
  image: { width: number; height: number };
}
interface CutAnswer {
  created: { id: string; file: string; cutFrom?: { figureIndex: number; box: Box } }[];
  existing: string[];
  replacedTrashId?: string;
  replaced?: number;
}

/** A project with a 3-figure sheet (768 x 384) and one stand-in result drawn from it at 2x. */
async function started() {
  const rt = await createAppRuntime({
    userDataDir: await tempDir(),
    platform: { shell: 'browser' },
    secrets: new MemoryStore(),
    appVersion: '9.9.9',
    runQueue: false,
  });
  const call = async <T>(name: CallName, input: unknown): Promise<T> => {
    const result = await dispatchCall(rt.handlers, name, input);
    if (!result.ok) throw Object.assign(new Error(result.error.message), result.error);
    return result.value as T;
  };
  const raw = (name: CallName, input: unknown) => dispatchCall(rt.handlers, name, input);
  const dir = join(await tempDir(), 'project');
  await call('projects.create', { dir, name: 'Cuts' });
  const character = await call<{ id: string }>('characters.create', { name: 'Mira' });
  const library = await call<{ id: string }>('poses.createLibrary', { name: 'Sheets' });
  const sheet = await makeOpenPoseSheet(768, 384, rowOfFigures(3, 768, 384));
  const report = await call<{ imported: PoseView[] }>('poses.import', {
    libraryId: library.id,
    sources: [{ name: 'three.png', dataBase64: sheet.png.toString('base64') }],
  });
  const pose = report.imported[0];
  if (!pose) throw new Error('the sheet was not imported');
  const [resultId] = await seedResults({ runtime: rt } as unknown as RunningApp, dir, {
    characterId: character.id,
    poseId: pose.id,
    sheet: sheet.png,
    description: 'lighthouse keeper',
    count: 1,
  });
  if (!resultId) throw new Error('no result');
  const listPose = async (): Promise<PoseView> => {
    const { libraries } = await call<{ libraries: { poses: PoseView[] }[] }>('poses.list', {});
    const found = libraries.flatMap((l) => l.poses).find((p) => p.id === pose.id);
    if (!found) throw new Error('the pose is gone');
    return found;
  };
  return { rt, call, raw, dir, pose, resultId, listPose };
}

/** The editor's conversion: result pixels to sheet pixels, rounded outwards, per axis. */
const toSheet = (b: Box, sx: number, sy: number): Box => {
  const x = Math.floor(b.x / sx);
  const y = Math.floor(b.y / sy);
  return { x, y, width: Math.ceil((b.x + b.width) / sx) - x, height: Math.ceil((b.y + b.height) / sy) - y };
};

describe('saving the cut editor', () => {
  it('keeps the edited boxes with the pose and cuts exactly the boxes drawn', async () => {
    const { rt, call, dir, pose, resultId, listPose } = await started();
    expect(pose.figures).toHaveLength(3);
    // The editor's boxes, in the result's pixels (1536 x 768): the middle one moved and one box added.
    const drawn = pose.figures.map((f) => ({
      x: f.x * 2,
      y: f.y * 2,
      width: f.width * 2,
      height: f.height * 2,
    }));
    const middle = drawn[1] as Box;
    drawn[1] = { ...middle, x: middle.x + 40, y: middle.y - 20, width: middle.width - 30 };
    drawn.push({ x: 10, y: 700, width: 60, height: 50 });

    const updated = await call<PoseView>('poses.update', {
      poseId: pose.id,
      changes: { figures: drawn.map((b) => toSheet(b, 2, 2)) },
    });
    expect(updated.figures).toEqual(drawn.map((b) => toSheet(b, 2, 2)));
    expect((await listPose()).figures).toEqual(updated.figures);

    const cut = await call<CutAnswer>('results.cut', { id: resultId, boxes: drawn, padding: 0 });
    expect(cut.created.map((c) => c.cutFrom?.figureIndex)).toEqual([0, 1, 2, 3]);
    expect(cut.created.map((c) => c.cutFrom?.box)).toEqual(drawn);
    // The moved crop's pixels are the result's pixels in the moved box.
    const moved = cut.created[1];
    if (!moved) throw new Error('missing crop');
    const parentFile = join(dir, 'results', `${resultId}.jpg`);
    const expected = await sharp(parentFile)
      .extract({
        left: drawn[1]?.x ?? 0,
        top: drawn[1]?.y ?? 0,
        width: drawn[1]?.width ?? 1,
        height: drawn[1]?.height ?? 1,
      })
      .raw()
      .toBuffer();
    const actual = await sharp(join(dir, moved.file)).removeAlpha().raw().toBuffer();
    expect(actual.equals(expected)).toBe(true);

    // A later cut without boxes reuses the saved ones (scaled back by the real ratio of the sizes).
    const later = await call<CutAnswer>('results.cut', { id: resultId, padding: 0, again: true });
    expect(later.created.map((c) => c.cutFrom?.box)).toEqual(
      updated.figures.map((b) => ({
        x: b.x * 2,
        y: b.y * 2,
        width: b.width * 2,
        height: b.height * 2,
      })),
    );
    await rt.dispose();
  });

  it('replaces the earlier crops through the trash, and the trash brings them back', async () => {
    const { rt, call, pose, resultId } = await started();
    const first = await call<CutAnswer>('results.cut', { id: resultId });
    expect(first.created).toHaveLength(3);
    const boxes = pose.figures.map((f) => ({
      x: f.x * 2,
      y: f.y * 2,
      width: f.width * 2,
      height: f.height * 2,
    }));
    const second = await call<CutAnswer>('results.cut', {
      id: resultId,
      boxes: boxes.slice(0, 2),
      replace: true,
    });
    expect(second.created).toHaveLength(2);
    expect(second.replaced).toBe(3);
    expect(second.replacedTrashId).toEqual(expect.any(String));
    const cutsNow = async () =>
      (await call<{ result: unknown; cuts: string[] }>('results.get', { id: resultId })).cuts.sort();
    expect(await cutsNow()).toEqual(second.created.map((c) => c.id).sort());
    await call('trash.restore', { id: second.replacedTrashId });
    expect(await cutsNow()).toEqual([...first.created, ...second.created].map((c) => c.id).sort());
    // Nothing earlier to replace: no trash entry.
    const none = await call<CutAnswer>('results.cut', { id: resultId, boxes, replace: false });
    expect(none.replacedTrashId).toBeUndefined();
    await rt.dispose();
  });

  it('cuts the drawn boxes while the pose is in the trash, and refuses boxes that are not boxes', async () => {
    const { rt, call, raw, pose, resultId } = await started();
    await call('poses.trash', { poseIds: [pose.id] });
    const cut = await call<CutAnswer>('results.cut', {
      id: resultId,
      boxes: [{ x: 0, y: 0, width: 100, height: 200 }],
    });
    expect(cut.created).toHaveLength(1);
    for (const boxes of [
      [],
      [{ x: 0, y: 0, width: 0, height: 10 }],
      [{ x: -1, y: 0, width: 5, height: 5 }],
    ]) {
      expect(await raw('results.cut', { id: resultId, boxes })).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT' },
      });
    }
    await rt.dispose();
  });

  it('never pads a crop into a neighbour, whatever the padding asked', async () => {
    const { rt, call, resultId } = await started();
    // Close neighbours side by side, one below, and one off to a diagonal.
    const boxes: Box[] = [
      { x: 100, y: 100, width: 200, height: 300 },
      { x: 330, y: 120, width: 180, height: 280 },
      { x: 120, y: 460, width: 160, height: 200 },
      { x: 560, y: 430, width: 150, height: 250 },
    ];
    const cut = await call<CutAnswer>('results.cut', { id: resultId, boxes, padding: 2000 });
    const crops = cut.created.map((c) => c.cutFrom?.box as Box);
    const meets = (a: Box, b: Box) =>
      a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
    crops.forEach((crop, i) => {
      const own = boxes[i] as Box;
      // Holds its own box whole...
      expect(crop.x <= own.x && crop.y <= own.y).toBe(true);
      expect(crop.x + crop.width >= own.x + own.width && crop.y + crop.height >= own.y + own.height).toBe(
        true,
      );
      // ...and touches no other box.
      boxes.forEach((other, j) => {
        if (j !== i) expect(meets(crop, other), `crop ${i} reaches into box ${j}`).toBe(false);
      });
    });
    // The gap between the first two (30 px) is shared at its middle.
    expect(crops[0]?.x !== undefined && crops[0].x + crops[0].width).toBe(315);
    expect(crops[1]?.x).toBe(315);
    // The preview's geometry is the cut's.
    expect(cropRects(boxes, { width: 1536, height: 768 }, 2000)).toEqual(crops);
    await rt.dispose();
  });
});
