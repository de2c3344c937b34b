/**
 * Decoded images for the zoom panes, as ImageBitmaps with a mip chain, kept in a small LRU by bytes.
 *
 * Why not <img> with a CSS transform: with software raster (no GPU, and many laptops' fallback) Chromium
 * rescales a 4096² JPEG on every zoom step, which measured p95 frames of ~100 ms with two panes. A
 * decoded bitmap drawn to a canvas from the mip level nearest the displayed size costs about the pane's
 * own pixels per frame, whatever the image's size; and stepping back to a result already seen (compare's
 * ←/→, reopening compare) draws at once from the cache.
 *
 * Decoding goes through an <img> and `decode()` (off the main thread in Chromium; works for the app's
 * media protocol and the browser host alike, under the CSP's img-src), then `createImageBitmap`.
 */

/** A decoded image to draw from: the decoded <img> itself (level 0 of a whole image) or an ImageBitmap. */
export type Level = (HTMLImageElement | ImageBitmap) & { readonly width: number; readonly height: number };

export interface Mipmapped {
  /** Level 0 is the full image (or region); each next level is half the size. */
  levels: Level[];
  width: number;
  height: number;
  /** Resolves once every level is an ImageBitmap and the half-size levels exist (zooming is then cheapest). */
  settled: Promise<void>;
}

