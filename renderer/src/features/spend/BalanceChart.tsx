/**
 * The balance over time: one line through the `x-remaining-credits` each receipt recorded.
 *
 * Drawn as inline SVG rather than with a chart library: it is one line, two axis labels and a dot, which
 * is a few dozen lines here against a dependency of hundreds of kilobytes, its own styling and its own
 * accessibility gaps. The figures are also given as text (the label and the captions), so nothing is
 * read off the picture alone.
 */
import { formatDate, formatDateTime } from '../../ui/format';
import { formatSpend, type SpendSummary } from './spend-data';

const WIDTH = 600;
const HEIGHT = 120;
/** Room inside the box so the line's ends and the latest dot are never clipped. */
const PAD = 6;

type Point = SpendSummary['balance'][number];

/**
 * Where each point goes: x by time (runs minutes apart stay close, a week's gap shows as one), y by
 * credits with the lowest at the bottom. Points all at one instant are spread evenly instead.
 */
export function chartPoints(points: readonly Point[]): { x: number; y: number }[] {
  const times = points.map((p) => Date.parse(p.at));
  const first = Math.min(...times);
  const span = Math.max(...times) - first;
  const credits = points.map((p) => p.credits);
  const low = Math.min(...credits);
  const range = Math.max(...credits) - low;
  return points.map((p, i) => ({
    x:
      PAD +
      (points.length === 1
        ? (WIDTH - 2 * PAD) / 2
        : span > 0
          ? ((times[i]! - first) / span) * (WIDTH - 2 * PAD)
          : (i / (points.length - 1)) * (WIDTH - 2 * PAD)),
    y: PAD + (range > 0 ? 1 - (p.credits - low) / range : 0.5) * (HEIGHT - 2 * PAD),
  }));
}

const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });

/** The last point's caption: its time alone when it falls on the first point's day. */
const lastCaption = (first: string, last: string): string =>
  formatDate(first) === formatDate(last) ? timeOnly.format(new Date(last)) : formatDateTime(last);

export function BalanceChart(props: { points: SpendSummary['balance'] }) {
  const { points } = props;
  if (points.length === 0) {
    return (
      <p className="secondary">
        No receipt recorded the balance after its run yet (Segmind sends it with each paid picture).
      </p>
    );
  }
  const xy = chartPoints(points);
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const credits = points.map((p) => p.credits);
  const high = Math.max(...credits);
  const low = Math.min(...credits);
  const path = xy.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
  const end = xy[xy.length - 1]!;
  const label =
    points.length === 1
      ? `Balance ${formatSpend(last.credits)} credits on ${formatDateTime(last.at)}`
      : `Balance over ${points.length} runs: from ${formatSpend(first.credits)} credits on ${formatDateTime(first.at)} to ${formatSpend(last.credits)} on ${formatDateTime(last.at)}; highest ${formatSpend(high)}, lowest ${formatSpend(low)}`;
  return (
    <figure className="balance-chart">
      <div className="balance-plot">
        <div className="balance-axis tabular" aria-hidden>
          <span>{formatSpend(high)}</span>
          <span>{formatSpend(low)}</span>
        </div>
        <svg
          viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
          preserveAspectRatio="none"
          role="img"
          aria-label={label}
          data-testid="balance-chart"
        >
          <line className="balance-grid" x1={0} x2={WIDTH} y1={PAD} y2={PAD} />
          <line className="balance-grid" x1={0} x2={WIDTH} y1={HEIGHT - PAD} y2={HEIGHT - PAD} />
          <path className="balance-line" d={path} />
          {/* A circle would stretch with the box: a zero-length round-capped line stays round. */}
          <line className="balance-dot" x1={end.x} y1={end.y} x2={end.x} y2={end.y} />
        </svg>
      </div>
      <figcaption className="balance-dates secondary tabular">
        <span>{formatDateTime(first.at)}</span>
        {points.length > 1 && <span>{lastCaption(first.at, last.at)}</span>}
      </figcaption>
    </figure>
  );
}
