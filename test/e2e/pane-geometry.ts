/**
 * What each zoom pane on the page shows: the transform its canvas was last drawn with (`data-view`, written
 * by the pane as it draws) and the pane's size, turned into the part of its image each pane shows as
 * fractions of the image, and how far two panes disagree in pane pixels.
 */
import type { Page } from 'playwright-core';

export interface PaneGeometry {
  id: string;
  /** The visible part of the image as fractions: x0, y0, x1, y1. */
  rect: [number, number, number, number];
  width: number;
  height: number;
  /** CSS pixels per image pixel. */
  scale: number;
  /** The size of what the pane shows (the image, or the region of it), in image pixels. */
  imageWidth: number;
  imageHeight: number;
  loaded: boolean;
}

/** Runs in the page (passed as a function): reads what each pane drew from its `data-view`. */
export function readPanesInPage(): PaneGeometry[] {
  return [...document.querySelectorAll<HTMLElement>('.zoom-pane')].map((pane) => {
    const [k = 1, x = 0, y = 0, w = 1, h = 1] = (pane.dataset.view ?? '1 0 0 1 1').split(' ').map(Number);
    const W = pane.clientWidth;
    const H = pane.clientHeight;
    return {
      id: pane.dataset.pane ?? '',
      rect: [-x / k / w, -y / k / h, (W - x) / k / w, (H - y) / k / h],
      width: W,
      height: H,
      scale: k,
      imageWidth: w,
      imageHeight: h,
      loaded: pane.dataset.loaded === 'true',
    };
  });
}

export const readPanes = (page: Page): Promise<PaneGeometry[]> => page.evaluate(readPanesInPage);

/** The largest disagreement between any pane and the first, in pane pixels. */
export function paneMismatchPx(panes: readonly PaneGeometry[]): number {
  const first = panes[0];
  if (!first) return 0;
  let worst = 0;
  for (const pane of panes.slice(1))
    for (let i = 0; i < 4; i++) {
      const size = i % 2 === 0 ? pane.width : pane.height;
      const span = i % 2 === 0 ? pane.rect[2] - pane.rect[0] : pane.rect[3] - pane.rect[1];
      // A fraction of the image, in this pane's pixels.
      const px = (Math.abs((pane.rect[i] ?? 0) - (first.rect[i] ?? 0)) * size) / span;
      worst = Math.max(worst, px);
    }
  return worst;
}

/** The colour drawn at a point of the first pane's canvas, as fractions of its width and height. */
export const canvasPixel = (page: Page, fx: number, fy: number): Promise<[number, number, number]> =>
  page.evaluate(
    ([x = 0, y = 0]) => {
      const canvas = document.querySelector<HTMLCanvasElement>('.zoom-pane canvas');
      const data = canvas
        ?.getContext('2d')
        ?.getImageData(Math.floor((canvas.width - 1) * x), Math.floor((canvas.height - 1) * y), 1, 1).data;
      return [data?.[0] ?? -1, data?.[1] ?? -1, data?.[2] ?? -1] as [number, number, number];
    },
    [fx, fy],
  );

/**
 * The darkest colour (the figure's ink) in a vertical band of the first pane's canvas around `fx` of its
 * width (±3%); compare two with `inkDistance`.
 */
export const canvasInk = (page: Page, fx: number): Promise<[number, number, number]> =>
  page.evaluate((x) => {
    const canvas = document.querySelector<HTMLCanvasElement>('.zoom-pane canvas');
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return [-1, -1, -1] as [number, number, number];
    const left = Math.floor((canvas.width - 1) * Math.max(0, x - 0.03));
    const width = Math.max(1, Math.floor(canvas.width * 0.06));
    const band = ctx.getImageData(left, 0, width, canvas.height).data;
    let best: [number, number, number] = [255, 255, 255];
    for (let i = 0; i < band.length; i += 4) {
      const rgb: [number, number, number] = [band[i] ?? 255, band[i + 1] ?? 255, band[i + 2] ?? 255];
      const sum = rgb[0] + rgb[1] + rgb[2];
      // Darker than the paper, but not the pane's own background (#141517) or an edge of it.
      if (sum < best[0] + best[1] + best[2] && sum > 120) best = rgb;
    }
    return best;
  }, fx);

/** How far apart two inks are: the largest difference of one channel (0-255). */
export const inkDistance = (a: readonly number[], b: readonly number[]): number =>
  Math.max(...a.map((c, i) => Math.abs(c - (b[i] ?? 0))));

