import { describe, expect, it } from 'vitest';
import { FlingDetector, PAUSE_MS } from '../../../renderer/src/features/results/fling-detector';

const VIEW = 860;

/** Scroll events of `step` views each, `frameMs` apart; returns the verdict after each. */
function scroll(detector: FlingDetector, steps: { step: number; frameMs: number }[], start = 0): boolean[] {
  let offset = 0;
  let now = start;
  return steps.map(({ step, frameMs }) => {
    now += frameMs;
    offset += Math.round(step * VIEW);
    return detector.moved(offset, now, VIEW);
  });
}

describe('telling a fling from reading (thumbnails wait while flung)', () => {
  it('a fling at 60 Hz is a fling from its second event on', () => {
    const verdicts = scroll(new FlingDetector(), Array(30).fill({ step: 0.25, frameMs: 16.7 }), 5000);
    expect(verdicts[0]).toBe(false);
    expect(verdicts.slice(1).every(Boolean)).toBe(true);
  });

  it('a frame that took 100 ms does not make the fling look like reading', () => {
    // Half a view per event: by the clock 5 views a second (under the speed line), but rows that come into
    // view are gone two events later. Measured by the clock alone, the rows after the slow frame would
    // load their thumbnails, and decoding them would slow the next frame.
    const steps = [
      ...Array(5).fill({ step: 0.5, frameMs: 16.7 }),
      ...Array(5).fill({ step: 0.5, frameMs: 100 }),
    ];
    const verdicts = scroll(new FlingDetector(), steps, 5000);
    expect(verdicts.slice(1).every(Boolean)).toBe(true);
  });

  it('reading at 3 views a second loads thumbnails on the way, at 60 Hz and at 20 Hz', () => {
    for (const frameMs of [16.7, 50]) {
      const step = (3 * frameMs) / 1000;
      const verdicts = scroll(new FlingDetector(), Array(100).fill({ step, frameMs }), 5000);
      expect(verdicts.some(Boolean)).toBe(false);
    }
  });

  it('a jump after a pause (Page Down, a key, scroll to item) is never a fling', () => {
    const detector = new FlingDetector();
    scroll(detector, Array(10).fill({ step: 0.25, frameMs: 16.7 }), 5000);
    const now = 5000 + 10 * 16.7 + PAUSE_MS + 1;
    expect(detector.moved(20 * VIEW, now, VIEW)).toBe(false);
    // A second long jump right after it is the start of a fling.
    expect(detector.moved(21 * VIEW, now + 16.7, VIEW)).toBe(true);
  });

  it('scrolling fast by the clock in small steps is a fling (a 240 Hz display)', () => {
    const verdicts = scroll(new FlingDetector(), Array(20).fill({ step: 0.05, frameMs: 4.2 }), 5000);
    expect(verdicts.slice(1).every(Boolean)).toBe(true);
  });
});
