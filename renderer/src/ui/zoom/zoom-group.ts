/**
 * Linked zoom and pan for a set of panes (compare, survey, the same pose across results, the loupe).
 *
 * d3-zoom does the gestures and their maths in each pane: wheel zoom at the pointer, drag to pan, pinch,
 * scale limits, keeping the image on screen. This group adds what d3-zoom has no notion of: panes that
 * follow each other in the image's relative coordinates (viewport.ts). The pane the person is touching
 * leads: its transform is turned into a RelativeView, and every other pane is set to the same view, in
 * the same input event, so all panes move in the same frame. Transforms are written straight to the
 * layers' style (no React render per wheel tick), which is what keeps 4 panes under 16.7 ms a frame.
 *
 * Unlinked (L), each pane moves alone; linking again keeps the offsets set by hand between them.
 */
import { select, type Selection } from 'd3-selection';
import { zoom, zoomIdentity, type ZoomBehavior, type ZoomTransform } from 'd3-zoom';
import {
  FIT_VIEW,
  NO_OFFSET,
  applyOffset,
  constrainToImage,
  fitScale,
  fromRelative,
  offsetBetween,
  removeOffset,
  toRelative,
  visibleRect,
  type RelativeView,
  type Size,
  type ViewOffset,
} from './viewport';

/** Zooming stops at a quarter of fit and at 16 device pixels per image pixel. */
const MIN_RELATIVE_ZOOM = 0.25;
const MAX_DEVICE_PIXELS_PER_IMAGE_PIXEL = 16;
/** + and - change the zoom by this factor. */
export const ZOOM_STEP = 1.25;

export interface PaneSpec {
  id: string;
  /** The element that takes the gestures and clips the image. */
  element: HTMLElement;
  /** The image's size in pixels (or the size of the region shown, for a figure's region). */
  image: Size;
  /** Draws the pane at this transform (sets the layers' style.transform). */
  render(t: ZoomTransform): void;
}

interface Pane extends PaneSpec {
  size: Size;
  behavior: ZoomBehavior<HTMLElement, unknown>;
  selection: Selection<HTMLElement, unknown, null, undefined>;
  transform: ZoomTransform;
  view: RelativeView;
  offset: ViewOffset;
  /** The last pointer position over the pane (for Z and +/- at the pointer), or null when outside. */
  pointer: [number, number] | null;
  detach(): void;
}

export interface ZoomState {
  linked: boolean;
  /** The leading pane's zoom in device pixels per image pixel (1 = 100%). */
  percent: number;
  /** True when the leading pane shows the whole image. */
  atFit: boolean;
}

const devicePixelRatio = () => (typeof window === 'undefined' ? 1 : window.devicePixelRatio || 1);

export class ZoomGroup {
  private panes = new Map<string, Pane>();
  /** The view every linked pane shows (each through its own offset). */
  private group: RelativeView = FIT_VIEW;
  private linked = true;
  private leaderId: string | null = null;
  /** True while the group itself sets followers, so their zoom events only draw. */
  private following = false;
  private listeners = new Set<() => void>();
  private state: ZoomState = { linked: true, percent: 100, atFit: true };
  private notifyFrame = 0;

  /** The pane whose view the keys change: the one under the pointer, else the last one touched. */
  get leader(): Pane | undefined {
    for (const pane of this.panes.values()) if (pane.pointer) return pane;
    return (this.leaderId ? this.panes.get(this.leaderId) : undefined) ?? this.panes.values().next().value;
  }

  attach(spec: PaneSpec): () => void {
    this.panes.get(spec.id)?.detach();
    const size = measure(spec.element);
    const behavior = zoom<HTMLElement, unknown>()
      // Dragging a slider's divider, a button or a figure box is not a pan.
      .filter((event: Event) => {
        const target = event.target as Element | null;
        if (target?.closest('[data-zoom-ignore]')) return false;
        const mouse = event as MouseEvent;
        return (!mouse.ctrlKey || event.type === 'wheel') && !mouse.button;
      })
      .constrain((t) => {
        const pane = this.panes.get(spec.id);
        return pane ? constrainToImage(t, pane.image, pane.size) : t;
      })
      .on('zoom', (event: { transform: ZoomTransform }) => this.onZoom(spec.id, event.transform));
    const selection = select(spec.element);
    const pointerMove = (event: PointerEvent) => {
      const rect = spec.element.getBoundingClientRect();
      const pane = this.panes.get(spec.id);
      if (pane) pane.pointer = [event.clientX - rect.left, event.clientY - rect.top];
    };
    const pointerLeave = () => {
      const pane = this.panes.get(spec.id);
      if (pane) pane.pointer = null;
    };
    spec.element.addEventListener('pointermove', pointerMove);
    spec.element.addEventListener('pointerleave', pointerLeave);
    const resize = new ResizeObserver(() => this.resize(spec.id));
    resize.observe(spec.element);

    const pane: Pane = {
      ...spec,
      size,
      behavior,
      selection,
      transform: zoomIdentity,
      view: this.group,
      offset: NO_OFFSET,
      pointer: null,
      detach: () => {
        resize.disconnect();
        spec.element.removeEventListener('pointermove', pointerMove);
        spec.element.removeEventListener('pointerleave', pointerLeave);
        selection.on('.zoom', null);
      },
    };
    this.panes.set(spec.id, pane);
    this.setLimits(pane);
    selection.call(behavior).on('dblclick.zoom', null);
    // A new pane joins at the group's view (a survey pane added later lines up with the rest).
    this.follow(pane, this.linked ? this.group : FIT_VIEW);
    return () => {
      pane.detach();
      if (this.panes.get(spec.id) === pane) this.panes.delete(spec.id);
    };
  }

