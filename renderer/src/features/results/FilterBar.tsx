import { useId, useState } from 'react';
import { X } from 'lucide-react';
import type { ResultFacets, ResultFilter } from '../../../../src/contract/calls/workspace';
import { Popover } from '../../ui/Popover';
import { localDateInput, startOfLocalDay, startOfNextLocalDay } from '../../ui/format';
import { isFiltered } from './gallery-store';

interface Option {
  value: string;
  label: string;
  count: number;
  note?: string;
}

/** Checkboxes with counts, and a search field when the list is long. */
function CheckList(props: {
  label: string;
  options: Option[];
  selected: readonly string[];
  onChange(values: string[]): void;
}) {
  const [query, setQuery] = useState('');
  const searchId = useId();
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const shown = props.options
    .filter((o) => words.every((w) => o.label.toLowerCase().includes(w)))
    .slice(0, 200);
  const toggle = (value: string, on: boolean) =>
    props.onChange(on ? [...props.selected, value] : props.selected.filter((v) => v !== value));
  return (
    <div className="checklist">
      {props.options.length > 8 && (
        <>
          <label htmlFor={searchId} className="visually-hidden">
            Find {props.label.toLowerCase()}
          </label>
          <input
            id={searchId}
            className="checklist-search"
            placeholder={`Find ${props.label.toLowerCase()}…`}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
        </>
      )}
      {props.options.length === 0 && <div className="secondary checklist-empty">None yet</div>}
      <div className="checklist-items">
        {shown.map((o) => (
          <label key={o.value} className="check-row">
            <input
              type="checkbox"
              checked={props.selected.includes(o.value)}
              onChange={(e) => toggle(o.value, e.target.checked)}
            />
            <span className="check-label ellipsis">{o.label}</span>
            {o.note && <span className="check-note">{o.note}</span>}
            <span className="check-count tabular">{o.count.toLocaleString()}</span>
          </label>
        ))}
      </div>
      {props.selected.length > 0 && (
        <button type="button" className="ghost checklist-clear" onClick={() => props.onChange([])}>
          Clear
        </button>
      )}
    </div>
  );
}

function chipText(label: string, values: readonly string[], nameOf: (v: string) => string): string {
  if (values.length === 0) return label;
  if (values.length === 1) return `${label}: ${nameOf(values[0] ?? '')}`;
  return `${label}: ${values.length}`;
}

const FLAG_LABEL: Record<string, string> = { pick: 'Picked', reject: 'Rejected', none: 'Unflagged' };
const SOURCE_LABEL = { all: 'All results', generated: 'Generated sheets', cuts: 'Cut poses' } as const;

/**
 * The filter chips above the grid: character, pose, rating, flag, tag, model, date and kind, each with
 * the counts from `results.facets`. A chip with a value shows it; "Clear" removes every filter.
 */
