/**
 * The foreground of a sheet at analysis scale, a width x height grid of cells kept as its horizontal
 * runs of set cells (a sheet is mostly background: a few thousand runs stand for half a million cells),
 * and its figures found from those runs (componentsWithin).
 */

export interface Component {
  /** Inclusive bounds in cells. */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** Set cells of the undilated mask inside this component. */
  area: number;
}

/** The mask's horizontal runs of set cells, in row-major order. */
export interface MaskRuns {
  width: number;
  height: number;
  count: number;
  rows: Int32Array;
  starts: Int32Array;
  /** Inclusive. */
  ends: Int32Array;
  /** rowFirst[y] is the first run of row y; rowFirst[height] is `count`. */
  rowFirst: Int32Array;
}

/** Collects runs into MaskRuns: rows in order, each row's runs left to right. */
export class RunsBuilder {
  private count = 0;
  private capacity = 1024;
  private rows: Int32Array = new Int32Array(this.capacity);
  private starts: Int32Array = new Int32Array(this.capacity);
  private ends: Int32Array = new Int32Array(this.capacity);
  private readonly rowFirst: Int32Array;
  private nextRow = 0;

  constructor(
    private readonly width: number,
    private readonly height: number,
  ) {
    this.rowFirst = new Int32Array(height + 1);
  }

  /** The run of set cells from `start` to `end` (inclusive) in row `y`. */
  add(y: number, start: number, end: number): void {
    while (this.nextRow <= y) this.rowFirst[this.nextRow++] = this.count;
    if (this.count === this.capacity) {
      this.capacity *= 2;
      this.rows = grown(this.rows, this.capacity);
      this.starts = grown(this.starts, this.capacity);
      this.ends = grown(this.ends, this.capacity);
    }
    this.rows[this.count] = y;
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.count++;
  }

  finish(): MaskRuns {
    while (this.nextRow <= this.height) this.rowFirst[this.nextRow++] = this.count;
    const { width, height, count, rows, starts, ends, rowFirst } = this;
    return { width, height, count, rows, starts, ends, rowFirst };
  }
}

function grown(array: Int32Array, length: number): Int32Array {
  const bigger = new Int32Array(length);
  bigger.set(array);
  return bigger;
}

/**
 * The mask's figures at a given reach: exactly the components of the mask dilated by `radius` (a
 * (2 radius + 1) square around every set cell, clipped to the grid), 8-connected, with bounds and area
 * measured on the undilated cells, in the order of each dilated component's first cell in row-major
 * order. The dilation groups the disjoint parts of one skeleton (OpenPose leaves a gap wherever it
 * missed a joint) without inflating the boxes.
 *
 * Computed without building the dilated grid: two set cells fall in one dilated component when their
 * squares overlap or touch, that is when they are at most 2 radius + 1 cells apart along both axes
 * (and chains of such pairs). So runs of set cells are joined (union-find) with the runs of the rows up
 * to that far above whose horizontal gap to them is at most that; the work is a little per run, where
 * dilating and labelling the grid read and wrote every cell several times (most of an import's time in
 * finding figures). test/unit/images/figures-from-pixels.test.ts checks it against the
 * dilate-then-label definition.
 */
export function componentsWithin(runs: MaskRuns, radius: number): Component[] {
  const { width, height, count, rows, starts, ends, rowFirst } = runs;
  const reach = 2 * Math.max(0, radius) + 1;
  const parents = new Int32Array(count);
  for (let r = 0; r < count; r++) parents[r] = r;
  const find = (run: number): number => {
    let r = run;
    while (parents[r] !== r) {
      const grand = parents[parents[r] as number] as number;
      parents[r] = grand; // path halving
      r = grand;
    }
    return r;
  };
  const union = (a: number, b: number): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra < rb) parents[rb] = ra;
    else if (rb < ra) parents[ra] = rb;
  };

  // For each of the `reach` rows above, the first of its runs that may still touch the runs to come.
  const from = new Int32Array(reach);
  for (let y = 0; y < height; y++) {
    const first = rowFirst[y] as number;
    const end = rowFirst[y + 1] as number;
    if (first === end) continue;
    for (let d = 1; d <= reach; d++) from[d - 1] = y - d >= 0 ? (rowFirst[y - d] as number) : 0;
    for (let r = first; r < end; r++) {
      const start = starts[r] as number;
      const stop = ends[r] as number;
      // In the same row, the run before this one, when the gap between them is small enough (runs
      // further left are then joined through it).
      if (r > first && start - (ends[r - 1] as number) <= reach) union(r, r - 1);
      for (let d = 1; d <= reach && y - d >= 0; d++) {
        const rowEnd = rowFirst[y - d + 1] as number;
        let k = from[d - 1] as number;
        // Runs ending too far left cannot touch this run nor any later one of this row.
        while (k < rowEnd && (ends[k] as number) < start - reach) k++;
        from[d - 1] = k;
        for (let j = k; j < rowEnd && (starts[j] as number) <= stop + reach; j++) union(r, j);
      }
    }
  }

  const numberOf = new Int32Array(count).fill(-1);
  const components: Component[] = [];
  for (let r = 0; r < count; r++) {
    const root = find(r);
    let n = numberOf[root] as number;
    if (n === -1) {
      n = components.length;
      numberOf[root] = n;
      components.push({ x0: width, y0: height, x1: -1, y1: -1, area: 0 });
    }
    const c = components[n] as Component;
    const y = rows[r] as number;
    const start = starts[r] as number;
    const stop = ends[r] as number;
    c.area += stop - start + 1;
    if (start < c.x0) c.x0 = start;
    if (stop > c.x1) c.x1 = stop;
    if (y < c.y0) c.y0 = y;
    if (y > c.y1) c.y1 = y;
  }

  // The dilated component's first cell: its top row is `radius` above its first set cell (clipped);
  // in that row it starts `radius` left of the leftmost set cell within `radius` rows below it.
  const top = components.map((c) => Math.max(0, c.y0 - radius));
  const left = components.map(() => width);
  for (let r = 0; r < count; r++) {
    const n = numberOf[find(r)] as number;
    if ((rows[r] as number) <= (top[n] as number) + radius && (starts[r] as number) < (left[n] as number))
      left[n] = starts[r] as number;
  }
  const order = components.map((_, n) => n);
  const firstCell = (n: number) => (top[n] as number) * width + Math.max(0, (left[n] as number) - radius);
  order.sort((a, b) => firstCell(a) - firstCell(b));
  return order.map((n) => components[n] as Component);
}
