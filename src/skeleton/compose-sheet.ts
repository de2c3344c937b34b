/**
 * Lays single poses out on one sheet: a row or a grid of equal cells, each figure scaled to fit its
 * cell (times the person's own scale), centred in it, and flipped when asked. Pure; the sheet composer
 * builds on it, and the sheet's figure boxes (figureBoxes) are then known exactly.
 */
import type { CanvasSize, Skeleton, SkeletonFigure } from '../domain/skeleton';
import { keypointBounds } from './figure-box';
import { mirrorFigure, moveFigure, scaleFigure } from './transforms';

export type SheetLayout = 'row' | 'grid';

export interface SheetItem {
  /** The pose's figure (its first, when it has several). */
  figure: SkeletonFigure;
  /** Multiplies the fitted size: 1 fills the cell's height (or width) less the spacing. */
  scale?: number | undefined;
  /** Mirrored left to right (left and right keypoints swap). */
  flip?: boolean | undefined;
}

export interface SheetCell {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A standing figure's width over its height, roughly: what a grid's cells are shaped for by default. */
export const TYPICAL_FIGURE_ASPECT = 0.5;

/**
 * Columns and rows for `count` figures: one row, or the grid of at least two rows (from three figures
 * on: a grid was asked for) that lets figures of `aspect` (width over height) be drawn largest on this
 * canvas (ties go to fewer rows).
 */
export function gridShape(
  count: number,
  layout: SheetLayout,
  canvas: CanvasSize,
  aspect = TYPICAL_FIGURE_ASPECT,
): { columns: number; rows: number } {
  if (layout === 'row' || count <= 1) return { columns: Math.max(1, count), rows: 1 };
  const most = count >= 3 ? Math.ceil(count / 2) : count;
  let best = { columns: most, rows: Math.ceil(count / most), height: 0 };
  for (let columns = most; columns >= 1; columns--) {
    const rows = Math.ceil(count / columns);
    const height = Math.min(canvas.width / columns / aspect, canvas.height / rows);
    if (height > best.height + 1e-9) best = { columns, rows, height };
  }
  return { columns: best.columns, rows: best.rows };
}

/** The cells of a layout: equal, edge to edge, row by row. */
export function sheetCells(
  count: number,
  canvas: CanvasSize,
  layout: SheetLayout,
  aspect = TYPICAL_FIGURE_ASPECT,
): SheetCell[] {
  const { columns, rows } = gridShape(count, layout, canvas, aspect);
  const width = canvas.width / columns;
  const height = canvas.height / rows;
  return Array.from({ length: count }, (_, i) => ({
    x: (i % columns) * width,
    y: Math.floor(i / columns) * height,
    width,
    height,
  }));
}

export interface ComposedSheet {
  skeleton: Skeleton;
  /** Each figure's cell, in the same order: the composer's faint spacing guide. */
  cells: SheetCell[];
}

/**
 * A sheet of the items, in reading order. `spacing` is the share of each cell left empty around its
 * figure (default 0.1: the figure fills 90% of the cell's height or width, whichever binds first), so
 * neighbouring figures are evenly apart and never touch.
 */
export function composeSheet(
  items: readonly SheetItem[],
  canvas: CanvasSize,
  layout: SheetLayout,
  spacing = 0.1,
): ComposedSheet {
  if (items.length === 0) throw new RangeError('A sheet needs at least one pose.');
  const cells = sheetCells(items.length, canvas, layout, aspectOf(items));
  const figures = items.map((item, i) => {
    const cell = cells[i] as SheetCell;
    const b = keypointBounds(item.figure);
    if (!b) throw new RangeError(`Pose ${i + 1} has no keypoints to place.`);
    const w = Math.max(1, b.maxX - b.minX);
    const h = Math.max(1, b.maxY - b.minY);
    const fit = Math.min((cell.width * (1 - spacing)) / w, (cell.height * (1 - spacing)) / h);
    const factor = fit * Math.min(1, Math.max(0.05, item.scale ?? 1));
    let f = scaleFigure(item.figure, factor, { x: (b.minX + b.maxX) / 2, y: (b.minY + b.maxY) / 2 });
    if (item.flip) f = mirrorFigure(f);
    const now = keypointBounds(f);
    if (!now) throw new RangeError(`Pose ${i + 1} has no keypoints to place.`);
    const dx = cell.x + cell.width / 2 - (now.minX + now.maxX) / 2;
    const dy = cell.y + cell.height / 2 - (now.minY + now.maxY) / 2;
    return moveFigure(f, dx, dy);
  });
  return { skeleton: { canvas: { ...canvas }, figures }, cells };
}

/** The figures' typical width over height (their median), for shaping a grid to them. */
function aspectOf(items: readonly SheetItem[]): number {
  const aspects = items
    .map((item) => keypointBounds(item.figure))
    .flatMap((b) => (b ? [Math.max(1, b.maxX - b.minX) / Math.max(1, b.maxY - b.minY)] : []))
    .sort((a, b) => a - b);
  return aspects[Math.floor(aspects.length / 2)] ?? TYPICAL_FIGURE_ASPECT;
}
