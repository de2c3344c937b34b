/**
 * The maths of a scroll range taller than the browser can lay out (pure: no DOM, no React).
 *
 * Chromium caps an element's height near 33.5 million px, so a grid of a million results (30 million px
 * and more) cannot be scrolled to its end. Past MAX_SCROLL_HEIGHT the scroll container's content is
 * capped at that height ("real" px, what scrollTop counts) and the rows keep their own, taller layout
 * ("virtual" px, what the virtualizer and every row index count). This maps one onto the other:
 *
 * - A small scroll (the wheel, a trackpad, Page Up/Down, a click in the scrollbar's track) moves the
 *   content by exactly the pixels it scrolled: each one is taken from where the last one left off.
 * - A jump (dragging the scrollbar's thumb, which moves tens of thousands of real px at a time) maps
 *   through a fixed anchor, so a drag is one steady function of the thumb's place: back to where it
 *   started shows the same rows again.
 * - Either way the mapping is continuous and increasing, and both ends are pinned: real 0 is virtual 0
 *   and the real end is the virtual end, so the last row is always reachable, by any means.
 * - A programmatic scroll (scroll to an item, Home, End) is placed proportionally.
 * - Small scrolls move the content 1:1 but the scrollbar's range k times (k = virtual / real range), so
 *   they leave the thumb off its proportional place. Left to grow (a long read down the wheel), that drift
 *   would have to be made up near an end, where the real room runs out first: a jump of many rows in the
 *   last notches. So once a scroll has settled, a drift of more than DRIFT_VIEWPORTS is taken back by
 *   moving the thumb (the element's scrollTop) to the proportional place; the content does not move.
 *
 * At or below MAX_SCROLL_HEIGHT nothing is scaled: real and virtual are the same numbers.
 */

/**
 * The tallest the scroll content is made, in CSS px: well under Chromium's cap (33,554,428 px, measured),
 * and under 2^24, so every whole-pixel position is exact in the compositor's 32-bit floats.
 */
export const MAX_SCROLL_HEIGHT = 15_000_000;

export interface ScrollSpace {
  /** The height the rows need (virtual px). */
  height: number;
  /** The height the scroll content gets (real px): `height`, or the cap. */
  realHeight: number;
  /** The scroll container's visible height. */
  viewport: number;
  scaled: boolean;
}

/** One place, in both measures. */
export interface ScrollPoint {
  real: number;
  virtual: number;
}

/**
 * Where a scroll stands: `last` is the place it was last seen at; `anchor` the place jumps are mapped
 * through (the last small scroll's, or the last programmatic one's).
 */
export interface ScrollTrack {
  anchor: ScrollPoint;
  last: ScrollPoint;
}

export function scrollSpace(height: number, viewport: number, max = MAX_SCROLL_HEIGHT): ScrollSpace {
  const h = Math.max(0, height);
  const scaled = h > max;
  return { height: h, realHeight: scaled ? max : h, viewport: Math.max(0, viewport), scaled };
}

export const maxVirtual = (space: ScrollSpace): number => Math.max(0, space.height - space.viewport);
export const maxReal = (space: ScrollSpace): number => Math.max(0, space.realHeight - space.viewport);

/**
 * A scroll that moves at most this far (real px) is a small one, moved 1:1; further is a jump. Two
 * viewports: more than a page (Page Down, a click in the track) or a wheel notch, far less than a thumb's
 * pixel (over 10,000 real px whenever the range is scaled).
 */
export const smallStep = (space: ScrollSpace): number => Math.max(2 * space.viewport, 1000);

const clamp = (value: number, low: number, high: number): number => Math.min(high, Math.max(low, value));

/**
 * An anchor made consistent with the space: inside both ranges, the ends on the ends. Past the real end
 * it keeps its real place: with a fractional viewport height the browser scrolls up to a pixel past
 * `maxReal` (which counts the rounded clientHeight), and a small scroll back from there still moves 1:1.
 */
function normalise(space: ScrollSpace, point: ScrollPoint): ScrollPoint {
  const rMax = maxReal(space);
  const vMax = maxVirtual(space);
  if (point.real <= 0) return { real: 0, virtual: 0 };
  if (point.real >= rMax) return { real: point.real, virtual: vMax };
  return { real: point.real, virtual: clamp(point.virtual, 0, vMax) };
}

/**
 * The virtual offset shown at real offset `real`, mapped through `anchor`: 1:1 for up to `smallStep` on
 * either side of it (less where an end is near: at most half the room left on that side), then linearly
 * onto what is left up to that end.
 */
