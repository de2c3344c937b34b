import { useSyncExternalStore } from 'react';
import type { Box } from '../../../../src/domain/pose';
import type { Size } from './box-editing';

/** The strip's thumbnail height and the widest a very wide crop may get, in CSS pixels. */
const HEIGHT = 112;
const MAX_WIDTH = 200;
/** In a short window (1280x720 and below) the strip gives the sheet more room. */
const SHORT_WINDOW = '(max-height: 780px)';
const COMPACT_HEIGHT = 72;

function useShortWindow(): boolean {
  return useSyncExternalStore(
    (onChange) => {
      const query = window.matchMedia(SHORT_WINDOW);
      query.addEventListener('change', onChange);
      return () => query.removeEventListener('change', onChange);
    },
    () => window.matchMedia(SHORT_WINDOW).matches,
  );
}

/**
 * A live preview of every crop, exactly as the cut will take it (the same cropRects as the core): the
 * full image drawn as a CSS background, scaled and shifted so only the crop shows. No pixels are cut
 * until Save. Clicking a preview selects its box.
 */
export function CropStrip(props: {
  src: string;
  image: Size;
  crops: readonly (Box | undefined)[];
  selected: number | null;
  onSelect(index: number): void;
  disabled: boolean;
}) {
  const height = useShortWindow() ? COMPACT_HEIGHT : HEIGHT;
  return (
    <div className="cut-strip" role="list" aria-label="Crop previews">
      {props.crops.length === 0 && (
        <p className="cut-strip-empty secondary">No boxes yet: drag on the image to draw one, or press N.</p>
      )}
      {props.crops.map((crop, i) => {
        if (!crop) return null;
        const k = Math.min(height / crop.height, MAX_WIDTH / crop.width);
        const selected = i === props.selected;
        return (
          <div role="listitem" key={i} className="cut-strip-item">
            <button
              type="button"
              className={`cut-preview ${selected ? 'selected' : ''}`}
              aria-pressed={selected}
              title={`Crop ${i + 1}: ${crop.width} × ${crop.height} pixels`}
              disabled={props.disabled}
              onClick={() => props.onSelect(i)}
              data-testid={`cut-preview-${i + 1}`}
            >
              <span
                className="cut-preview-image"
                style={{
                  width: `${Math.round(crop.width * k)}px`,
                  height: `${Math.round(crop.height * k)}px`,
                  backgroundImage: `url("${props.src}")`,
                  backgroundSize: `${props.image.width * k}px ${props.image.height * k}px`,
                  backgroundPosition: `${-crop.x * k}px ${-crop.y * k}px`,
                }}
              />
              {/* The visible caption is the button's name, with the words a screen reader needs. */}
              <span className="cut-preview-caption tabular" data-testid={`cut-preview-size-${i + 1}`}>
                <span className="visually-hidden">Crop </span>
                <span className="cut-preview-number">{i + 1}</span>
                <span className="visually-hidden">, </span>
                {crop.width} × {crop.height}
              </span>
            </button>
          </div>
        );
      })}
    </div>
  );
}
