/** A width x height grid of 0/1 cells, row-major: the foreground of a sheet at analysis scale. */
export interface BinaryMask {
  width: number;
  height: number;
  cells: Uint8Array;
}

/**
 * Grows the foreground by `radius` cells in every direction (a square structuring element), as two
 * separable passes of a sliding window count: O(cells) whatever the radius. This is what lets the
 * disjoint parts of one skeleton (OpenPose leaves a gap wherever it missed a joint) join into one figure.
 */
export function dilate(mask: BinaryMask, radius: number): BinaryMask {
  if (radius <= 0) return mask;
  const { width, height } = mask;
  const horizontal = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) slideWindow(mask.cells, horizontal, y * width, 1, width, radius);
  const out = new Uint8Array(width * height);
  for (let x = 0; x < width; x++) slideWindow(horizontal, out, x, width, height, radius);
  return { width, height, cells: out };
}

/** out[i] = 1 when any of the cells within `radius` of i along one line (start, step, length) is set. */
function slideWindow(
  src: Uint8Array,
  out: Uint8Array,
  start: number,
  step: number,
  length: number,
  radius: number,
) {
  let count = 0;
  // The window for position i covers [i - radius, i + radius]; prime it with [0, radius - 1].
  for (let i = 0; i < Math.min(radius, length); i++) count += src[start + i * step] ?? 0;
  for (let i = 0; i < length; i++) {
    const enter = i + radius;
    const leave = i - radius - 1;
    if (enter < length) count += src[start + enter * step] ?? 0;
    if (leave >= 0) count -= src[start + leave * step] ?? 0;
    out[start + i * step] = count > 0 ? 1 : 0;
  }
}

export interface Component {
  /** Inclusive bounds in cells. */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** Foreground cells (of the undilated mask, when one is given) inside this component. */
  area: number;
}

/**
 * 8-connected components of `grouping` (usually the dilated mask), with bounds and area measured on
 * `exact` (the undilated mask), so dilation groups parts without inflating the boxes.
 */
export function connectedComponents(grouping: BinaryMask, exact: BinaryMask = grouping): Component[] {
  const { width, height, cells } = grouping;
  const labels = new Int32Array(width * height).fill(-1);
  const stack = new Int32Array(width * height);
  const components: Component[] = [];
  for (let seed = 0; seed < cells.length; seed++) {
    if (cells[seed] === 0 || labels[seed] !== -1) continue;
    const label = components.length;
    const component: Component = { x0: width, y0: height, x1: -1, y1: -1, area: 0 };
    let top = 0;
    stack[top++] = seed;
    labels[seed] = label;
    while (top > 0) {
      const index = stack[--top] ?? 0;
      const x = index % width;
      const y = (index - x) / width;
      if (exact.cells[index] === 1) {
        component.area++;
        if (x < component.x0) component.x0 = x;
        if (x > component.x1) component.x1 = x;
        if (y < component.y0) component.y0 = y;
        if (y > component.y1) component.y1 = y;
      }
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const next = ny * width + nx;
          if (cells[next] === 1 && labels[next] === -1) {
            labels[next] = label;
            stack[top++] = next;
          }
        }
      }
    }
    // A dilated blob with no exact pixels in it cannot happen, but guard the bounds anyway.
    if (component.area > 0) components.push(component);
  }
  return components;
}
