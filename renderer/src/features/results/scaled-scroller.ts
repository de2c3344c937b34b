/**
 * The gallery's scroll container as the virtualizer sees it while the grid is taller than the browser can
 * lay out (scaled-scroll.ts has the maths and why).
 *
 * @tanstack/react-virtual has no notion of a scaled range (TanStack/virtual#616 is open: "the browser's
 * limit, not the virtualizer's"), and its custom `observeElementOffset` and `scrollToFn` options are not
 * enough to add one: it also reads the element's `scrollHeight - clientHeight` itself for its scroll range
 * (ends, clamping, "is this write clamped"). So instead of those options it is handed this stand-in for the
 * element, which answers every read in virtual px (scrollTop, scrollHeight) and turns every write into a
 * real one (scrollTo). The virtualizer then keeps doing all it does (the visible range, overscan, the
 * synchronous re-render in the scroll event, scrollToIndex and its alignment) in one consistent
 * coordinate system, the rows' own. Below the cap the grid hands it the real element, exactly as before.
 *
 * The cells are drawn at their virtual place plus `shift()` (real - virtual): constant while small scrolls
 * move 1:1, so cells that stay in view are not re-rendered.
 */
import {
  follow,
  placeFor,
  respace,
  scrollSpace,
  settle,
  trackAt,
  type ScrollSpace,
  type ScrollTrack,
} from './scaled-scroll';

type Listener = EventListenerOrEventListenerObject;

/** No scroll event for this long: the scroll has settled (the virtualizer's own "is scrolling" delay). */
const SETTLE_MS = 150;

export class ScaledScroller {
  private space: ScrollSpace = scrollSpace(0, 0);
  private track: ScrollTrack;
  private readonly wrapped = new Map<Listener, EventListener>();
  private pendingEvent = 0;
  private settleTimer = 0;
  private readonly onScroll = () => {
    const view = this.element.ownerDocument.defaultView;
    if (!view || !this.space.scaled) return;
    view.clearTimeout(this.settleTimer);
    this.settleTimer = view.setTimeout(() => this.settle(), SETTLE_MS);
  };
  /**
   * Called after the virtualizer has seen a scroll event (and re-rendered, if its range changed): the grid
   * re-renders if the shift it drew its cells with is no longer the one in force.
   */
  afterScroll: (() => void) | null = null;

  constructor(readonly element: HTMLElement) {
    this.track = trackAt({ real: element.scrollTop, virtual: element.scrollTop });
  }

  /** Starts watching for the scroll to settle (`detach` stops it). */
  attach(): void {
    this.element.addEventListener('scroll', this.onScroll, { passive: true });
  }

  /** The scroll has settled: the thumb is moved back to where the content is, if small scrolls drifted it. */
  private settle(): void {
    this.sync();
    const { track, write } = settle(this.space, this.track);
    this.track = track;
    if (write !== null) this.element.scrollTop = write;
  }

  get scaled(): boolean {
    return this.space.scaled;
  }

  /** How far the cells are drawn from their virtual place: real - virtual (0 when not scaled). */
  shift(): number {
    return this.space.scaled ? Math.round(this.track.last.real - this.track.last.virtual) : 0;
  }

  /** Whether the last move was a jump (a drag of the thumb), not a small scroll or a programmatic one. */
  jumped(): boolean {
    return this.space.scaled && this.track.anchor !== this.track.last;
  }

  /** The heights changed (count, row height, viewport): keeps the virtual place shown, moving the element if it must. */
  setSpace(next: ScrollSpace): void {
    const before = this.space;
    if (
      before.height === next.height &&
      before.viewport === next.viewport &&
      before.realHeight === next.realHeight
    )
      return;
    // Not scaled before or after: the virtualizer has the element itself, and nothing here is in use.
    if (!before.scaled && !next.scaled) {
      this.space = next;
      return;
    }
    this.sync();
    const shown = this.track.last.virtual;
    const { track, write } = respace(before, next, this.track);
    this.space = next;
    this.track = track;
    if (write !== null && write !== this.element.scrollTop) this.element.scrollTop = write;
    // The element did not move but what it shows did: say so, as a scroll would.
    else if (track.last.virtual !== shown) this.announce();
  }

  /** Reads the element's real place into the track (once per place: a second read changes nothing). */
  private sync(): void {
    this.track = follow(this.space, this.track, this.element.scrollTop);
  }

  /** Scrolls to a virtual offset: placed proportionally (a programmatic scroll is a jump). Always instant. */
  scrollToVirtual(virtual: number): void {
    const placed = placeFor(this.space, virtual);
    const shown = this.track.last.virtual;
    this.track = trackAt(placed);
    if (placed.real !== this.element.scrollTop) {
      this.element.scrollTo({ top: placed.real, behavior: 'instant' });
      // Clamped (the content is not yet as tall as the space): take what the element did.
      if (this.element.scrollTop !== placed.real) this.sync();
    } else if (placed.virtual !== shown) this.announce();
  }

  /** A scroll event for a change of place that moved no pixel of the element (so the browser sends none). */
  private announce(): void {
    if (this.pendingEvent) return;
    const view = this.element.ownerDocument.defaultView;
    if (!view) return;
    this.pendingEvent = view.requestAnimationFrame(() => {
      this.pendingEvent = 0;
      this.element.dispatchEvent(new Event('scroll'));
    });
  }

  detach(): void {
    const view = this.element.ownerDocument.defaultView;
    if (this.pendingEvent) view?.cancelAnimationFrame(this.pendingEvent);
    view?.clearTimeout(this.settleTimer);
    this.pendingEvent = 0;
    this.element.removeEventListener('scroll', this.onScroll);
  }

  // --- What the virtualizer reads and calls on its scroll element ---------------------------------------

  get ownerDocument(): Document {
    return this.element.ownerDocument;
  }
  get scrollTop(): number {
    this.sync();
    return this.track.last.virtual;
  }
  get scrollLeft(): number {
    return this.element.scrollLeft;
  }
  get scrollHeight(): number {
    return Math.max(this.space.height, this.element.clientHeight);
  }
  get scrollWidth(): number {
    return this.element.scrollWidth;
  }
  get clientHeight(): number {
    return this.element.clientHeight;
  }
  get clientWidth(): number {
    return this.element.clientWidth;
  }
  get style(): CSSStyleDeclaration {
    return this.element.style;
  }
  scrollTo(options: ScrollToOptions): void {
    if (options.top !== undefined) this.scrollToVirtual(options.top);
  }
  addEventListener(type: string, listener: Listener, options?: AddEventListenerOptions | boolean): void {
    if (type !== 'scroll') return this.element.addEventListener(type, listener, options);
    const run: EventListener = (event) => {
      if (typeof listener === 'function') listener(event);
      else listener.handleEvent(event);
      this.afterScroll?.();
    };
    this.wrapped.set(listener, run);
    this.element.addEventListener(type, run, options);
  }
  removeEventListener(type: string, listener: Listener, options?: EventListenerOptions | boolean): void {
    if (type !== 'scroll') return this.element.removeEventListener(type, listener, options);
    const run = this.wrapped.get(listener);
    if (!run) return;
    this.wrapped.delete(listener);
    this.element.removeEventListener(type, run, options);
  }
}
