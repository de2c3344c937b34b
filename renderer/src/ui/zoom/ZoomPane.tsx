import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import type { ZoomTransform } from 'd3-zoom';
import { acquireBitmap, afterPreviews, levelFor, type Level, type Mipmapped } from './bitmap-cache';
import { fromRelative, toRelative, type Size } from './viewport';
import type { ZoomGroup } from './zoom-group';
import './zoom.css';

/** A rectangle of an image in its own pixels. */
export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One image drawn in a pane. Several layers share the pane's view in relative coordinates. */
export interface ZoomLayer {
  key: string;
  src: string;
  /** A small version of the whole image, drawn until the full one is decoded. */
  placeholder?: string;
  /** The image's pixel size. */
  size: Size;
  /** Show only this region of the image (the same pose across results); default the whole image. */
  region?: Region;
  alt: string;
  /** The A/B slider: the layer shows only right of this fraction of the pane's width. */
  clipLeft?: number;
  hidden?: boolean;
  /** 'difference' blends this layer with those under it (the difference mode). */
  blend?: 'difference';
}

const shownSize = (layer: ZoomLayer): Size => layer.region ?? layer.size;
const PANE_BACKGROUND = '#141517';

interface Loaded {
  full?: Mipmapped;
  placeholder?: Mipmapped;
}

/** A bitmap to draw a layer from: `density` source pixels per layer pixel, `offset` in layer pixels. */
interface Pick {
  bitmap: Level;
  density: number;
  offsetX: number;
  offsetY: number;
}

/**
 * The cheapest source still sharp at `scale` device pixels per layer pixel: the smallest mip level of the
 * full image, or the placeholder (the whole image, small) when it is dense enough, as at fit. When none
 * is dense enough, the densest there is.
 */
function pickSource(layer: ZoomLayer, loaded: Loaded | undefined, scale: number): Pick | undefined {
  const picks: Pick[] = [];
  if (loaded?.full) {
    const { bitmap, factor } = levelFor(loaded.full, scale);
    picks.push({ bitmap, density: factor, offsetX: 0, offsetY: 0 });
  }
  const placeholder = loaded?.placeholder?.levels[0];
  if (placeholder)
    picks.push({
      bitmap: placeholder,
      density: placeholder.width / layer.size.width,
      offsetX: layer.region?.x ?? 0,
      offsetY: layer.region?.y ?? 0,
    });
  const sharpEnough = picks.filter((p) => p.density >= scale * 0.95).sort((a, b) => a.density - b.density);
  return sharpEnough[0] ?? picks.sort((a, b) => b.density - a.density)[0];
}

/**
 * One pane of a zoom group: its layers drawn on a canvas at the group's view, gestures handed to d3-zoom
 * through the group. Each frame draws only the visible part of each image from the mip level nearest the
 * displayed size (bitmap-cache.ts says why); beyond 100% smoothing is off, so pixels stay crisp.
 *
 * What is drawn is also written on the pane for tests and the bench: `data-view` holds the first layer's
 * transform and size ("k x y width height", CSS pixels); `data-sharp` is true while every visible layer
 * is drawn from at least as many pixels as it covers; `data-loaded` turns true once every layer's full
 * image is decoded and drawn.
 */
