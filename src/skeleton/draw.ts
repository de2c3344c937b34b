/**
 * The standard OpenPose rendering (ControlNet 1.1's `draw_bodypose`, `draw_handpose`, `draw_facepose`),
 * drawn into a raw RGB buffer. Pure and isomorphic: src/images/render-skeleton.ts encodes the buffer as
 * PNG with sharp, and the editor can put the same pixels on a canvas.
 *
 * The body is drawn pixel for pixel as OpenCV draws it, so sheets made here look to the model like
 * the sheets it was trained with:
 *   1. on black, each limb whose two keypoints are present is a filled ellipse: centre the limb's middle
 *      (truncated to whole pixels), half-length int(length / 2), half-width 4, turned by int(angle)
 *      degrees, as the polygon cv2.ellipse2Poly makes (one vertex a degree) filled by cv2.fillConvexPoly;
 *      limbs in BODY_LIMBS order, limb i in colour i, every person's limb i before limb i + 1;
 *   2. every pixel is multiplied by 0.6 and truncated (numpy's `(canvas * 0.6).astype(uint8)`);
 *   3. each present keypoint j is a filled circle of radius 4 in colour j at its truncated pixel
 *      (cv2.circle's filled disc: the pixels whose centre is within the radius).
 * Hands (edges 2 px wide in hue i/20, joints blue, radius 4) and face points (white, radius 3) follow,
 * drawn as cv2.line and cv2.circle draw them.
 */
import type { CanvasSize, Keypoint, MaybeKeypoint, Skeleton, SkeletonFigure } from '../domain/skeleton';
import {
  BODY_LIMBS,
  FACE_POINT_COLOUR,
  FACE_POINT_RADIUS,
  HAND_EDGES,
  HAND_JOINT_COLOUR,
  JOINT_RADIUS,
  LIMB_DIMMING,
  OPENPOSE_COLOURS,
  STICK_WIDTH,
  handEdgeColour,
} from './openpose-style';

type Rgb = readonly [number, number, number];

/** An RGB image, 3 bytes a pixel, rows top to bottom. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

interface Point {
  x: number;
  y: number;
}

function setPixel(img: RgbImage, x: number, y: number, c: Rgb): void {
  if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;
  const i = (y * img.width + x) * 3;
  img.data[i] = c[0];
  img.data[i + 1] = c[1];
  img.data[i + 2] = c[2];
}

/** A horizontal run from x1 to x2 inclusive, clipped to the image. */
function hline(img: RgbImage, y: number, x1: number, x2: number, c: Rgb): void {
  if (y < 0 || y >= img.height) return;
  const from = Math.max(0, x1);
  const to = Math.min(img.width - 1, x2);
  for (let x = from; x <= to; x++) setPixel(img, x, y, c);
}

