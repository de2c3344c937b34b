import { describe, expect, it } from 'vitest';
import type { Skeleton } from '../../../src/domain/skeleton';
import { STARTER_POSES, figureBoxes, keypointBounds, starterSkeleton } from '../../../src/skeleton';
import {
  canRedo,
  canUndo,
  initialEditorState,
  isDirty,
  skeletonEditorReducer as reduce,
  type SkeletonEditorAction,
  type SkeletonEditorState,
} from '../../../renderer/src/features/skeleton/skeleton-editing';
import { composedFrom } from '../../../renderer/src/features/skeleton/compose-items';
import { SHEET_SIZES, sheetRun, suggestedSize } from '../../../renderer/src/features/skeleton/sheet-sizes';

const starter = (key: string): Skeleton => {
  const pose = STARTER_POSES.find((p) => p.key === key);
  if (!pose) throw new Error(`no starter pose ${key}`);
  return starterSkeleton(pose);
};
const run = (state: SkeletonEditorState, ...actions: SkeletonEditorAction[]) => actions.reduce(reduce, state);
const body = (s: SkeletonEditorState) => s.skeleton.figures[0]?.body ?? [];

describe('the skeleton editor’s edits', () => {
  const front = starter('standing-front');

  it('moves a joint, and undo and redo step through each edit exactly', () => {
    const start = initialEditorState(front);
    const moved = run(start, { type: 'moveJoint', figure: 0, joint: 4, to: { x: 150, y: 300 } });
    expect(body(moved)[4]).toEqual({ x: 150, y: 300 });
    expect(isDirty(moved)).toBe(true);
    const undone = run(moved, { type: 'undo' });
    expect(undone.skeleton).toEqual(front);
    expect(isDirty(undone)).toBe(false);
    expect(canRedo(undone)).toBe(true);
    expect(run(undone, { type: 'redo' }).skeleton).toEqual(moved.skeleton);
    // A new edit after an undo forgets what could have been redone.
    expect(canRedo(run(undone, { type: 'nudgeJoint', figure: 0, joint: 0, dx: 1, dy: 0 }))).toBe(false);
  });

  it('records a whole drag as one undo step', () => {
    const start = initialEditorState(front);
    const dragged = run(
      start,
      { type: 'begin' },
      { type: 'dragFigure', figure: 0, dx: 5, dy: 0 },
      { type: 'dragFigure', figure: 0, dx: 20, dy: -10 },
      { type: 'end' },
    );
    expect(body(dragged)[1]).toEqual({ x: 276, y: 188 });
    expect(dragged.past).toHaveLength(1);
    expect(run(dragged, { type: 'undo' }).skeleton).toEqual(front);
    // A click on a figure (begin and end with no move) records nothing.
    expect(canUndo(run(start, { type: 'begin' }, { type: 'end' }))).toBe(false);
  });

  it('keeps every keypoint on the canvas, whatever the drag or nudge', () => {
    const start = initialEditorState(front);
    const off = run(start, { type: 'moveJoint', figure: 0, joint: 4, to: { x: -80, y: 5000 } });
    expect(body(off)[4]).toEqual({ x: 0, y: front.canvas.height - 1 });
    const far = run(start, { type: 'figure', figure: 0, change: { kind: 'move', dx: 10_000, dy: 0 } });
    for (const p of body(far)) if (p) expect(p.x).toBe(front.canvas.width - 1);
  });

  it('mirrors a figure: the left and right keypoints trade places, M twice gives it back', () => {
    const waving = starter('waving-front');
    const was = waving.figures[0];
    const bounds = was && keypointBounds(was);
    if (!was || !bounds) throw new Error('no figure');
    const axis = (bounds.minX + bounds.maxX) / 2;
    const start = initialEditorState(waving);
    const mirrored = run(start, { type: 'figure', figure: 0, change: { kind: 'mirror' } });
    // The raised right wrist is now on the other side, and it is the left wrist.
    const wrist = was.body[4];
    expect(body(mirrored)[7]?.x).toBeCloseTo(2 * axis - (wrist?.x ?? NaN), 6);
    expect(body(mirrored)[7]?.y).toBeCloseTo(wrist?.y ?? NaN, 6);
    expect(body(mirrored)[7]).not.toEqual(was.body[7]);
    const twice = run(mirrored, { type: 'figure', figure: 0, change: { kind: 'mirror' } });
    twice.skeleton.figures[0]?.body.forEach((p, i) => {
      expect(p?.x).toBeCloseTo(was.body[i]?.x ?? NaN, 6);
      expect(p?.y).toBeCloseTo(was.body[i]?.y ?? NaN, 6);
    });
  });

  it('drops the face points for a back view and restores a deleted keypoint where it was', () => {
    const start = initialEditorState(front);
    const back = run(start, { type: 'figure', figure: 0, change: { kind: 'dropFace' } });
    expect([0, 14, 15].map((i) => body(back)[i])).toEqual([null, null, null]);
    expect(body(back)[16]).toEqual(front.figures[0]?.body[16]);
    const restored = run(back, { type: 'restoreJoint', figure: 0, joint: 0 });
    expect(body(restored)[0]).toEqual(front.figures[0]?.body[0]);
    const deleted = run(start, { type: 'deleteJoint', figure: 0, joint: 7 });
    expect(body(deleted)[7]).toBeNull();
    expect(run(deleted, { type: 'undo' }).skeleton).toEqual(front);
  });

  it('rotates and scales about the figure’s centre, and an edit that changes nothing is not an undo step', () => {
    const start = initialEditorState(front);
    const turned = run(start, { type: 'figure', figure: 0, change: { kind: 'rotate', degrees: 90 } });
    const [box] = figureBoxes(turned.skeleton);
    const [was] = figureBoxes(front);
    // A standing figure turned a quarter is wider than tall.
    expect(box && box.width > box.height).toBe(true);
    expect(was && was.height > was.width).toBe(true);
    const bigger = run(start, { type: 'figure', figure: 0, change: { kind: 'scale', factor: 1.1 } });
    const [b] = figureBoxes(bigger.skeleton);
    expect(b && was && b.height > was.height).toBe(true);
    expect(canUndo(run(start, { type: 'select', selection: { figure: 0, joint: 2 } }))).toBe(false);
  });
});

