import { describe, expect, it } from 'vitest';
import { zoomIdentity } from 'd3-zoom';
import {
  FIT_VIEW,
  applyOffset,
  constrainToImage,
  fitScale,
  fromRelative,
  offsetBetween,
  removeOffset,
  toRelative,
  visibleRect,
} from '../../../renderer/src/ui/zoom/viewport';

const pane = { width: 600, height: 400 };
const sheet = { width: 1024, height: 512 };
const upscaled = { width: 2048, height: 1024 };

describe('relative viewports (linked zoom across images of different sizes)', () => {
  it('shows the same part of a sheet and of its 2x upscale for one relative view', () => {
    const view = { zoom: 3.2, cx: 0.31, cy: 0.62 };
    const a = visibleRect(fromRelative(view, sheet, pane), sheet, pane);
    const b = visibleRect(fromRelative(view, upscaled, pane), upscaled, pane);
    for (let i = 0; i < 4; i++) expect(b[i]).toBeCloseTo(a[i] ?? NaN, 12);
  });

  it('round-trips a transform through its relative view', () => {
    const t = zoomIdentity.translate(-340, -125).scale(1.7);
    const back = fromRelative(toRelative(t, upscaled, pane), upscaled, pane);
    expect(back.k).toBeCloseTo(t.k, 12);
    expect(back.x).toBeCloseTo(t.x, 9);
    expect(back.y).toBeCloseTo(t.y, 9);
  });

  it('fits the whole image, centred, at zoom 1', () => {
    const t = fromRelative(FIT_VIEW, sheet, pane);
    expect(t.k).toBeCloseTo(fitScale(sheet, pane), 12);
    const [x0, , x1] = visibleRect(t, sheet, pane);
    expect(x0).toBeCloseTo(0, 12);
    expect(x1).toBeCloseTo(1, 12);
  });

  it('keeps an offset set by hand: removing and applying it gives the pane its own view back', () => {
    const group = { zoom: 2, cx: 0.5, cy: 0.4 };
    const own = { zoom: 3, cx: 0.6, cy: 0.45 };
    const offset = offsetBetween(own, group);
    const moved = { zoom: 4, cx: 0.2, cy: 0.7 };
    const after = applyOffset(moved, offset);
    expect(after.zoom / moved.zoom).toBeCloseTo(own.zoom / group.zoom, 12);
    expect(after.cx - moved.cx).toBeCloseTo(own.cx - group.cx, 12);
    expect(removeOffset(after, offset).cx).toBeCloseTo(moved.cx, 12);
  });

  it('keeps a zoomed-in image covering the pane and centres one smaller than the pane', () => {
    const inside = constrainToImage(zoomIdentity.translate(200, 100).scale(2), sheet, pane);
    expect(inside.x).toBe(0);
    expect(inside.y).toBe(0);
    const small = constrainToImage(zoomIdentity.translate(-50, 7).scale(0.25), sheet, pane);
    expect(small.x).toBeCloseTo((pane.width - sheet.width * 0.25) / 2, 12);
    expect(small.y).toBeCloseTo((pane.height - sheet.height * 0.25) / 2, 12);
  });
});
