import { describe, expect, it } from 'vitest';
import {
  MAX_SCROLL_HEIGHT,
  follow,
  maxReal,
  maxVirtual,
  placeFor,
  respace,
  scrollSpace,
  settle,
  smallStep,
  trackAt,
  virtualAt,
  type ScrollTrack,
} from '../../../renderer/src/features/results/scaled-scroll';

/** A million results in 4 columns of 147 px rows: 36.75 million px, about 2.45 times the cap. */
const MILLION = scrollSpace(12 + 250_000 * 147 + 12, 773);
const rMax = maxReal(MILLION);
const vMax = maxVirtual(MILLION);

/** Follows the scroll container through these real places, one scroll event each. */
const walk = (track: ScrollTrack, reals: number[], space = MILLION): ScrollTrack =>
  reals.reduce((t, real) => follow(space, t, real), track);

describe('the scroll space', () => {
  it('is not scaled at or below the cap, and is capped above it', () => {
    const tenThousand = scrollSpace(12 + 2500 * 147 + 12, 773);
    expect(tenThousand).toEqual({ height: 367_524, realHeight: 367_524, viewport: 773, scaled: false });
    expect(scrollSpace(MAX_SCROLL_HEIGHT, 773).scaled).toBe(false);
    expect(scrollSpace(MAX_SCROLL_HEIGHT + 1, 773)).toMatchObject({
      realHeight: MAX_SCROLL_HEIGHT,
      scaled: true,
    });
    expect(MILLION.realHeight).toBe(15_000_000);
    // Under Chromium's cap (33,554,428 px) and exact in 32-bit floats.
    expect(MAX_SCROLL_HEIGHT).toBeLessThan(2 ** 24);
  });

  it('maps real to virtual unchanged when not scaled', () => {
    const space = scrollSpace(300_000, 800);
    expect(virtualAt(space, { real: 5, virtual: 5 }, 123_456)).toBe(123_456);
    expect(placeFor(space, 98_765)).toEqual({ real: 98_765, virtual: 98_765 });
    expect(follow(space, trackAt({ real: 0, virtual: 0 }), 4321).last).toEqual({ real: 4321, virtual: 4321 });
  });
});

describe('a scaled scroll', () => {
  it('pins both ends, whatever the anchor', () => {
    for (const anchor of [
      { real: 0, virtual: 0 },
      { real: 1000, virtual: 30_000_000 },
      { real: 14_000_000, virtual: 500 },
      { real: rMax / 2, virtual: vMax / 2 },
    ]) {
      expect(virtualAt(MILLION, anchor, 0)).toBe(0);
      expect(virtualAt(MILLION, anchor, rMax)).toBe(vMax);
      expect(virtualAt(MILLION, anchor, rMax + 50)).toBe(vMax);
    }
  });

  it('is increasing through any anchor, and continuous: no real px skips more than a few', () => {
    const drifted = (virtual: number, drift: number) => {
      const p = placeFor(MILLION, virtual);
      return { real: p.real + drift, virtual };
    };
    for (const [anchor, steepest] of [
      [{ real: 7_000_000, virtual: 17_000_000 }, 2.5],
      [drifted(20_000_000, 3000), 2.5],
      [drifted(vMax - 20_000, -3000), 6],
      [drifted(30_000, 3000), 6],
      // Far off its proportional place (no sequence of scrolls leaves it there, but it still works).
      [{ real: 100, virtual: 5_000_000 }, Infinity],
      [{ real: rMax - 100, virtual: 36_000_000 }, Infinity],
    ] as const) {
      let previous = -1;
      const wrong: string[] = [];
      for (let real = 0; real <= rMax; real += 997) {
        const v = virtualAt(MILLION, anchor, real);
        if (v <= previous || (previous >= 0 && v - previous > 997 * steepest))
          wrong.push(`${real}: ${previous} -> ${v}`);
        previous = v;
      }
      expect(wrong).toEqual([]);
      expect(virtualAt(MILLION, anchor, anchor.real)).toBe(anchor.virtual);
    }
  });

  it('moves 1:1 by small scrolls (the wheel, Page Down): pixels, not rows', () => {
    const start = trackAt(placeFor(MILLION, 20_000_000));
    const wheel = walk(start, [start.last.real + 100]);
    expect(wheel.last.virtual - start.last.virtual).toBe(100);
    const pageDown = walk(wheel, [wheel.last.real + 676]);
    expect(pageDown.last.virtual - wheel.last.virtual).toBe(676);
    const back = walk(pageDown, [pageDown.last.real - 776]);
    expect(back.last.virtual).toBe(start.last.virtual);
    // Many notches in a row stay 1:1 (each one is taken from where the last left off).
    const notches = Array.from({ length: 300 }, (_, i) => start.last.real + (i + 1) * 120);
    expect(walk(start, notches).last.virtual - start.last.virtual).toBe(300 * 120);
  });

  it('reaches the last row by the wheel from near the end, however the small scrolls drifted', () => {
    // Far ahead of the proportional place (the wheel moved the content 1:1 for a long way): the room left
    // in real px is less than the content left in virtual px.
    let track = trackAt({ real: rMax - 2000, virtual: vMax - 30_000 });
    let notches = 0;
    while (track.last.real < rMax) {
      track = follow(MILLION, track, Math.min(rMax, track.last.real + 100));
      notches++;
    }
    expect(track.last.virtual).toBe(vMax);
    expect(notches).toBe(20);
    // A pixel past the real end (a fractional viewport height): back from there is 1:1 too.
    expect(follow(MILLION, trackAt({ real: rMax + 1, virtual: vMax }), rMax - 675).last.virtual).toBe(
      vMax - 676,
    );
    // And back to the top the same way.
    track = trackAt({ real: 1500, virtual: 40_000 });
    while (track.last.real > 0) track = follow(MILLION, track, Math.max(0, track.last.real - 100));
    expect(track.last.virtual).toBe(0);
  });

  it('maps a scrollbar drag through a fixed anchor: the same thumb place shows the same rows', () => {
    const start = trackAt({ real: 3_000_000, virtual: 7_000_000 });
    const there = walk(start, [3_050_000, 4_000_000, 9_000_000, 12_345_678]);
    const andBack = walk(there, [9_000_000, 4_000_000, 3_050_000]);
    expect(andBack.last.virtual).toBe(walk(start, [3_050_000]).last.virtual);
    expect(andBack.anchor).toEqual(start.anchor);
    // Dragged to the bottom: the end.
    expect(walk(start, [8_000_000, rMax]).last.virtual).toBe(vMax);
    // Each jump moves the content in proportion: a drag over the whole track crosses the whole list.
    const top = walk(trackAt({ real: 0, virtual: 0 }), [rMax / 2]);
    expect(top.last.virtual / vMax).toBeCloseTo(0.5, 3);
  });

  it('treats a move of up to two viewports as small, and further as a jump', () => {
    expect(smallStep(MILLION)).toBe(2 * 773);
    const start = trackAt(placeFor(MILLION, 20_000_000));
    expect(follow(MILLION, start, start.last.real + 1546).last.virtual).toBe(start.last.virtual + 1546);
    const jump = follow(MILLION, start, start.last.real + 30_000);
    expect(jump.last.virtual - start.last.virtual).toBeGreaterThan(60_000);
    expect(jump.anchor).toEqual(start.anchor);
    // The first small scroll after a jump goes 1:1 from where the jump landed.
    const after = follow(MILLION, jump, jump.last.real + 100);
    expect(after.last.virtual - jump.last.virtual).toBeCloseTo(100, 6);
  });

  it('places a programmatic scroll proportionally, never on an end that is not its target', () => {
    const middle = placeFor(MILLION, vMax / 2);
    expect(middle.virtual).toBe(vMax / 2);
    expect(Math.abs(middle.real - rMax / 2)).toBeLessThanOrEqual(1);
    expect(Number.isInteger(middle.real)).toBe(true);
    expect(placeFor(MILLION, 1)).toEqual({ real: 1, virtual: 1 });
    expect(placeFor(MILLION, vMax - 1).real).toBe(rMax - 1);
    expect(placeFor(MILLION, vMax + 500)).toEqual({ real: rMax, virtual: vMax });
    expect(placeFor(MILLION, -5)).toEqual({ real: 0, virtual: 0 });
    // The scroll event that reports the write shows exactly the target.
    const placed = trackAt(placeFor(MILLION, 12_345_678));
    expect(follow(MILLION, placed, placed.last.real).last.virtual).toBe(12_345_678);
    // So an item's row lands exactly where scrollToIndex aligned it, and small scrolls go on 1:1 from it.
    expect(follow(MILLION, placed, placed.last.real + 40).last.virtual).toBe(12_345_718);
  });
});