describe('the sheet composer’s layout', () => {
  const keys = ['standing-front', 'walking-side', 'waving-front', 'standing-back'];
  const poses = new Map(
    STARTER_POSES.filter((p) => keys.includes(p.key)).map((p) => [
      p.key,
      { skeleton: starterSkeleton(p) } as never,
    ]),
  );

  it('lays the chosen poses out on the canvas with a box for each, inside its own cell', () => {
    const items = [...poses.keys()].map((poseId) => ({ poseId, scale: 1, flip: false }));
    expect(items.length).toBeGreaterThanOrEqual(3);
    const canvas = suggestedSize(items.length, 'row');
    const sheet = composedFrom(items, poses, canvas, 'row');
    if (!sheet) throw new Error('no sheet');
    const boxes = figureBoxes(sheet.skeleton);
    expect(boxes).toHaveLength(items.length);
    boxes.forEach((b, i) => {
      const cell = sheet.cells[i];
      if (!cell) throw new Error('no cell');
      expect(b.x).toBeGreaterThanOrEqual(Math.floor(cell.x));
      expect(b.x + b.width).toBeLessThanOrEqual(Math.ceil(cell.x + cell.width));
    });
    expect(composedFrom([], poses, canvas, 'row')).toBeUndefined();
  });

  it('offers only sizes the upload keeps whole, and says what a run gives back', () => {
    for (const s of SHEET_SIZES) {
      expect(Math.max(s.width, s.height)).toBeLessThanOrEqual(2048);
      expect(s.width % 64).toBe(0);
      expect(s.height % 64).toBe(0);
    }
    expect(sheetRun({ width: 1024, height: 512 })).toEqual({
      cost: 0.13,
      result: { width: 2048, height: 1024 },
      upscale: 2,
    });
  });
});