export interface SourceRegion {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Mips stop at this size: below it level 0's neighbour is small enough to minify directly. */
const SMALLEST_LEVEL = 256;
/** Decoded pixels kept for reuse (4 bytes each): about nine 4096² images, or a survey of 2048² ones many times. */
const BUDGET_BYTES = 640 * 1024 * 1024;

interface Entry {
  promise: Promise<Mipmapped>;
  value?: Mipmapped;
  bytes: number;
  users: number;
}

const entries = new Map<string, Entry>();

const keyOf = (src: string, region?: SourceRegion) =>
  region ? `${src}#${region.x},${region.y},${region.width},${region.height}` : src;

async function decode(src: string, region?: SourceRegion): Promise<Mipmapped> {
  const img = new Image();
  img.decoding = 'async';
  img.src = src;
  await img.decode();
  // A whole image is drawn from the decoded <img> itself: copying it into an ImageBitmap measured ~0.5 s
  // on the main thread for a 4096² JPEG. A region is cut out once (it is small).
  if (!region)
    return { levels: [img], width: img.naturalWidth, height: img.naturalHeight, settled: Promise.resolve() };
  const cut = await createImageBitmap(img, region.x, region.y, region.width, region.height);
  return { levels: [cut], width: cut.width, height: cut.height, settled: Promise.resolve() };
}

/**
 * Makes level 0 an ImageBitmap (an <img> may have its decoded pixels dropped by the browser and decoded
 * again while drawing), then adds half-size levels down to SMALLEST_LEVEL, each from the one above.
 */
async function buildMips(image: Mipmapped): Promise<number> {
  let bytes = 0;
  const first = image.levels[0];
  if (first && !(first instanceof ImageBitmap)) image.levels[0] = await createImageBitmap(first);
  let last: Level | undefined = image.levels[0];
  while (last && Math.max(last.width, last.height) > SMALLEST_LEVEL * 2) {
    const next = await createImageBitmap(last, {
      resizeWidth: Math.max(1, Math.round(last.width / 2)),
      resizeHeight: Math.max(1, Math.round(last.height / 2)),
      resizeQuality: 'medium',
    });
    image.levels.push(next);
    bytes += next.width * next.height * 4;
    last = next;
  }
  return bytes;
}

function evict(): void {
  let total = 0;
  for (const entry of entries.values()) total += entry.bytes;
  // Oldest first (Map keeps insertion order; a use re-inserts), never one a pane is drawing.
  for (const [key, entry] of entries) {
    if (total <= BUDGET_BYTES) break;
    if (entry.users > 0 || !entry.value) continue;
    for (const level of entry.value.levels) if (level instanceof ImageBitmap) level.close();
    entries.delete(key);
    total -= entry.bytes;
  }
}

/**
 * The decoded image (or a region of it), shared by every pane that shows it. `release` when done; the
 * bitmap then stays cached until the budget needs its room.
 */
export function acquireBitmap(
  src: string,
  region?: SourceRegion,
  options: { preview?: boolean } = {},
): { promise: Promise<Mipmapped>; release(): void } {
  const key = keyOf(src, region);
  let entry = entries.get(key);
  if (entry) {
    entries.delete(key); // most recently used goes last
    entries.set(key, entry);
  } else {
    const created: Entry = { promise: Promise.resolve(null as unknown as Mipmapped), bytes: 0, users: 0 };
    created.promise = decode(src, region).then((value) => {
      created.value = value;
      created.bytes = value.width * value.height * 4;
      evict();
      // Mips once the browser is idle: the first paint comes first (at fit the preview is drawn anyway).
      // Idle, or within half a second at the latest (a page animating every frame is never idle).
      const later = (run: () => void) =>
        window.requestIdleCallback
          ? window.requestIdleCallback(run, { timeout: 500 })
          : window.setTimeout(run, 50);
      value.settled = new Promise<void>((resolve) =>
        later(
          () =>
            void buildMips(value).then(
              (extra) => {
                created.bytes += extra;
                resolve();
              },
              () => resolve(),
            ),
        ),
      );
      return value;
    });
    created.promise.catch(() => entries.delete(key));
    if (options.preview) trackPreview(created.promise);
    entries.set(key, created);
    entry = created;
  }
  const held = entry;
  held.users += 1;
  let released = false;
  return {
    promise: held.promise,
    release: () => {
      if (released) return;
      released = true;
      held.users -= 1;
      evict();
    },
  };
}

/** Starts decoding previews of images the person is likely to open next (a selection of two before C). */
export function prefetchBitmap(src: string): void {
  acquireBitmap(src, undefined, { preview: true }).release();
}

// Previews before full images. Opening compare decodes every pane's 640 px preview (a few ms each) and
// then its full image (a 4096² JPEG: 100 ms and more). Started as each pane's own preview arrived, a
// pane mounted a little later had its preview decode beside another pane's full image, on 2 cores. Most
// of compare's 160-500 ms to sharp came from the late pane itself (it waited for its result's details:
// useResultSummaries now spares that); this keeps a later pane's preview from queueing behind a 4096 px
// decode (test/bench/compare-zoom.ts: 81-96 ms with both).
let previewsInFlight = 0;
let previewWaiters: (() => void)[] = [];
/** A preview that never arrives (a stalled read) holds full images back no longer than this. */
const PREVIEW_WAIT_MS = 400;

function trackPreview(decoding: Promise<unknown>): void {
  previewsInFlight += 1;
  const done = () => {
    previewsInFlight -= 1;
    if (previewsInFlight > 0) return;
    const waiters = previewWaiters;
    previewWaiters = [];
    for (const wake of waiters) wake();
  };
  decoding.then(done, done);
}

/** Resolves once no preview is being decoded (or after PREVIEW_WAIT_MS): full images start then. */
export function afterPreviews(): Promise<void> {
  if (previewsInFlight === 0) return Promise.resolve();
  return new Promise((resolve) => {
    previewWaiters.push(resolve);
    window.setTimeout(resolve, PREVIEW_WAIT_MS);
  });
}

/** The level to draw at `scale` device pixels per level-0 pixel: the smallest one still at least that sharp. */
export function levelFor(image: Mipmapped, scale: number): { bitmap: Level; factor: number } {
  let chosen = image.levels[0] as Level;
  for (const level of image.levels) {
    const factor = level.width / image.width;
    if (factor >= scale) chosen = level;
    else break;
  }
  return { bitmap: chosen, factor: chosen.width / image.width };
}