export function FilterBar(props: {
  facets: ResultFacets | undefined;
  filter: ResultFilter;
  onChange(filter: ResultFilter): void;
}) {
  const { facets, filter } = props;
  const set = (patch: Partial<ResultFilter>) => {
    const next: ResultFilter = { ...filter, ...patch };
    for (const key of Object.keys(next) as (keyof ResultFilter)[]) {
      const v = next[key];
      if (v === undefined || (Array.isArray(v) && v.length === 0) || v === '') delete next[key];
    }
    props.onChange(next);
  };
  const characters: Option[] = (facets?.characters ?? []).map((c) => ({
    value: c.id,
    label: c.name ?? 'Deleted character',
    count: c.count,
    ...(c.inTrash ? { note: 'in trash' } : {}),
  }));
  const poses: Option[] = (facets?.poses ?? []).map((p) => ({
    value: p.id,
    label: p.name ?? 'Deleted pose',
    count: p.count,
    ...(p.inTrash ? { note: 'in trash' } : {}),
  }));
  const tags: Option[] = (facets?.tags ?? []).map((t) => ({ value: t.tag, label: t.tag, count: t.count }));
  const models: Option[] = (facets?.models ?? []).map((m) => ({ value: m.id, label: m.id, count: m.count }));
  const flags: Option[] = (['pick', 'reject', 'none'] as const).map((f) => ({
    value: f,
    label: FLAG_LABEL[f] ?? f,
    count: facets?.flags[f] ?? 0,
  }));
  const nameIn = (options: Option[]) => (v: string) => options.find((o) => o.value === v)?.label ?? v;
  const ratings = facets?.ratings ?? [0, 0, 0, 0, 0, 0];
  const atLeast = (n: number) => ratings.slice(n).reduce((a, b) => a + b, 0);
  const fromDate = filter.from ? localDateInput(filter.from) : '';
  const toDate = filter.to ? localDateInput(new Date(Date.parse(filter.to) - 1).toISOString()) : '';
  const dateText =
    fromDate && toDate
      ? fromDate === toDate
        ? fromDate
        : `${fromDate} – ${toDate}`
      : fromDate
        ? `since ${fromDate}`
        : toDate
          ? `until ${toDate}`
          : '';
  const since = (days: number) => {
    const d = new Date();
    d.setHours(0, 0, 0, 0);
    d.setDate(d.getDate() - (days - 1));
    set({ from: d.toISOString(), to: undefined });
  };

  return (
    <div className="filter-bar" role="toolbar" aria-label="Filters">
      <Popover
        label={chipText('Character', filter.characterIds ?? [], nameIn(characters))}
        active={!!filter.characterIds?.length}
        ariaLabel="Filter by character"
      >
        {() => (
          <CheckList
            label="Characters"
            options={characters}
            selected={filter.characterIds ?? []}
            onChange={(v) => set({ characterIds: v })}
          />
        )}
      </Popover>
      <Popover
        label={chipText('Pose', filter.poseIds ?? [], nameIn(poses))}
        active={!!filter.poseIds?.length}
        ariaLabel="Filter by pose"
      >
        {() => (
          <CheckList
            label="Poses"
            options={poses}
            selected={filter.poseIds ?? []}
            onChange={(v) => set({ poseIds: v })}
          />
        )}
      </Popover>
      <Popover
        label={filter.minRating ? `Rating ≥ ${'★'.repeat(filter.minRating)}` : 'Rating'}
        active={!!filter.minRating}
        ariaLabel="Filter by rating"
      >
        {(close) => (
          <div className="checklist" role="radiogroup" aria-label="Minimum rating">
            {[0, 1, 2, 3, 4, 5].map((n) => (
              <label key={n} className="check-row">
                <input
                  type="radio"
                  name="min-rating"
                  checked={(filter.minRating ?? 0) === n}
                  onChange={() => {
                    set({ minRating: n === 0 ? undefined : n });
                    close();
                  }}
                />
                <span className="check-label">
                  {n === 0 ? (
                    'Any rating'
                  ) : (
                    <span className="stars">
                      {'★'.repeat(n)}
                      {n < 5 ? ' and up' : ''}
                    </span>
                  )}
                </span>
                <span className="check-count tabular">{atLeast(n).toLocaleString()}</span>
              </label>
            ))}
          </div>
        )}
      </Popover>
      <Popover
        label={chipText('Flag', filter.flags ?? [], (v) => FLAG_LABEL[v] ?? v)}
        active={!!filter.flags?.length}
        ariaLabel="Filter by flag"
      >
        {() => (
          <CheckList
            label="Flags"
            options={flags}
            selected={filter.flags ?? []}
            onChange={(v) =>
              set({
                flags: v.filter(
                  (f): f is 'pick' | 'reject' | 'none' => f === 'pick' || f === 'reject' || f === 'none',
                ),
              })
            }
          />
        )}
      </Popover>
      <Popover
        label={chipText('Tag', filter.tags ?? [], (v) => v)}
        active={!!filter.tags?.length}
        ariaLabel="Filter by tag"
      >
        {() => (
          <CheckList
            label="Tags"
            options={tags}
            selected={filter.tags ?? []}
            onChange={(v) => set({ tags: v })}
          />
        )}
      </Popover>
      <Popover
        label={chipText('Model', filter.modelIds ?? [], (v) => v)}
        active={!!filter.modelIds?.length}
        ariaLabel="Filter by model"
      >
        {() => (
          <CheckList
            label="Models"
            options={models}
            selected={filter.modelIds ?? []}
            onChange={(v) => set({ modelIds: v })}
          />
        )}
      </Popover>
      {!!filter.batchIds?.length && (
        // Set from a batch's "Show results" (the Generate panel): shown so it can be seen and cleared.
        <button
          type="button"
          className="chip chip-active"
          title={`Remove the batch filter (${filter.batchIds.join(', ')})`}
          onClick={() => set({ batchIds: [] })}
        >
          {filter.batchIds.length === 1 ? 'This batch' : `${filter.batchIds.length} batches`}
          <X size={12} aria-hidden />
          <span className="visually-hidden">: remove filter</span>
        </button>
      )}
      <Popover label={dateText ? `Date: ${dateText}` : 'Date'} active={!!dateText} ariaLabel="Filter by date">
        {() => (
          <div className="date-filter">
            <div className="row">
              <button type="button" onClick={() => since(1)}>
                Today
              </button>
              <button type="button" onClick={() => since(7)}>
                Last 7 days
              </button>
              <button type="button" onClick={() => since(30)}>
                Last 30 days
              </button>
            </div>
            <label className="field">
              <span>From</span>
              <input
                type="date"
                value={fromDate}
                onChange={(e) => set({ from: startOfLocalDay(e.target.value) })}
              />
            </label>
            <label className="field">
              <span>To (including)</span>
              <input
                type="date"
                value={toDate}
                onChange={(e) => set({ to: startOfNextLocalDay(e.target.value) })}
              />
            </label>
            {dateText && (
              <button
                type="button"
                className="ghost checklist-clear"
                onClick={() => set({ from: undefined, to: undefined })}
              >
                Any date
              </button>
            )}
          </div>
        )}
      </Popover>
      <Popover
        label={filter.source && filter.source !== 'all' ? SOURCE_LABEL[filter.source] : 'Kind'}
        active={!!filter.source && filter.source !== 'all'}
        ariaLabel="Filter by kind"
      >
        {(close) => (
          <div className="checklist" role="radiogroup" aria-label="Kind of result">
            {(['all', 'generated', 'cuts'] as const).map((s) => (
              <label key={s} className="check-row">
                <input
                  type="radio"
                  name="source"
                  checked={(filter.source ?? 'all') === s}
                  onChange={() => {
                    set({ source: s === 'all' ? undefined : s });
                    close();
                  }}
                />
                <span className="check-label">{SOURCE_LABEL[s]}</span>
              </label>
            ))}
          </div>
        )}
      </Popover>
      {isFiltered(filter) && (
        <button type="button" className="ghost clear-filters" onClick={() => props.onChange({})}>
          <X size={14} aria-hidden /> Clear filters
        </button>
      )}
    </div>
  );
}
