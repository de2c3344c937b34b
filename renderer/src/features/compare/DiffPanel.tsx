import { useMemo } from 'react';
import { formatCredits, formatDate, formatDuration, plural } from '../../ui/format';
import { useResultDetails } from '../results/results-data';
import { diffReceipts, type DiffFormat } from './receipt-diff';
import { useReviewViews } from './review-store';

const FORMAT: DiffFormat = { credits: formatCredits, duration: formatDuration, date: formatDate };

/**
 * The compare view's inspector: only what differs between the select and the candidate (character, pose,
 * model, each parameter, seed used, cost, duration, day), and how many fields are the same.
 */
export function DiffPanel(props: { project: string }) {
  const compare = useReviewViews().compare;
  const [select, candidate] = useResultDetails(
    props.project,
    compare ? [compare.selectId, compare.candidateId] : [],
  );
  const diff = useMemo(
    () => (select && candidate ? diffReceipts(select, candidate, FORMAT) : null),
    [select, candidate],
  );
  return (
    <div className="insp diff-panel" aria-label="Differences">
      <div className="insp-title">
        <h2>Differences</h2>
        <div className="secondary" data-testid="diff-same">
          {diff
            ? diff.rows.length === 0
              ? `Made the same way: all ${plural(diff.same, 'field')} match`
              : `${plural(diff.same, 'other field')} ${diff.same === 1 ? 'is' : 'are'} the same`
            : 'Reading the receipts…'}
        </div>
      </div>
      {diff && diff.rows.length > 0 && (
        <table className="diff-table">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Select</th>
              <th scope="col">Candidate</th>
            </tr>
          </thead>
          <tbody>
            {diff.rows.map((row) => (
              <tr key={row.key} data-testid="diff-row" data-key={row.key}>
                <th scope="row">{row.label}</th>
                <td className="tabular">{row.select}</td>
                <td className="tabular">{row.candidate}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="shortcut-hints secondary">
        <div>
          <kbd>S</kbd> side by side · <kbd>A</kbd> slider · <kbd>F</kbd> flip · <kbd>D</kbd> difference
        </div>
        <div>
          <kbd>Tab</kbd> swap · <kbd>Enter</kbd> make select · <kbd>L</kbd> link zoom
        </div>
        <div>
          <kbd>Z</kbd> fit/100% · <kbd>+</kbd> <kbd>-</kbd> zoom · <kbd>0</kbd>–<kbd>5</kbd> rate the focused
          side
        </div>
      </div>
    </div>
  );
}
