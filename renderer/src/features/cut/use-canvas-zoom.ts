import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { Size } from './box-editing';

/** Space around the image at fit, in screen pixels, so boxes on the image's edge stay grabbable. */
export const CANVAS_MARGIN = 24;
const STEP = 1.25;
const MIN_ZOOM = 0.05;
const MAX_ZOOM = 8;

interface Anchor {
  /** The image point that must stay under `screen`. */
  image: { x: number; y: number };
  /** Where it was, relative to the viewport's top-left. */
  screen: { x: number; y: number };
}

/**
 * The cut editor's zoom, as in the loupe (UI.md, "Zoom"): fit by default, 100% is one image pixel per
 * screen pixel, + and - step by 1.25, and every change keeps the image point under the pointer (or the
 * view's centre) where it was. Panning is the viewport's own scrolling, so the wheel, the scroll bars and
 * Space+drag all pan the same view.
 */
export function useCanvasZoom(image: Size) {
  const viewportRef = useRef<HTMLDivElement>(null);
  const [viewport, setViewport] = useState<Size>({ width: 0, height: 0 });
  const [zoom, setZoom] = useState<'fit' | number>('fit');
  const anchor = useRef<Anchor | null>(null);

  useEffect(() => {
    const element = viewportRef.current;
    if (!element) return;
    const observer = new ResizeObserver(() =>
      setViewport({ width: element.clientWidth, height: element.clientHeight }),
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const fitScale =
    viewport.width > 0
      ? Math.max(
          MIN_ZOOM,
          Math.min(
            (viewport.width - 2 * CANVAS_MARGIN) / image.width,
            (viewport.height - 2 * CANVAS_MARGIN) / image.height,
          ),
        )
      : 0;
  const scale = zoom === 'fit' ? fitScale : zoom;

  // After a zoom renders, scroll so the anchored image point is back under the pointer.
  useLayoutEffect(() => {
    const element = viewportRef.current;
    const a = anchor.current;
    if (!element || !a) return;
    anchor.current = null;
    const stage = element.querySelector<HTMLElement>('[data-cut-stage]');
    if (!stage) return;
    const stageLeft = stage.offsetLeft;
    const stageTop = stage.offsetTop;
    element.scrollLeft = stageLeft + a.image.x * scale - a.screen.x;
    element.scrollTop = stageTop + a.image.y * scale - a.screen.y;
  }, [scale]);

  /** The image point at a viewport-relative screen point, with the current scale. */
  const imagePointAt = useCallback(
    (screen: { x: number; y: number }) => {
      const element = viewportRef.current;
      const stage = element?.querySelector<HTMLElement>('[data-cut-stage]');
      if (!element || !stage || scale <= 0) return { x: image.width / 2, y: image.height / 2 };
      return {
        x: (element.scrollLeft + screen.x - stage.offsetLeft) / scale,
        y: (element.scrollTop + screen.y - stage.offsetTop) / scale,
      };
    },
    [image.height, image.width, scale],
  );

  /** Zooms to `next`, keeping the image point under `client` (a pointer position) or the view's centre. */
  const zoomTo = useCallback(
    (next: 'fit' | number, client?: { x: number; y: number }) => {
      const element = viewportRef.current;
      if (!element) return;
      const box = element.getBoundingClientRect();
      const screen = client
        ? { x: client.x - box.left, y: client.y - box.top }
        : { x: element.clientWidth / 2, y: element.clientHeight / 2 };
      if (next !== 'fit') anchor.current = { image: imagePointAt(screen), screen };
      setZoom(next === 'fit' ? 'fit' : Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, next)));
    },
    [imagePointAt],
  );

  // The ref apart from the zoom's values and actions, so a component that reads the values while it
  // renders is plainly not reading a ref.
  // Ctrl/Cmd+wheel (and a pinch, which browsers send as Ctrl+wheel) zooms at the pointer; the plain
  // wheel scrolls, which pans. A native listener, because React's wheel listeners are passive and could
  // not stop the browser zooming the whole page.
  const onWheel = useRef<(event: WheelEvent) => void>(() => undefined);
  useLayoutEffect(() => {
    onWheel.current = (event) => {
      if (!event.ctrlKey && !event.metaKey) return;
      event.preventDefault();
      const at = { x: event.clientX, y: event.clientY };
      zoomTo(event.deltaY < 0 ? scale * STEP : scale / STEP, at);
    };
  });
  useEffect(() => {
    const element = viewportRef.current;
    if (!element) return;
    const listener = (event: WheelEvent) => onWheel.current(event);
    element.addEventListener('wheel', listener, { passive: false });
    return () => element.removeEventListener('wheel', listener);
  }, []);

  const zoomApi = {
    scale,
    atFit: zoom === 'fit',
    percent: Math.round(scale * 100),
    zoomIn: (client?: { x: number; y: number }) => zoomTo(scale * STEP, client),
    zoomOut: (client?: { x: number; y: number }) => zoomTo(scale / STEP, client),
    fit: () => zoomTo('fit'),
    actual: (client?: { x: number; y: number }) => zoomTo(1, client),
    toggle: (client?: { x: number; y: number }) => zoomTo(zoom === 'fit' ? 1 : 'fit', client),
    /** The view's scroll offset, and setting it: Space+drag panning. */
    scrollPosition: () => ({
      left: viewportRef.current?.scrollLeft ?? 0,
      top: viewportRef.current?.scrollTop ?? 0,
    }),
    scrollTo: (left: number, top: number) => viewportRef.current?.scrollTo({ left, top }),
    /** The image point in the middle of the view (where Add puts a new box). */
    centre: () => {
      const element = viewportRef.current;
      return imagePointAt({ x: (element?.clientWidth ?? 0) / 2, y: (element?.clientHeight ?? 0) / 2 });
    },
  };
  return { viewportRef, zoom: zoomApi };
}

export type CanvasZoom = ReturnType<typeof useCanvasZoom>['zoom'];