/** A box on the page, in CSS px. */
export interface Box {
  name: string;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/**
 * Runs in the page: the window's panes as drawn (navigator, stage content, inspector, Generate), the
 * pieces of the stage that sit side by side (a list beside its editor, the gallery beside the inspector).
 */
export function readLayoutPanesInPage(): Box[] {
  const selectors: [string, string][] = [
    ['navigator', '[data-pane="navigator"]'],
    ['generate', '[data-pane="generate"]'],
    ['inspector', '[data-pane="inspector"]'],
    ['results', '.results-main'],
    ['library', '.library-main'],
    ['list', '.list-pane'],
    ['detail', '.detail-pane'],
  ];
  const out: Box[] = [];
  for (const [name, selector] of selectors)
    for (const el of document.querySelectorAll<HTMLElement>(selector)) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      out.push({ name, left: r.left, top: r.top, right: r.right, bottom: r.bottom });
    }
  return out;
}

/** Every pair of panes that overlap by more than half a pixel, and every pane that leaves the window. */
export function layoutProblems(panes: readonly Box[], viewport: { width: number; height: number }): string[] {
  const problems: string[] = [];
  const eps = 0.5;
  for (const p of panes) {
    if (p.left < -eps || p.top < -eps || p.right > viewport.width + eps || p.bottom > viewport.height + eps)
      problems.push(`${p.name} leaves the window: ${JSON.stringify(p)}`);
    if (p.right - p.left < 40) problems.push(`${p.name} is squeezed to ${Math.round(p.right - p.left)} px`);
  }
  for (let i = 0; i < panes.length; i++)
    for (let j = i + 1; j < panes.length; j++) {
      const a = panes[i];
      const b = panes[j];
      if (!a || !b) continue;
      const x = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (x > eps && y > eps)
        problems.push(`${a.name} and ${b.name} overlap by ${Math.round(x)}x${Math.round(y)} px`);
    }
  return problems;
}

export const readLayoutPanes = (page: Page): Promise<Box[]> => page.evaluate(readLayoutPanesInPage);

/**
 * Runs in the page: each control of every toolbar and pane header that is not moved into an overflow
 * menu must be whole inside its toolbar and the window, and on top (not covered by another pane). Text
 * that was cut short (an ellipsis) is a problem too. Returns the problems, and for each toolbar with a
 * "More" button, the ids of the items it holds.
 */
export function toolbarControlsInPage(): { problems: string[]; overflowed: Record<string, string[]> } {
  const problems: string[] = [];
  const overflowed: Record<string, string[]> = {};
  const bars = document.querySelectorAll<HTMLElement>(
    '.toolbar, .list-pane-header, .library-header, .generate-header, .topbar, .filter-row',
  );
  const name = (el: Element) =>
    el.getAttribute('aria-label') ??
    el.getAttribute('title') ??
    (el.textContent ?? '').trim().slice(0, 30) ??
    el.tagName;
  for (const bar of bars) {
    const b = bar.getBoundingClientRect();
    if (b.width === 0) continue;
    const label = bar.getAttribute('aria-label') ?? bar.className;
    const hidden = [...bar.querySelectorAll<HTMLElement>('[data-toolbar-item][hidden]')]
      .filter((el) => el.closest('.overflow-toolbar') === bar)
      .map((el) => el.dataset.toolbarItem ?? '');
    if (hidden.length > 0) overflowed[label] = hidden;
    const controls = bar.querySelectorAll<HTMLElement>(
      'button, input:not([type="radio"]):not([type="checkbox"]), select, [role="separator"], .results-count',
    );
    for (const control of controls) {
      if (control.closest('[hidden], .menu-panel, .popover-panel, .visually-hidden')) continue;
      const r = control.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const inside =
        r.left >= b.left - 1 &&
        r.right <= b.right + 1 &&
        r.top >= b.top - 1 &&
        r.bottom <= b.bottom + 1 &&
        r.left >= -1 &&
        r.right <= window.innerWidth + 1 &&
        r.bottom <= window.innerHeight + 1;
      if (!inside) problems.push(`"${name(control)}" is clipped in ${label}`);
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      if (hit && !control.contains(hit) && !hit.contains(control) && !control.closest('label')?.contains(hit))
        problems.push(`"${name(control)}" in ${label} is covered by ${hit.className || hit.tagName}`);
      if (
        control.scrollWidth > control.clientWidth + 1 &&
        getComputedStyle(control).textOverflow === 'ellipsis'
      )
        problems.push(`"${name(control)}" in ${label} is cut short`);
    }
  }
  return { problems, overflowed };
}

export const readToolbarControls = (page: Page) => page.evaluate(toolbarControlsInPage);

/** How many columns the results grid and the pose grid show (0 when not shown). */
export const gridColumns = (page: Page): Promise<{ results: number; poses: number }> =>
  page.evaluate(() => {
    const cells = [...document.querySelectorAll<HTMLElement>('.gallery-grid .cell')];
    const top = cells[0]?.getBoundingClientRect().top;
    const results = cells.filter((c) => Math.abs(c.getBoundingClientRect().top - (top ?? 0)) < 1).length;
    const grid = document.querySelector<HTMLElement>('.pose-grid');
    const poses = grid ? getComputedStyle(grid).gridTemplateColumns.split(' ').filter(Boolean).length : 0;
    return { results, poses };
  });
