import { useId, type ReactNode } from 'react';
import { enumTables, type ParamFieldSpec } from '../../../../src/models';

/** "1–100", "0–1", "at least 1": the accepted range, shown beside the label. */
export function rangeHint(field: ParamFieldSpec): string | null {
  if (field.type !== 'int' && field.type !== 'float') return null;
  const fmt = (n: number) => (n >= 1e9 ? 'any' : n.toLocaleString('en-US'));
  if (field.name === 'seed') return null;
  if (field.min !== undefined && field.max !== undefined) return `${fmt(field.min)}–${fmt(field.max)}`;
  if (field.min !== undefined) return `≥ ${fmt(field.min)}`;
  if (field.max !== undefined) return `≤ ${fmt(field.max)}`;
  return null;
}

function step(field: ParamFieldSpec, text: string, direction: 1 | -1): string | null {
  if (field.type !== 'int' && field.type !== 'float') return null;
  const n = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(n)) return null;
  const by = field.type === 'int' ? 1 : field.step;
  let next = Math.round((n + direction * by) / by) * by;
  if (field.min !== undefined) next = Math.max(field.min, next);
  if (field.max !== undefined) next = Math.min(field.max, next);
  return String(Number(next.toFixed(6)));
}

/**
 * One model parameter as a form control, made from its spec: numbers as text fields (so the validator sees
 * exactly what was typed; ↑ and ↓ step them), enums as lists. The validator's message sits under it.
 */
export function ParamField(props: {
  field: ParamFieldSpec;
  value: string;
  issue?: string | undefined;
  onChange(value: string): void;
  /** Extra controls after the input (the seed's lock and dice). */
  addon?: ReactNode;
  /** Prefix for the accessible name when the same label repeats across passes ("Upscale steps"). */
  groupLabel?: string;
}) {
  const { field } = props;
  const id = useId();
  const hint = rangeHint(field);
  const describedBy = `${id}-help${props.issue ? ` ${id}-issue` : ''}`;
  const accessibleName = props.groupLabel ? `${props.groupLabel} ${field.label.toLowerCase()}` : field.label;
  return (
    <div className={`param ${field.name === 'seed' ? 'param-wide' : ''}`}>
      <div className="param-label">
        <label htmlFor={id} title={field.help}>
          {field.label}
        </label>
        {hint && <span className="param-hint tabular">{hint}</span>}
      </div>
      <span id={`${id}-help`} className="visually-hidden">
        {field.help}
      </span>
      <div className="param-control">
        {field.type === 'boolean' ? (
          <input
            id={id}
            name={field.name}
            type="checkbox"
            checked={props.value === 'true'}
            onChange={(e) => props.onChange(e.target.checked ? 'true' : 'false')}
            aria-label={props.groupLabel ? accessibleName : undefined}
            aria-describedby={describedBy}
            aria-invalid={props.issue ? true : undefined}
            title={field.help}
          />
        ) : field.type === 'enum' ? (
          <select
            id={id}
            name={field.name}
            value={props.value}
            onChange={(e) => props.onChange(e.target.value)}
            aria-label={props.groupLabel ? accessibleName : undefined}
            aria-describedby={describedBy}
            aria-invalid={props.issue ? true : undefined}
            title={field.help}
          >
            {enumTables[field.table].map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </select>
        ) : (
          <input
            id={id}
            name={field.name}
            className="tabular"
            inputMode={field.type === 'float' ? 'decimal' : 'numeric'}
            autoComplete="off"
            spellCheck={false}
            value={props.value}
            onChange={(e) => props.onChange(e.target.value)}
            onKeyDown={(e) => {
              if ((e.key === 'ArrowUp' || e.key === 'ArrowDown') && field.name !== 'seed') {
                const next = step(field, props.value, e.key === 'ArrowUp' ? 1 : -1);
                if (next !== null) {
                  e.preventDefault();
                  props.onChange(next);
                }
              }
            }}
            aria-label={props.groupLabel ? accessibleName : undefined}
            aria-describedby={describedBy}
            aria-invalid={props.issue ? true : undefined}
            title={field.help}
          />
        )}
        {props.addon}
      </div>
      {props.issue && (
        <div className="field-error" id={`${id}-issue`} role="alert">
          {props.issue}
        </div>
      )}
    </div>
  );
}
