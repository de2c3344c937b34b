import { useState } from 'react';
import { ImageOff } from 'lucide-react';
import { getBridge } from '../bridge/bridge';
import './primitives.css';

/**
 * An image from the open project, aspect kept on a neutral background. Tries the cached thumbnail first
 * and falls back to the full image (the thumbnail cache is rebuildable and may be missing), then to a
 * quiet placeholder.
 */
export function MediaThumb(props: {
  file: string;
  thumbFile?: string | null;
  alt: string;
  className?: string;
}) {
  const sources = [props.thumbFile, props.file].filter((s): s is string => !!s);
  const [attempt, setAttempt] = useState(0);
  const [key, setKey] = useState(sources.join('|'));
  if (key !== sources.join('|')) {
    setKey(sources.join('|'));
    setAttempt(0);
  }
  const source = sources[attempt];
  return (
    <div className={`media-thumb ${props.className ?? ''}`}>
      {source ? (
        <img
          src={getBridge().mediaUrl(source)}
          alt={props.alt}
          draggable={false}
          onError={() => setAttempt((a) => a + 1)}
        />
      ) : (
        <ImageOff size={20} className="muted" aria-label={`${props.alt}: the image file is missing`} />
      )}
    </div>
  );
}
