import sharp from 'sharp';

/**
 * Pose sheets like the ones people feed Consistent Character V1: OpenPose skeletons (coloured limbs
 * and joints on black) or dark silhouettes on white, several figures per sheet. Each sheet comes with
 * the true bounding box of every figure, so figure detection can be checked against ground truth.
 */

export interface FigureBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** OpenPose body-18 keypoints, in a unit space where the figure is 1 tall (y down, x centred on 0). */
type Keypoints = readonly (readonly [number, number])[];

// nose, neck, r-shoulder, r-elbow, r-wrist, l-shoulder, l-elbow, l-wrist, r-hip, r-knee, r-ankle,
// l-hip, l-knee, l-ankle, r-eye, l-eye, r-ear, l-ear
const HEAD: Keypoints = [
  [0, 0.08],
  [0, 0.18],
];
const FACE = (dx: number): Keypoints => [
  [-0.025 + dx, 0.06],
  [0.025 + dx, 0.06],
  [-0.05 + dx, 0.07],
  [0.05 + dx, 0.07],
];

// One row per limb group: head (nose, neck), right arm, left arm, right leg, left leg, then the face.
// prettier-ignore
export const POSES: Record<string, Keypoints> = {
  standing: [...HEAD, [-0.1, 0.19], [-0.13, 0.35], [-0.14, 0.5], [0.1, 0.19], [0.13, 0.35], [0.14, 0.5],
    [-0.06, 0.52], [-0.07, 0.76], [-0.07, 1], [0.06, 0.52], [0.07, 0.76], [0.07, 1], ...FACE(0)],
  armsUp: [...HEAD, [-0.1, 0.19], [-0.18, 0.08], [-0.22, 0], [0.1, 0.19], [0.18, 0.08], [0.22, 0],
    [-0.06, 0.52], [-0.08, 0.76], [-0.09, 1], [0.06, 0.52], [0.08, 0.76], [0.09, 1], ...FACE(0)],
  walking: [...HEAD, [-0.09, 0.19], [-0.16, 0.33], [-0.2, 0.45], [0.09, 0.19], [0.14, 0.34], [0.22, 0.42],
    [-0.05, 0.52], [-0.16, 0.74], [-0.22, 0.97], [0.05, 0.52], [0.12, 0.75], [0.1, 1], ...FACE(0.02)],
  armsOut: [...HEAD, [-0.1, 0.19], [-0.2, 0.2], [-0.3, 0.2], [0.1, 0.19], [0.2, 0.2], [0.3, 0.2],
    [-0.06, 0.52], [-0.1, 0.76], [-0.13, 1], [0.06, 0.52], [0.1, 0.76], [0.13, 1], ...FACE(0)],
  kicking: [...HEAD, [-0.1, 0.19], [-0.17, 0.31], [-0.12, 0.43], [0.1, 0.19], [0.2, 0.28], [0.3, 0.3],
    [-0.06, 0.52], [-0.06, 0.76], [-0.06, 1], [0.06, 0.52], [0.25, 0.6], [0.4, 0.58], ...FACE(-0.02)],
};

// OpenPose's limb pairs (0-based) and colours, in its drawing order.
// prettier-ignore
const LIMBS: readonly (readonly [number, number])[] = [
  [1, 2], [1, 5], [2, 3], [3, 4], [5, 6], [6, 7], [1, 8], [8, 9], [9, 10], [1, 11], [11, 12], [12, 13],
  [1, 0], [0, 14], [14, 16], [0, 15], [15, 17],
];
// prettier-ignore
const COLOURS = [
  '255,0,0', '255,85,0', '255,170,0', '255,255,0', '170,255,0', '85,255,0', '0,255,0', '0,255,85',
  '0,255,170', '0,255,255', '0,170,255', '0,85,255', '0,0,255', '85,0,255', '170,0,255', '255,0,255',
  '255,0,170', '255,0,85',
];

