import { useId, useState } from 'react';

/**
 * The margin around every figure, as a slider and a number that follow each other. The number may be
 * typed freely; it applies once it is a whole number in range (and snaps back on blur otherwise), so a
 * half-typed value never jumps the preview around.
 */
export function PaddingControl(props: {
  value: number;
  max: number;
  onChange(value: number): void;
  disabled: boolean;
}) {
  const id = useId();
  const [text, setText] = useState<string | null>(null);
  const apply = (raw: string) => {
    setText(raw);
    const n = Number(raw);
    if (raw.trim() !== '' && Number.isInteger(n) && n >= 0 && n <= props.max) props.onChange(n);
  };
  return (
    <div className="cut-padding">
      <div className="cut-padding-row">
        <input
          id={`${id}-range`}
          type="range"
          min={0}
          max={props.max}
          step={1}
          value={props.value}
          disabled={props.disabled}
          aria-label="Padding around each figure, in pixels"
          onChange={(event) => {
            setText(null);
            props.onChange(Number(event.target.value));
          }}
        />
        <span className="cut-number-field">
          <input
            type="number"
            inputMode="numeric"
            min={0}
            max={props.max}
            step={1}
            value={text ?? String(props.value)}
            disabled={props.disabled}
            aria-label="Padding in pixels"
            aria-invalid={text !== null && text !== String(props.value)}
            onChange={(event) => apply(event.target.value)}
            onBlur={() => setText(null)}
          />
          <span className="secondary" aria-hidden>
            px
          </span>
        </span>
      </div>
    </div>
  );
}
