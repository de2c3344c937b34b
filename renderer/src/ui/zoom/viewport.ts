/**
 * Zoom and pan in the image's own relative coordinates, so panes showing images of different sizes (a
 * 1024 px sheet beside its 2048 px upscale, a figure's region cut from each) stay aligned.
 *
 * A pane's screen transform is d3-zoom's (k, x, y): image pixel (px, py) is drawn at (x + k px, y + k py)
 * in the pane. Linking needs a size-free description of the same view, which d3-zoom does not have:
 * `RelativeView` is the zoom relative to "fit" and the image point at the pane's centre, as fractions of
 * the image's width and height. Converting one pane's transform to a RelativeView and back into another
 * pane's transform shows the same part of each image, whatever their pixel sizes.
 */
import { zoomIdentity, type ZoomTransform } from 'd3-zoom';

export interface Size {
  width: number;
  height: number;
}

/** The same view, independent of image and pane size. */
export interface RelativeView {
  /** 1 = the whole image fits the pane; 2 = twice that. */
  zoom: number;
  /** The image point at the pane's centre, 0..1 across the image's width and height. */
  cx: number;
  cy: number;
}

export const FIT_VIEW: RelativeView = { zoom: 1, cx: 0.5, cy: 0.5 };

/** The scale at which the whole image fits the pane (never 0, even before layout). */
export function fitScale(image: Size, pane: Size): number {
  const scale = Math.min(pane.width / image.width, pane.height / image.height);
  return Number.isFinite(scale) && scale > 0 ? scale : 1;
}

export function toRelative(t: ZoomTransform, image: Size, pane: Size): RelativeView {
  return {
    zoom: t.k / fitScale(image, pane),
    cx: (pane.width / 2 - t.x) / t.k / image.width,
    cy: (pane.height / 2 - t.y) / t.k / image.height,
  };
}

export function fromRelative(view: RelativeView, image: Size, pane: Size): ZoomTransform {
  const k = view.zoom * fitScale(image, pane);
  return zoomIdentity
    .translate(pane.width / 2 - view.cx * image.width * k, pane.height / 2 - view.cy * image.height * k)
    .scale(k);
}

/**
 * The part of the image a pane shows, as fractions of the image (x0, y0, x1, y1). Two linked panes show
 * equal rectangles; tests and the bench compare them in pane pixels.
 */
export function visibleRect(t: ZoomTransform, image: Size, pane: Size): [number, number, number, number] {
  return [
    -t.x / t.k / image.width,
    -t.y / t.k / image.height,
    (pane.width - t.x) / t.k / image.width,
    (pane.height - t.y) / t.k / image.height,
  ];
}

/**
 * Keeps the image on screen: smaller than the pane, it is centred on that axis; larger, its edges may not
 * come inside the pane's. Used for the leading pane's gestures (followers take the leader's view as is).
 */
export function constrainToImage(t: ZoomTransform, image: Size, pane: Size): ZoomTransform {
  const clamp = (offset: number, shown: number, room: number) =>
    shown <= room ? (room - shown) / 2 : Math.min(0, Math.max(room - shown, offset));
  const x = clamp(t.x, image.width * t.k, pane.width);
  const y = clamp(t.y, image.height * t.k, pane.height);
  return x === t.x && y === t.y ? t : zoomIdentity.translate(x, y).scale(t.k);
}

/**
 * A pane's view relative to the group's, kept when panes are unlinked, moved by hand and linked again
 * (Lightroom keeps such an offset too). Identity: the pane shows exactly the group's view.
 */
export interface ViewOffset {
  zoom: number;
  dx: number;
  dy: number;
}
export const NO_OFFSET: ViewOffset = { zoom: 1, dx: 0, dy: 0 };

export const applyOffset = (view: RelativeView, o: ViewOffset): RelativeView => ({
  zoom: view.zoom * o.zoom,
  cx: view.cx + o.dx,
  cy: view.cy + o.dy,
});
export const removeOffset = (view: RelativeView, o: ViewOffset): RelativeView => ({
  zoom: view.zoom / o.zoom,
  cx: view.cx - o.dx,
  cy: view.cy - o.dy,
});
export const offsetBetween = (view: RelativeView, group: RelativeView): ViewOffset => ({
  zoom: view.zoom / group.zoom,
  dx: view.cx - group.cx,
  dy: view.cy - group.cy,
});
