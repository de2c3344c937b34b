/**
 * Tells a fling (the grid scrolled past faster than anyone looks at it) from reading, one scroll event at
 * a time. While flung, cells that come into view wait to load their thumbnail until the scroll slows or
 * stops (as Lightroom and Photos do): loading and decoding ten images a frame is what would make a
 * fling stutter.
 *
 * Two measures, because a fling can be told by either:
 * - speed by the clock: faster than FLING_VIEWPORTS_PER_SECOND;
 * - distance per event: more than FLING_SHARE_PER_EVENT of the view in one scroll event (browsers send
 *   at most one per frame), so a row that comes into view is gone again within about three frames.
 *
 * The second keeps a slow frame from passing for slow scrolling. Measured by the clock alone, one frame
 * that took 100 ms (decoding the thumbnails of the rows before) made the next jump look slow, so its rows
 * loaded their thumbnails too, whose decoding slowed the next frame: a fling that fed itself images.
 *
 * A jump after a pause (a key, Page Down, one wheel notch, "scroll to item") is never a fling: it lands
 * where the person wants to look.
 */
export const FLING_VIEWPORTS_PER_SECOND = 8;
export const FLING_SHARE_PER_EVENT = 1 / 3;
/** Longer than this between two scroll events, the second starts a new movement. */
export const PAUSE_MS = 150;

export class FlingDetector {
  private offset = 0;
  private time = Number.NEGATIVE_INFINITY;

  /** The state after the view moved to `offset` (px) at `now` (ms); `viewport` is the view's height. */
  moved(offset: number, now: number, viewport: number): boolean {
    const distance = Math.abs(offset - this.offset) / Math.max(1, viewport);
    const elapsed = now - this.time;
    this.offset = offset;
    this.time = now;
    if (elapsed > PAUSE_MS) return false;
    const perSecond = distance * (1000 / Math.max(1, elapsed));
    return perSecond > FLING_VIEWPORTS_PER_SECOND || distance > FLING_SHARE_PER_EVENT;
  }
}