  /** The image of a pane changed (the candidate stepped to another result): keep the view. */
  setImage(id: string, image: Size): void {
    const pane = this.panes.get(id);
    if (!pane || (pane.image.width === image.width && pane.image.height === image.height)) return;
    pane.image = image;
    this.setLimits(pane);
    this.follow(pane, pane.view);
  }

  // --- Commands (keys and toolbar) -----------------------------------------------------------------

  /** Fit the whole image (Ctrl/Cmd+0). */
  fit(): void {
    const pane = this.leader;
    if (pane) this.lead(pane, fromRelative(FIT_VIEW, pane.image, pane.size));
  }

  /** 100%: one image pixel to one device pixel, at the pointer or the centre (Ctrl/Cmd+1). */
  actualSize(): void {
    const pane = this.leader;
    if (!pane) return;
    pane.behavior.scaleTo(pane.selection, 1 / devicePixelRatio(), pane.pointer ?? undefined);
  }

  /** Z: fit and 100% in turn, at the pointer. */
  toggleFit(): void {
    const pane = this.leader;
    if (!pane) return;
    if (Math.abs(pane.view.zoom - 1) < 0.01) this.actualSize();
    else this.fit();
  }

  /** + and -: at the pointer when it is over a pane, else about the centre. */
  zoomBy(factor: number): void {
    const pane = this.leader;
    if (pane) pane.behavior.scaleBy(pane.selection, factor, pane.pointer ?? undefined);
  }

  /** L: link or unlink. Linking takes the leading pane's view and keeps every other pane's offset from it. */
  setLinked(linked: boolean): void {
    if (linked === this.linked) return;
    this.linked = linked;
    if (linked) {
      const leader = this.leader;
      this.group = leader ? leader.view : this.group;
      for (const pane of this.panes.values())
        pane.offset = pane === leader ? NO_OFFSET : offsetBetween(pane.view, this.group);
    }
    this.notify();
  }

  toggleLinked(): void {
    this.setLinked(!this.linked);
  }

  /** Each pane's visible rectangle in image fractions (for tests and the bench, via a data attribute). */
  visibleRects(): Record<string, [number, number, number, number]> {
    const out: Record<string, [number, number, number, number]> = {};
    for (const pane of this.panes.values()) out[pane.id] = visibleRect(pane.transform, pane.image, pane.size);
    return out;
  }

  // --- State for React (the zoom label, the link button) ---------------------------------------------

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): ZoomState => this.state;

  // --- Internals -----------------------------------------------------------------------------------

  private onZoom(id: string, transform: ZoomTransform): void {
    const pane = this.panes.get(id);
    if (!pane) return;
    pane.transform = transform;
    pane.view = toRelative(transform, pane.image, pane.size);
    pane.render(transform);
    if (this.following) {
      this.notify(); // a pane joining or resizing changes the label too
      return;
    }
    // A gesture or a command on this pane: it leads, the others follow in the same event.
    this.leaderId = id;
    if (this.linked) {
      this.group = removeOffset(pane.view, pane.offset);
      for (const other of this.panes.values())
        if (other !== pane) this.follow(other, applyOffset(this.group, other.offset));
    }
    this.notify();
  }

  private lead(pane: Pane, transform: ZoomTransform): void {
    pane.behavior.transform(pane.selection, transform);
  }

  private follow(pane: Pane, view: RelativeView): void {
    this.following = true;
    try {
      pane.behavior.transform(pane.selection, fromRelative(view, pane.image, pane.size));
    } finally {
      this.following = false;
    }
  }

  private resize(id: string): void {
    const pane = this.panes.get(id);
    if (!pane) return;
    const size = measure(pane.element);
    if (size.width === pane.size.width && size.height === pane.size.height) return;
    pane.size = size;
    this.setLimits(pane);
    this.follow(pane, pane.view);
    this.notify();
  }

  private setLimits(pane: Pane): void {
    const fit = fitScale(pane.image, pane.size);
    const max = Math.max(fit * 2, MAX_DEVICE_PIXELS_PER_IMAGE_PIXEL / devicePixelRatio());
    pane.behavior.scaleExtent([fit * MIN_RELATIVE_ZOOM, max]);
  }

  /** React hears about zoom changes once a frame at most. */
  private notify(): void {
    if (this.notifyFrame) return;
    this.notifyFrame = requestAnimationFrame(() => {
      this.notifyFrame = 0;
      const leader = this.leader;
      const percent = leader ? Math.round(leader.transform.k * devicePixelRatio() * 100) : 100;
      const atFit = leader ? Math.abs(leader.view.zoom - 1) < 0.01 : true;
      const { state } = this;
      if (state.linked === this.linked && state.percent === percent && state.atFit === atFit) return;
      this.state = { linked: this.linked, percent, atFit };
      for (const listener of this.listeners) listener();
    });
  }
}

function measure(element: HTMLElement): Size {
  return { width: element.clientWidth || 1, height: element.clientHeight || 1 };
}