export function ZoomPane(props: {
  group: ZoomGroup;
  id: string;
  layers: ZoomLayer[];
  className?: string;
  /** Drawn over the image, not zoomed (captions, the slider's divider). */
  children?: ReactNode;
  label: string;
  onPointerDown?(): void;
}) {
  const element = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const layersRef = useRef(props.layers);
  const transform = useRef<ZoomTransform | null>(null);
  const images = useRef(new Map<string, Loaded>());
  // Which layers' full images are drawn, for the layer set named by `for` (a new set starts empty).
  const [loadedKeys, setLoadedKeys] = useState<{ for: string; keys: ReadonlySet<string> }>({
    for: '',
    keys: new Set(),
  });
  // Which layers have all their zoom levels ready (`data-settled`; the bench zooms from then on).
  const [settledKeys, setSettledKeys] = useState<{ for: string; keys: ReadonlySet<string> }>({
    for: '',
    keys: new Set(),
  });

  const primary = props.layers[0];
  const primarySize = primary ? shownSize(primary) : { width: 1, height: 1 };

  const draw = (t: ZoomTransform) => {
    transform.current = t;
    const pane = element.current;
    const surface = canvas.current;
    const ctx = surface?.getContext('2d');
    if (!pane || !surface || !ctx) return;
    const dpr = window.devicePixelRatio || 1;
    const paneSize = { width: pane.clientWidth || 1, height: pane.clientHeight || 1 };
    const deviceWidth = Math.round(paneSize.width * dpr);
    const deviceHeight = Math.round(paneSize.height * dpr);
    if (surface.width !== deviceWidth || surface.height !== deviceHeight) {
      surface.width = deviceWidth;
      surface.height = deviceHeight;
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.globalCompositeOperation = 'source-over';
    ctx.fillStyle = PANE_BACKGROUND;
    ctx.fillRect(0, 0, deviceWidth, deviceHeight);

    const layers = layersRef.current;
    const first = layers[0];
    if (!first) return;
    const view = toRelative(t, shownSize(first), paneSize);
    let crisp = false;
    // Sharp: every visible layer drawn from at least as many source pixels as it covers on screen (a
    // large enough placeholder is sharp at fit before the full image is decoded).
    let sharp = true;
    for (const layer of layers) {
      if (layer.hidden) continue;
      const shown = shownSize(layer);
      const lt = layer === first ? t : fromRelative(view, shown, paneSize);
      const loaded = images.current.get(layer.key);
      const source = loaded?.full ?? loaded?.placeholder;
      const scale = lt.k * dpr;
      if (!source) {
        sharp = false;
        continue;
      }
      if (!loaded?.full && source.width / layer.size.width < scale * 0.95) sharp = false;
      crisp ||= scale > 1.01;
      // The visible part of the layer, in its own (region) pixels.
      const x0 = Math.max(0, -lt.x / lt.k);
      const y0 = Math.max(0, -lt.y / lt.k);
      const x1 = Math.min(shown.width, (paneSize.width - lt.x) / lt.k);
      const y1 = Math.min(shown.height, (paneSize.height - lt.y) / lt.k);
      if (x1 <= x0 || y1 <= y0) continue;
      const pick = pickSource(layer, loaded, scale);
      if (!pick) continue;
      ctx.save();
      if (layer.clipLeft !== undefined) {
        ctx.beginPath();
        ctx.rect(layer.clipLeft * deviceWidth, 0, deviceWidth, deviceHeight);
        ctx.clip();
      }
      ctx.globalCompositeOperation = layer.blend === 'difference' ? 'difference' : 'source-over';
      // Magnified beyond one image pixel per device pixel: nearest neighbour, so pixels stay crisp.
      ctx.imageSmoothingEnabled = scale <= 1;
      ctx.imageSmoothingQuality = 'low';
      const d = pick.density;
      ctx.drawImage(
        pick.bitmap,
        (pick.offsetX + x0) * d,
        (pick.offsetY + y0) * d,
        (x1 - x0) * d,
        (y1 - y0) * d,
        (lt.x + x0 * lt.k) * dpr,
        (lt.y + y0 * lt.k) * dpr,
        (x1 - x0) * lt.k * dpr,
        (y1 - y0) * lt.k * dpr,
      );
      ctx.restore();
    }
    pane.classList.toggle('zoom-crisp', crisp);
    pane.dataset.sharp = String(sharp);
    pane.dataset.view = `${t.k} ${t.x} ${t.y} ${shownSize(first).width} ${shownSize(first).height}`;
  };
  const redraw = () => {
    if (transform.current) draw(transform.current);
  };

  useLayoutEffect(() => {
    layersRef.current = props.layers;
    redraw();
  });

  // Decode each layer's image (and its placeholder first, when it has one), shared through the cache.
  const sources = props.layers
    .map((l) => `${l.key}|${l.src}|${l.placeholder ?? ''}|${JSON.stringify(l.region ?? null)}`)
    .join('\n');
  useEffect(() => {
    let live = true;
    const releases: (() => void)[] = [];
    const current = new Map<string, Loaded>();
    images.current = current;
    for (const layer of layersRef.current) {
      const slot: Loaded = {};
      current.set(layer.key, slot);
      // The placeholder first (a 640 px preview is sharp at fit and decodes in a few ms), then the full
      // image once no pane's preview is still decoding (afterPreviews), so no preview waits behind a
      // 4096 px decode; the preview stays in use wherever it is dense enough (fit), the full image's mips
      // beyond.
      const loadFull = () => {
        if (!live) return;
        const held = acquireBitmap(layer.src, layer.region);
        releases.push(held.release);
        held.promise.then(
          (image) => {
            if (!live) return;
            slot.full = image;
            redraw();
            setLoadedKeys((state) => ({
              for: sources,
              keys: new Set(state.for === sources ? state.keys : []).add(layer.key),
            }));
            void image.settled.then(() => {
              if (!live) return;
              setSettledKeys((state) => ({
                for: sources,
                keys: new Set(state.for === sources ? state.keys : []).add(layer.key),
              }));
            });
          },
          () => undefined,
        );
      };
      if (layer.placeholder) {
        const held = acquireBitmap(layer.placeholder, undefined, { preview: true });
        releases.push(held.release);
        const thenFull = () => void afterPreviews().then(loadFull);
        held.promise.then((image) => {
          if (!live) return;
          slot.placeholder = image;
          redraw();
          thenFull();
        }, thenFull);
      } else loadFull();
    }
    return () => {
      live = false;
      for (const release of releases) release();
    };
    // `sources` stands for the layers' images.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [sources]);

  const { group, id } = props;
  useLayoutEffect(() => {
    const pane = element.current;
    if (!pane) return;
    return group.attach({ id, element: pane, image: primarySize, render: draw });
    // Attach once per pane; a new image size goes through setImage below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [group, id]);
  useLayoutEffect(() => {
    group.setImage(id, primarySize);
  }, [group, id, primarySize.width, primarySize.height]); // eslint-disable-line react-hooks/exhaustive-deps

  const allIn = (state: { for: string; keys: ReadonlySet<string> }) =>
    props.layers.length > 0 && state.for === sources && props.layers.every((l) => state.keys.has(l.key));
  const allLoaded = allIn(loadedKeys);
  return (
    <div
      ref={element}
      className={`zoom-pane ${props.className ?? ''}`}
      // A group, not an img: the pane holds buttons (its caption, the slider's divider).
      role="group"
      aria-label={props.label}
      data-pane={id}
      data-loaded={allLoaded ? 'true' : 'false'}
      data-settled={allIn(settledKeys) ? 'true' : 'false'}
      onPointerDown={props.onPointerDown}
    >
      <canvas
        ref={canvas}
        className="zoom-canvas"
        role="img"
        aria-label={props.layers.map((l) => l.alt).join('; ')}
      />
      {props.children}
    </div>
  );
}
