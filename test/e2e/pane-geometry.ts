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
