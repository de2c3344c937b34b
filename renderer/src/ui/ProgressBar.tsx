import './primitives.css';

/**
 * A thin bar. `value` 0..1; `null` shows an indeterminate sweep (work whose length is not known, or
 * that is running longer than usual).
 */
export function ProgressBar(props: {
  value: number | null;
  label: string;
  valueText?: string;
  tone?: 'accent' | 'amber';
}) {
  const percent = props.value === null ? undefined : Math.round(Math.min(1, Math.max(0, props.value)) * 100);
  return (
    <div
      className={`progress ${props.value === null ? 'indeterminate' : ''} ${props.tone === 'amber' ? 'amber' : ''}`}
      role="progressbar"
      aria-label={props.label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      aria-valuetext={props.valueText}
    >
      <div className="progress-fill" style={percent === undefined ? undefined : { width: `${percent}%` }} />
    </div>
  );
}

/** A small ring that fills clockwise: the queue indicator. `value` 0..1. */
export function ProgressRing(props: {
  value: number;
  size?: number;
  stroke?: number;
  tone?: 'accent' | 'amber' | 'green';
}) {
  const size = props.size ?? 18;
  const stroke = props.stroke ?? 2.5;
  const r = (size - stroke) / 2;
  const c = 2 * Math.PI * r;
  const v = Math.min(1, Math.max(0, props.value));
  const colour =
    props.tone === 'amber' ? 'var(--amber)' : props.tone === 'green' ? 'var(--green)' : 'var(--accent)';
  return (
    <svg width={size} height={size} viewBox={`0 0 ${size} ${size}`} className="ring" aria-hidden>
      <circle
        cx={size / 2}
        cy={size / 2}
        r={r}
        fill="none"
        stroke="var(--border-strong)"
        strokeWidth={stroke}
      />
      <circle
        cx={size / 2}
        cy={size / 2}
        r={r}
        fill="none"
        stroke={colour}
        strokeWidth={stroke}
        strokeLinecap="round"
        strokeDasharray={`${c * v} ${c}`}
        transform={`rotate(-90 ${size / 2} ${size / 2})`}
        style={{ transition: 'stroke-dasharray 240ms linear' }}
      />
    </svg>
  );
}