describe('a settled scroll', () => {
  it('moves the thumb back to its proportional place once the drift is more than a few viewports', () => {
    const placed = trackAt(placeFor(MILLION, 20_000_000));
    // Three notches of the wheel: left alone.
    const read = walk(
      placed,
      [1, 2, 3].map((n) => placed.last.real + n * 100),
    );
    expect(settle(MILLION, read)).toEqual({ track: read, write: null });
    // A long read down with the wheel (20,000 px, 1:1): the thumb went 20,000 real px, the content's place
    // only 20,000 / 2.45 of them.
    const long = walk(
      placed,
      Array.from({ length: 200 }, (_, i) => placed.last.real + (i + 1) * 100),
    );
    const settled = settle(MILLION, long);
    expect(settled.track.last.virtual).toBe(long.last.virtual);
    expect(settled.write).toBe(placeFor(MILLION, long.last.virtual).real);
    // The write's own scroll event changes nothing.
    expect(follow(MILLION, settled.track, settled.write ?? 0)).toEqual(settled.track);
    expect(settle(scrollSpace(300_000, 773), long).write).toBeNull();
  });
});

describe('a change of space', () => {
  it('keeps the rows shown when the list grows or the window resizes, moving the element only when it must', () => {
    const track = trackAt({ real: 7_000_000, virtual: 17_000_000 });
    const grown = scrollSpace(MILLION.height + 147, 773);
    expect(respace(MILLION, grown, track)).toEqual({ track, write: null });
    const resized = scrollSpace(MILLION.height, 600);
    expect(respace(MILLION, resized, track).track.last.virtual).toBe(17_000_000);
    // At the bottom when the list grows: the real end no longer leads to the virtual end, so it moves.
    const bottom = trackAt({ real: rMax, virtual: vMax });
    const moved = respace(MILLION, grown, bottom);
    expect(moved.track.last.virtual).toBe(vMax);
    expect(moved.write).toBe(placeFor(grown, vMax).real);
    expect(moved.write).toBeLessThan(maxReal(grown));
  });

  it('moves the element into or out of the scaled range, keeping the rows shown', () => {
    const unscaled = scrollSpace(10_000_000, 773);
    const into = respace(unscaled, MILLION, trackAt({ real: 4_000_000, virtual: 4_000_000 }));
    expect(into.track.last.virtual).toBe(4_000_000);
    expect(into.write).toBe(Math.round((4_000_000 * rMax) / vMax));
    const out = respace(MILLION, unscaled, trackAt({ real: 1_000_000, virtual: 2_500_000 }));
    expect(out).toEqual({ track: trackAt({ real: 2_500_000, virtual: 2_500_000 }), write: 2_500_000 });
  });
});
