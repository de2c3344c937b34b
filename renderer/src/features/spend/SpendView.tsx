import { Coins, Info, Sparkles } from 'lucide-react';
import type { ProjectSummary } from '../../../../src/domain';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { formatDateTime, plural } from '../../ui/format';
import { useGeneratePanel } from '../generate/generate-context';
import { BalanceChart } from './BalanceChart';
import { CapCard } from './CapCard';
import { formatSpend, useSpend, type SpendSummary } from './spend-data';
import './spend.css';

/**
 * What this project has cost, from its receipts: in total, per character, per batch and per model; the
 * balance over time; and the project's spending cap, which the person sets here.
 */
export function SpendView(props: { project: ProjectSummary }) {
  const spend = useSpend(props.project.path);
  const panel = useGeneratePanel();
  const data = spend.data;
  const nothingYet = data !== undefined && data.total === 0 && data.runs === 0 && data.unknownCost === 0;
  return (
    <>
      <div className="toolbar">
        <h1 className="toolbar-title">Spend</h1>
        {data && !nothingYet && (
          <span className="secondary tabular">
            {formatSpend(data.total)} credits over {plural(data.runs, 'run')}
          </span>
        )}
      </div>
      <div className="stage-body">
        <div className="card-page spend-page">
          {spend.error && <ErrorNotice error={spend.error} onAction={() => void spend.refetch()} />}
          {!data && !spend.error && <div className="empty" aria-busy="true" />}
          {data && nothingYet && (
            <EmptyState
              icon={<Coins size={24} />}
              title="Nothing spent yet"
              action={
                <button className="primary" onClick={panel.open}>
                  <Sparkles size={16} aria-hidden /> Open Generate
                </button>
              }
            >
              Every run you make keeps a receipt with what it cost. Their sums show here: per character, per
              batch and per model, with your balance over time. You can set a spending cap below before you
              start.
            </EmptyState>
          )}
          {data && !nothingYet && <Totals data={data} />}
          {/* The cap next to the totals it is measured against; before any run, under the empty state. */}
          {data && <CapCard project={props.project} summary={data} />}
          {data && !nothingYet && <Breakdown data={data} />}
        </div>
      </div>
    </>
  );
}

function Totals(props: { data: SpendSummary }) {
  const { data } = props;
  const latest = data.balance.at(-1);
  return (
    <section className="card roomy spend-card" aria-labelledby="spend-totals">
      <h2 id="spend-totals" className="visually-hidden">
        Totals
      </h2>
      <dl className="spend-totals">
        <div>
          <dt>Spent in this project</dt>
          <dd className="tabular" data-testid="spend-total">
            {formatSpend(data.total)} <span className="secondary">credits</span>
          </dd>
        </div>
        <div>
          <dt>Runs</dt>
          <dd className="tabular" data-testid="spend-runs">
            {data.runs.toLocaleString('en-US')}
          </dd>
        </div>
        <div>
          <dt>Latest balance</dt>
          <dd className="tabular" data-testid="spend-balance">
            {latest ? (
              <>
                {formatSpend(latest.credits)} <span className="secondary">credits</span>
              </>
            ) : (
              '—'
            )}
          </dd>
          {latest && <dd className="secondary">after the run of {formatDateTime(latest.at)}</dd>}
        </div>
      </dl>
      {data.unknownCost > 0 && (
        <div className="notice" role="note" data-testid="spend-unknown">
          <Info size={16} aria-hidden />
          <div>
            {data.unknownCost === 1
              ? '1 result has'
              : `${data.unknownCost.toLocaleString('en-US')} results have`}{' '}
            no recorded cost (an older receipt, or Segmind did not say):{' '}
            {data.unknownCost === 1 ? 'it is' : 'they are'} not in these figures.
          </div>
        </div>
      )}
    </section>
  );
}

function Breakdown(props: { data: SpendSummary }) {
  const { data } = props;
  return (
    <>
      <section className="card roomy spend-card" aria-labelledby="spend-balance-heading">
        <h2 id="spend-balance-heading">Balance over time</h2>
        <BalanceChart points={data.balance} />
      </section>

      <SpendTable
        title="Per character"
        testId="spend-characters"
        rows={data.byCharacter}
        unnamed="A deleted character"
        total={data.total}
      />
      {data.byBatch.length > 0 && (
        <SpendTable
          title="Per batch"
          testId="spend-batches"
          rows={data.byBatch}
          unnamed="A batch no longer listed"
          total={data.total}
        />
      )}
      <SpendTable
        title="Per model"
        testId="spend-models"
        rows={data.byModel}
        unnamed="A model this app no longer offers"
        total={data.total}
        showId
      />
    </>
  );
}

function SpendTable(props: {
  title: string;
  testId: string;
  rows: SpendSummary['byCharacter'];
  /** Said when a row's name is no longer known. */
  unnamed: string;
  total: number;
  showId?: boolean;
}) {
  return (
    <section className="card roomy spend-card" aria-label={props.title}>
      <h2>{props.title}</h2>
      <table className="spend-table" data-testid={props.testId}>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col" className="num">
              Runs
            </th>
            <th scope="col" className="num">
              Credits
            </th>
            <th scope="col" className="share">
              <span className="visually-hidden">Share of the total</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => {
            const share = props.total > 0 ? row.cost / props.total : 0;
            return (
              <tr key={row.id}>
                <th scope="row" title={props.showId ? row.id : undefined}>
                  {row.name ?? <span className="secondary">{props.unnamed}</span>}
                </th>
                <td className="num tabular">{row.runs.toLocaleString('en-US')}</td>
                <td className="num tabular">{formatSpend(row.cost)}</td>
                <td className="share">
                  <div className="share-cell">
                    <span className="share-bar" aria-hidden>
                      <span style={{ width: `${Math.round(share * 100)}%` }} />
                    </span>
                    <span className="secondary tabular share-text">{Math.round(share * 100)}%</span>
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