export function virtualAt(space: ScrollSpace, anchor: ScrollPoint, real: number): number {
  if (!space.scaled) return real;
  const rMax = maxReal(space);
  const vMax = maxVirtual(space);
  if (real >= rMax) return vMax;
  if (real <= 0) return 0;
  const a = normalise(space, anchor);
  const reach = smallStep(space);
  if (real >= a.real) {
    const roomReal = rMax - a.real;
    const roomVirtual = vMax - a.virtual;
    const near = Math.min(reach, roomReal / 2, roomVirtual / 2);
    const d = real - a.real;
    if (d <= near) return a.virtual + d;
    return a.virtual + near + ((d - near) * (roomVirtual - near)) / (roomReal - near);
  }
  const near = Math.min(reach, a.real / 2, a.virtual / 2);
  const d = a.real - real;
  if (d <= near) return a.virtual - d;
  return a.virtual - near - ((d - near) * (a.virtual - near)) / (a.real - near);
}

/**
 * Where to put the scroll container to show virtual offset `virtual` (a programmatic scroll): the
 * proportional real place, whole px, never on an end unless the target is that end (so the other end
 * stays reachable by scrolling).
 */
export function placeFor(space: ScrollSpace, virtual: number): ScrollPoint {
  if (!space.scaled) return { real: virtual, virtual };
  const rMax = maxReal(space);
  const vMax = maxVirtual(space);
  const v = clamp(virtual, 0, vMax);
  if (v <= 0) return { real: 0, virtual: 0 };
  if (v >= vMax) return { real: rMax, virtual: vMax };
  const real = clamp(Math.round((v * rMax) / vMax), 1, rMax - 1);
  return { real, virtual: v };
}

/** How far (in viewports of real px) the thumb may stand off its proportional place before `settle` moves it. */
export const DRIFT_VIEWPORTS = 4;

/**
 * Once a scroll has settled: the track, and the real place to move the element to (null: stay), so the
 * thumb stands where the content is. Not for a small drift (a drag leaves up to `smallStep` of it): moving
 * the thumb under a pointer that still holds it would make the next drag move jump by as much.
 */
export function settle(space: ScrollSpace, track: ScrollTrack): { track: ScrollTrack; write: number | null } {
  if (!space.scaled) return { track, write: null };
  const placed = placeFor(space, track.last.virtual);
  if (Math.abs(placed.real - track.last.real) <= DRIFT_VIEWPORTS * Math.max(1, space.viewport))
    return { track, write: null };
  return { track: trackAt(placed), write: placed.real };
}

/** A track standing at `point`. */
export const trackAt = (point: ScrollPoint): ScrollTrack => ({ anchor: point, last: point });

/**
 * The track after the scroll container was seen at real offset `real`: a small move goes 1:1 from the
 * last place (which becomes the anchor), a jump maps through the anchor (which stays).
 */
export function follow(space: ScrollSpace, track: ScrollTrack, real: number): ScrollTrack {
  if (!space.scaled) return trackAt({ real, virtual: real });
  if (real === track.last.real) return track;
  const small = Math.abs(real - track.last.real) <= smallStep(space);
  const anchor = small ? track.last : track.anchor;
  const last = { real, virtual: virtualAt(space, anchor, real) };
  return { anchor: small ? last : anchor, last };
}

/**
 * The track in a new space (the count, the row height or the viewport changed), keeping the virtual
 * place shown; `write` is set when the scroll container must move for it (its real place no longer
 * leads to both ends, or the range just became, or stopped being, scaled).
 */
export function respace(
  before: ScrollSpace,
  after: ScrollSpace,
  track: ScrollTrack,
): { track: ScrollTrack; write: number | null } {
  const vMax = maxVirtual(after);
  const virtual = clamp(track.last.virtual, 0, vMax);
  if (!after.scaled) {
    const point = { real: virtual, virtual };
    return { track: trackAt(point), write: before.scaled || virtual !== track.last.virtual ? virtual : null };
  }
  const rMax = maxReal(after);
  const { real } = track.last;
  const inside = real > 0 && real < rMax && virtual > 0 && virtual < vMax;
  const atStart = real === 0 && virtual === 0;
  if (before.scaled && (inside || atStart)) return { track: trackAt({ real, virtual }), write: null };
  const placed = placeFor(after, virtual);
  return { track: trackAt(placed), write: placed.real };
}