export interface FigureSpec {
  pose: keyof typeof POSES;
  /** Where the figure's keypoint 0-line (x = 0) goes, and the top and height of its keypoints. */
  centreX: number;
  top: number;
  height: number;
  /** Leave out the neck-to-nose limb, as OpenPose does when it misses the neck: the head floats free. */
  detachedHead?: boolean;
}

export interface PoseSheet {
  png: Buffer;
  width: number;
  height: number;
  /** Ground truth, left to right / top to bottom in the order the specs were given. */
  figures: FigureBox[];
}

function placed(spec: FigureSpec): (readonly [number, number])[] {
  return (POSES[spec.pose] ?? []).map(
    ([x, y]) => [spec.centreX + x * spec.height, spec.top + y * spec.height] as const,
  );
}

function boxOf(
  points: (readonly [number, number])[],
  margin: number,
  width: number,
  height: number,
): FigureBox {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const x0 = Math.max(0, Math.floor(Math.min(...xs) - margin));
  const y0 = Math.max(0, Math.floor(Math.min(...ys) - margin));
  const x1 = Math.min(width, Math.ceil(Math.max(...xs) + margin));
  const y1 = Math.min(height, Math.ceil(Math.max(...ys) + margin));
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** OpenPose-style skeletons on black, drawn the way OpenPose renders them (limbs at 60% over black). */
export async function makeOpenPoseSheet(
  width: number,
  height: number,
  specs: FigureSpec[],
): Promise<PoseSheet> {
  const parts: string[] = [];
  const figures: FigureBox[] = [];
  for (const spec of specs) {
    const points = placed(spec);
    const stroke = Math.max(2, spec.height * 0.012);
    const joint = Math.max(2, spec.height * 0.01);
    LIMBS.forEach(([a, b], i) => {
      if (spec.detachedHead && a === 1 && b === 0) return;
      const [x1, y1] = points[a] ?? [0, 0];
      const [x2, y2] = points[b] ?? [0, 0];
      parts.push(
        `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="rgb(${COLOURS[i]})" stroke-opacity="0.6" ` +
          `stroke-width="${stroke * 2}" stroke-linecap="round"/>`,
      );
    });
    points.forEach(([x, y], i) =>
      parts.push(`<circle cx="${x}" cy="${y}" r="${joint}" fill="rgb(${COLOURS[i]})"/>`),
    );
    figures.push(boxOf(points, Math.max(stroke, joint), width, height));
  }
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<rect width="100%" height="100%" fill="#000"/>${parts.join('')}</svg>`;
  const png = await sharp(Buffer.from(svg)).removeAlpha().png().toBuffer();
  return { png, width, height, figures };
}

/** Dark grey silhouettes (thick limbs and a round head) on white, like a sketched pose reference. */
export async function makeSilhouetteSheet(
  width: number,
  height: number,
  specs: FigureSpec[],
): Promise<PoseSheet> {
  const parts: string[] = [];
  const figures: FigureBox[] = [];
  for (const spec of specs) {
    const points = placed(spec);
    const limb = spec.height * 0.035;
    const headRadius = spec.height * 0.08;
    for (const [a, b] of LIMBS.slice(0, 12)) {
      const [x1, y1] = points[a] ?? [0, 0];
      const [x2, y2] = points[b] ?? [0, 0];
      parts.push(
        `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="#2a2a30" stroke-width="${limb * 2}" stroke-linecap="round"/>`,
      );
    }
    const [nx, ny] = points[0] ?? [0, 0];
    const [, neckY] = points[1] ?? [0, 0];
    parts.push(
      `<line x1="${nx}" y1="${ny}" x2="${nx}" y2="${neckY}" stroke="#2a2a30" stroke-width="${limb * 2}"/>`,
    );
    parts.push(`<circle cx="${nx}" cy="${ny}" r="${headRadius}" fill="#2a2a30"/>`);
    const body = boxOf(points.slice(1, 14), limb, width, height);
    const head = boxOf([[nx, ny]], headRadius, width, height);
    const x0 = Math.min(body.x, head.x);
    const y0 = Math.min(body.y, head.y);
    const x1 = Math.max(body.x + body.width, head.x + head.width);
    const y1 = Math.max(body.y + body.height, head.y + head.height);
    figures.push({ x: x0, y: y0, width: x1 - x0, height: y1 - y0 });
  }
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<rect width="100%" height="100%" fill="#fafaf7"/>${parts.join('')}</svg>`;
  const png = await sharp(Buffer.from(svg)).removeAlpha().png().toBuffer();
  return { png, width, height, figures };
}

/** `count` figures in a row across a sheet, the common layout (V1's example sheet has five in a row). */
export function rowOfFigures(
  count: number,
  width: number,
  height: number,
  options: { detachedHeads?: boolean; top?: number; figureHeight?: number } = {},
): FigureSpec[] {
  const poses = Object.keys(POSES);
  const figureHeight = options.figureHeight ?? height * 0.7;
  const top = options.top ?? (height - figureHeight) / 2;
  return Array.from({ length: count }, (_, i) => ({
    pose: poses[i % poses.length] ?? 'standing',
    centreX: (width * (i + 0.5)) / count,
    top,
    height: figureHeight,
    detachedHead: options.detachedHeads === true && i % 2 === 0,
  }));
}

// -- layouts for the detection and cutting accuracy tests ----------------------------------------------

/** A rectangle of the sheet that one figure is fitted into. */
export interface Cell {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The pose's keypoint extent in its unit space (x centred on 0, the figure about 1 tall). */
function extentOf(pose: keyof typeof POSES): { minX: number; maxX: number; minY: number; maxY: number } {
  const points = POSES[pose] ?? [];
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  return { minX: Math.min(...xs), maxX: Math.max(...xs), minY: Math.min(...ys), maxY: Math.max(...ys) };
}

/**
 * A figure as large as fits in `cell` (a `fill` fraction of it, so neighbours keep a gap), its keypoints'
 * box centred in the cell. Centring the box, not the x = 0 line, matters for one-sided poses (a kick
 * reaches 0.4 to the right and 0.17 to the left): centred on x = 0 it would cross into the next cell.
 */
export function figureInCell(pose: keyof typeof POSES, cell: Cell, fill = 0.8): FigureSpec {
  const e = extentOf(pose);
  const height = Math.min((cell.height * fill) / (e.maxY - e.minY), (cell.width * fill) / (e.maxX - e.minX));
  return {
    pose,
    centreX: cell.x + cell.width / 2 - ((e.minX + e.maxX) / 2) * height,
    top: cell.y + cell.height / 2 - ((e.minY + e.maxY) / 2) * height,
    height,
  };
}

/** One figure per cell, the poses taken in turn (so neighbours differ in width and shape). */
export function figuresInCells(cells: readonly Cell[], options: { fill?: number; firstPose?: number } = {}) {
  const poses = Object.keys(POSES);
  return cells.map((cell, i) =>
    figureInCell(poses[(i + (options.firstPose ?? 0)) % poses.length] ?? 'standing', cell, options.fill),
  );
}

/** `cols` x `rows` equal cells over the sheet, filled row by row, `count` of them (default all). */
export function gridCells(
  cols: number,
  rows: number,
  width: number,
  height: number,
  count = cols * rows,
): Cell[] {
  const cw = width / cols;
  const ch = height / rows;
  return Array.from({ length: count }, (_, i) => ({
    x: (i % cols) * cw,
    y: Math.floor(i / cols) * ch,
    width: cw,
    height: ch,
  }));
}

/**
 * A row whose cells have the given relative widths and whose figures stand on one baseline but differ
 * in height (`heights`, fractions of the sheet): uneven spacing, as when a person lays poses out by hand.
 */
export function unevenRowCells(
  widths: readonly number[],
  heights: readonly number[],
  width: number,
  height: number,
): Cell[] {
  const total = widths.reduce((a, b) => a + b, 0);
  let x = 0;
  return widths.map((w, i) => {
    const cellWidth = (w / total) * width;
    const cellHeight = (heights[i % heights.length] ?? 0.8) * height;
    const cell = { x, y: height * 0.92 - cellHeight, width: cellWidth, height: cellHeight };
    x += cellWidth;
    return cell;
  });
}