/** OpenCV's cvRound: to the nearest integer, halves to even (lrint). */
function cvRound(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** OpenCV's SinTable entry for a whole degree: a float (single precision), exact at the quarter turns. */
function sinDegrees(deg: number): number {
  const d = ((deg % 360) + 360) % 360;
  if (d === 0 || d === 180) return 0;
  if (d === 90) return 1;
  if (d === 270) return -1;
  return Math.fround(Math.sin((d * Math.PI) / 180));
}

/** cv2.ellipse2Poly(center, axes, angle, 0, 360, 1): the ellipse's polygon, rounded, repeats dropped. */
export function ellipsePolygon(center: Point, axes: { a: number; b: number }, angle: number): Point[] {
  let turn = angle;
  while (turn < 0) turn += 360;
  while (turn > 360) turn -= 360;
  const alpha = sinDegrees(450 - turn); // cos
  const beta = sinDegrees(turn); // sin
  const out: Point[] = [];
  let prev: Point | undefined;
  for (let deg = 0; deg <= 360; deg++) {
    const x = axes.a * sinDegrees(450 - deg);
    const y = axes.b * sinDegrees(deg);
    const pt = {
      x: cvRound(center.x + x * alpha - y * beta),
      y: cvRound(center.y + x * beta + y * alpha),
    };
    if (!prev || pt.x !== prev.x || pt.y !== prev.y) out.push(pt);
    prev = pt;
  }
  if (out.length === 1) return [center, center];
  return out;
}

/**
 * The part of the segment p1-p2 inside the image, as OpenCV's clipLine finds it (each end moved along the
 * line to the edge it crosses, truncated to whole pixels), or null when none of it is inside. Lines are
 * clipped before they are walked, as OpenCV's LineIterator does, so a keypoint far off the canvas costs
 * no more than one on it.
 */
function clipToImage(img: RgbImage, p1: Point, p2: Point): [Point, Point] | null {
  const right = img.width - 1;
  const bottom = img.height - 1;
  let [x1, y1, x2, y2] = [p1.x, p1.y, p2.x, p2.y];
  const outside = (x: number, y: number) =>
    (x < 0 ? 1 : 0) | (x > right ? 2 : 0) | (y < 0 ? 4 : 0) | (y > bottom ? 8 : 0);
  let c1 = outside(x1, y1);
  let c2 = outside(x2, y2);
  if ((c1 & c2) === 0 && (c1 | c2) !== 0) {
    // First onto the rows the image spans, then onto its columns.
    if (c1 & 12) {
      const edge = c1 < 8 ? 0 : bottom;
      x1 += Math.trunc(((edge - y1) * (x2 - x1)) / (y2 - y1));
      y1 = edge;
      c1 = outside(x1, 0);
    }
    if (c2 & 12) {
      const edge = c2 < 8 ? 0 : bottom;
      x2 += Math.trunc(((edge - y2) * (x2 - x1)) / (y2 - y1));
      y2 = edge;
      c2 = outside(x2, 0);
    }
    if ((c1 & c2) === 0 && (c1 | c2) !== 0) {
      if (c1) {
        const edge = c1 === 1 ? 0 : right;
        y1 += Math.trunc(((edge - x1) * (y2 - y1)) / (x2 - x1));
        x1 = edge;
        c1 = 0;
      }
      if (c2) {
        const edge = c2 === 1 ? 0 : right;
        y2 += Math.trunc(((edge - x2) * (y2 - y1)) / (x2 - x1));
        x2 = edge;
        c2 = 0;
      }
    }
  }
  return (c1 | c2) === 0
    ? [
        { x: x1, y: y1 },
        { x: x2, y: y2 },
      ]
    : null;
}

/** OpenCV's 8-connected line (LineIterator, left to right), clipped to the image first. */
function line8(img: RgbImage, from: Point, to: Point, c: Rgb): void {
  const clipped = clipToImage(img, from, to);
  if (!clipped) return;
  const [p1, p2] = clipped;
  let { x, y } = p1;
  let dx = p2.x - p1.x;
  let dy = p2.y - p1.y;
  if (dx < 0) {
    ({ x, y } = p2);
    dx = -dx;
    dy = -dy;
  }
  const ySign = dy < 0 ? -1 : 1;
  dy = Math.abs(dy);
  const yMajor = dy > dx;
  if (yMajor) [dx, dy] = [dy, dx];
  let err = dx - (dy + dy);
  const plusDelta = dx + dx;
  const minusDelta = -(dy + dy);
  for (let n = 0; n <= dx; n++) {
    setPixel(img, x, y, c);
    const minor = err < 0;
    err += minusDelta + (minor ? plusDelta : 0);
    if (yMajor) {
      y += ySign;
      if (minor) x += 1;
    } else {
      x += 1;
      if (minor) y += ySign;
    }
  }
}

const XY_SHIFT = 16;
const XY_ONE = 1 << XY_SHIFT;
/** An arithmetic right shift of a fixed-point number that may exceed 32 bits. */
const shr = (v: number, bits: number = XY_SHIFT): number => Math.floor(v / 2 ** bits);

/** OpenCV's Line2: the outline of a polygon given in 16-bit fixed point (sub-pixel vertices). */
function lineFixed(img: RgbImage, a: Point, b: Point, c: Rgb): void {
  let [p1, p2] = [{ ...a }, { ...b }];
  const dx0 = p2.x - p1.x;
  const dy0 = p2.y - p1.y;
  const ax = Math.abs(dx0);
  const ay = Math.abs(dy0);
  let xStep: number;
  let yStep: number;
  let count: number;
  if (ax > ay) {
    let dy = dy0;
    if (dx0 < 0) {
      [p1, p2] = [p2, p1];
      dy = -dy;
    }
    xStep = XY_ONE;
    yStep = Math.trunc((dy * XY_ONE) / (ax | 1));
    count = shr(p2.x - p1.x);
  } else {
    let dx = dx0;
    if (dy0 < 0) {
      [p1, p2] = [p2, p1];
      dx = -dx;
    }
    xStep = Math.trunc((dx * XY_ONE) / (ay | 1));
    yStep = XY_ONE;
    count = shr(p2.y - p1.y);
  }
  let x = p1.x + (XY_ONE >> 1);
  let y = p1.y + (XY_ONE >> 1);
  setPixel(img, shr(p2.x + (XY_ONE >> 1)), shr(p2.y + (XY_ONE >> 1)), c);
  // The walk moves one pixel a step along its major axis: the steps before the image are skipped and
  // the walk stops past it, so a line far off the canvas costs no more than one on it.
  if (ax > ay) {
    x = shr(x);
    const skip = Math.max(0, Math.min(-x, count + 1));
    [x, y, count] = [x + skip, y + skip * yStep, Math.min(count - skip, img.width - 1 - x - skip)];
    for (; count >= 0; count--, x++, y += yStep) setPixel(img, x, shr(y), c);
  } else {
    y = shr(y);
    const skip = Math.max(0, Math.min(-y, count + 1));
    [y, x, count] = [y + skip, x + skip * xStep, Math.min(count - skip, img.height - 1 - y - skip)];
    for (; count >= 0; count--, y++, x += xStep) setPixel(img, shr(x), y, c);
  }
}

/**
 * cv2.fillConvexPoly with 8-connected edges, ported line for line: `shift` 0 for whole-pixel vertices
 * (the limbs' ellipses), XY_SHIFT for the sub-pixel ones of a thick line.
 */
export function fillConvexPolygon(img: RgbImage, v: readonly Point[], c: Rgb, shift = 0): void {
  const npts = v.length;
  if (npts === 0) return;
  const delta = shift === 0 ? 0 : 2 ** (shift - 1);
  const first = v[0] as Point;
  let [xmin, xmax, ymin, ymax, imin] = [first.x, first.x, first.y, first.y, 0];
  const scaleUp = 2 ** (XY_SHIFT - shift);
  let p0 = v[npts - 1] as Point;
  for (let i = 0; i < npts; i++) {
    const p = v[i] as Point;
    if (p.y < ymin) [ymin, imin] = [p.y, i];
    ymax = Math.max(ymax, p.y);
    xmax = Math.max(xmax, p.x);
    xmin = Math.min(xmin, p.x);
    if (shift === 0) line8(img, p0, p, c);
    else lineFixed(img, { x: p0.x * scaleUp, y: p0.y * scaleUp }, { x: p.x * scaleUp, y: p.y * scaleUp }, c);
    p0 = p;
  }
  [xmin, xmax, ymin, ymax] = [xmin, xmax, ymin, ymax].map((n) => shr(n + delta, shift)) as [
    number,
    number,
    number,
    number,
  ];
  if (npts < 3 || xmax < 0 || ymax < 0 || xmin >= img.width || ymin >= img.height) return;
  ymax = Math.min(ymax, img.height - 1);

  const edge = [
    { idx: imin, di: 1, x: -XY_ONE, dx: 0, ye: ymin },
    { idx: imin, di: npts - 1, x: -XY_ONE, dx: 0, ye: ymin },
  ];
  let edges = npts;
  let y = ymin;
  do {
    for (const e of edge) {
      if (y < e.ye) continue;
      let idx0 = e.idx;
      let idx = idx0 + e.di;
      if (idx >= npts) idx -= npts;
      while (edges-- > 0) {
        const ty = shr((v[idx] as Point).y + delta, shift);
        if (ty > y) {
          const xs = (v[idx0] as Point).x * scaleUp;
          const xe = (v[idx] as Point).x * scaleUp;
          e.ye = ty;
          e.dx = Math.trunc(((xe - xs) * 2 + (ty - y)) / (2 * (ty - y)));
          e.x = xs;
          e.idx = idx;
          break;
        }
        idx0 = idx;
        idx += e.di;
        if (idx >= npts) idx -= npts;
      }
    }
    if (edges < 0) break;
    if (y < 0) {
      // Rows above the image draw nothing: jump to the first row that draws or changes an edge (each
      // edge's x moves by dx a row), so a polygon reaching far above the canvas costs nothing extra.
      const [e0, e1] = edge as [(typeof edge)[0], (typeof edge)[0]];
      const rows = Math.min(0, e0.ye, e1.ye) - y;
      if (rows > 1) {
        for (const e of edge) e.x += e.dx * (rows - 1);
        y += rows - 1;
      }
    }
    if (y >= 0) {
      const [e0, e1] = edge as [(typeof edge)[0], (typeof edge)[0]];
      const [l, r] = e0.x > e1.x ? [e1, e0] : [e0, e1];
      const xx1 = shr(l.x + (XY_ONE >> 1));
      const xx2 = shr(r.x + (XY_ONE >> 1));
      if (xx2 >= 0 && xx1 < img.width) hline(img, y, xx1, xx2, c);
    }
    for (const e of edge) e.x += e.dx;
  } while (++y <= ymax);
}

/** cv2.circle(..., thickness=-1) with LINE_8: every pixel whose centre is within `radius` of the centre. */
export function fillCircle(img: RgbImage, cx: number, cy: number, radius: number, c: Rgb): void {
  for (let dy = -radius; dy <= radius; dy++) {
    const half = Math.floor(Math.sqrt(radius * radius - dy * dy) + 1e-9);
    hline(img, cy + dy, cx - half, cx + half, c);
  }
}

/**
 * cv2.line(..., thickness=2) as draw_handpose draws a hand's edge (OpenCV's ThickLine): a quadrilateral
 * one pixel either side of the edge, in sub-pixel fixed point, and a round cap of radius 1 at each end.
 */
function thickLine(img: RgbImage, a: Point, b: Point, c: Rgb): void {
  const thickness = 2 * (XY_ONE >> 1); // thickness << (XY_SHIFT - 1)
  const p0 = { x: a.x * XY_ONE, y: a.y * XY_ONE };
  const p1 = { x: b.x * XY_ONE, y: b.y * XY_ONE };
  const dx = (p0.x - p1.x) / XY_ONE;
  const dy = (p1.y - p0.y) / XY_ONE;
  const r2 = dx * dx + dy * dy;
  if (r2 > Number.EPSILON) {
    const r = thickness / Math.sqrt(r2);
    const dp = { x: cvRound(dy * r), y: cvRound(dx * r) };
    const quad = [
      { x: p0.x + dp.x, y: p0.y + dp.y },
      { x: p0.x - dp.x, y: p0.y - dp.y },
      { x: p1.x - dp.x, y: p1.y - dp.y },
      { x: p1.x + dp.x, y: p1.y + dp.y },
    ];
    fillConvexPolygon(img, quad, c, XY_SHIFT);
  }
  const capRadius = shr(thickness + (XY_ONE >> 1));
  for (const p of [p0, p1]) {
    fillCircle(img, shr(p.x + (XY_ONE >> 1)), shr(p.y + (XY_ONE >> 1)), capRadius, c);
  }
}

/** A limb's ellipse exactly as draw_bodypose computes it (truncations included). */
export function limbPolygon(a: Keypoint, b: Keypoint): Point[] {
  const length = Math.hypot(a.x - b.x, a.y - b.y);
  const angle = (Math.atan2(a.y - b.y, a.x - b.x) * 180) / Math.PI;
  const centre = { x: Math.trunc((a.x + b.x) / 2), y: Math.trunc((a.y + b.y) / 2) };
  return ellipsePolygon(centre, { a: Math.trunc(length / 2), b: STICK_WIDTH }, Math.trunc(angle));
}

const pixelOf = (p: Keypoint): Point => ({ x: Math.trunc(p.x), y: Math.trunc(p.y) });

/** The skeleton's figures with keypoints scaled from its canvas to `size`. */
function scaledFigures(skeleton: Skeleton, size: CanvasSize): SkeletonFigure[] {
  const sx = size.width / skeleton.canvas.width;
  const sy = size.height / skeleton.canvas.height;
  if (sx === 1 && sy === 1) return skeleton.figures;
  const scale = (points: readonly MaybeKeypoint[]) =>
    points.map((p) => (p === null ? null : { x: p.x * sx, y: p.y * sy }));
  return skeleton.figures.map((f) => ({
    body: scale(f.body),
    ...(f.face ? { face: scale(f.face) } : {}),
    ...(f.leftHand ? { leftHand: scale(f.leftHand) } : {}),
    ...(f.rightHand ? { rightHand: scale(f.rightHand) } : {}),
  }));
}

/**
 * The skeleton drawn on black at `size` (default: its own canvas). At another size the keypoints are
 * scaled to it (as ControlNet scales its normalised points) while the stick width and joint radius stay
 * in pixels, as the standard rendering keeps them.
 */
export function drawSkeleton(skeleton: Skeleton, size: CanvasSize = skeleton.canvas): RgbImage {
  const img: RgbImage = {
    width: size.width,
    height: size.height,
    data: new Uint8Array(size.width * size.height * 3),
  };
  const figures = scaledFigures(skeleton, size);

  BODY_LIMBS.forEach(([from, to], i) => {
    const colour = OPENPOSE_COLOURS[i] as Rgb;
    for (const f of figures) {
      const a = f.body[from];
      const b = f.body[to];
      if (a && b) fillConvexPolygon(img, limbPolygon(a, b), colour);
    }
  });
  for (let i = 0; i < img.data.length; i++) img.data[i] = Math.floor((img.data[i] ?? 0) * LIMB_DIMMING);
  OPENPOSE_COLOURS.forEach((colour, j) => {
    for (const f of figures) {
      const p = f.body[j];
      if (p) {
        const { x, y } = pixelOf(p);
        fillCircle(img, x, y, JOINT_RADIUS, colour);
      }
    }
  });

  for (const f of figures) {
    for (const hand of [f.leftHand, f.rightHand]) {
      if (!hand) continue;
      HAND_EDGES.forEach(([from, to], i) => {
        const a = hand[from];
        const b = hand[to];
        if (a && b) thickLine(img, pixelOf(a), pixelOf(b), handEdgeColour(i));
      });
      for (const p of hand) {
        if (p) fillCircle(img, pixelOf(p).x, pixelOf(p).y, JOINT_RADIUS, HAND_JOINT_COLOUR);
      }
    }
  }
  for (const f of figures) {
    for (const p of f.face ?? []) {
      if (p) fillCircle(img, pixelOf(p).x, pixelOf(p).y, FACE_POINT_RADIUS, FACE_POINT_COLOUR);
    }
  }
  return img;
}
