import { useState, type Dispatch } from 'react';
import { Plus, RotateCcw, Trash2 } from 'lucide-react';
import type { Box } from '../../../../src/domain/pose';
import type { EditorAction, EditorState } from './box-editing';
import { isComposing } from '../../ui/keyboard';

const FIELDS = [
  { key: 'x', label: 'X', title: 'Left edge, in image pixels' },
  { key: 'y', label: 'Y', title: 'Top edge, in image pixels' },
  { key: 'width', label: 'W', title: 'Width, in image pixels' },
  { key: 'height', label: 'H', title: 'Height, in image pixels' },
] as const;

/** One number of the selected box; applies on Enter or blur (typing "1" on the way to "120" must not). */
function BoxNumber(props: {
  field: (typeof FIELDS)[number];
  box: Box;
  index: number;
  dispatch: Dispatch<EditorAction>;
  disabled: boolean;
}) {
  const value = props.box[props.field.key];
  const [text, setText] = useState<string | null>(null);
  const commit = () => {
    if (text === null) return;
    const n = Math.round(Number(text));
    setText(null);
    if (text.trim() === '' || !Number.isFinite(n) || n === value) return;
    props.dispatch({ type: 'set', index: props.index, box: { ...props.box, [props.field.key]: n } });
  };
  return (
    <label className="cut-box-field" title={props.field.title}>
      <span>{props.field.label}</span>
      <input
        type="number"
        step={1}
        inputMode="numeric"
        value={text ?? String(value)}
        disabled={props.disabled}
        aria-label={`Figure ${props.index + 1} ${props.field.title.split(',')[0]?.toLowerCase()}`}
        onChange={(event) => setText(event.target.value)}
        onBlur={commit}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !isComposing(event)) {
            event.preventDefault();
            commit();
          }
        }}
      />
    </label>
  );
}

/** The boxes as a list (select, delete), the selected box's numbers, Add and Reset. */
export function BoxPanel(props: {
  state: EditorState;
  dispatch: Dispatch<EditorAction>;
  onAdd(): void;
  dirty: boolean;
  disabled: boolean;
}) {
  const { state, dispatch } = props;
  const selected = state.selected !== null ? state.boxes[state.selected] : undefined;
  return (
    <section className="cut-section" aria-labelledby="cut-boxes-title">
      <header className="cut-section-header">
        <h3 id="cut-boxes-title">
          Boxes <span className="cut-count tabular">{state.boxes.length}</span>
        </h3>
        <button
          type="button"
          className="ghost small"
          onClick={() => dispatch({ type: 'reset' })}
          disabled={!props.dirty || props.disabled}
          title="Back to the boxes the editor opened with"
        >
          <RotateCcw size={14} aria-hidden /> Reset
        </button>
      </header>
      <ul className="cut-box-list" aria-label="Figure boxes">
        {state.boxes.map((box, i) => {
          const on = i === state.selected;
          return (
            <li key={i} className={on ? 'selected' : ''}>
              <button
                type="button"
                className="cut-box-row"
                aria-pressed={on}
                onClick={() => dispatch({ type: 'select', index: i })}
                disabled={props.disabled}
              >
                <span className="cut-box-badge" aria-hidden>
                  {i + 1}
                </span>
                <span className="grow ellipsis">Figure {i + 1}</span>
                <span className="secondary tabular">
                  {box.width} × {box.height}
                </span>
              </button>
              <button
                type="button"
                className="ghost icon small"
                aria-label={`Delete box ${i + 1}`}
                title="Delete this box (Delete)"
                onClick={() => dispatch({ type: 'delete', index: i })}
                disabled={props.disabled}
              >
                <Trash2 size={14} aria-hidden />
              </button>
            </li>
          );
        })}
      </ul>
      <button
        type="button"
        className="cut-add"
        onClick={props.onAdd}
        disabled={props.disabled}
        title="Add a box (N)"
      >
        <Plus size={14} aria-hidden /> Add box
      </button>
      {selected && state.selected !== null && (
        <div
          className="cut-box-fields"
          role="group"
          aria-label={`Figure ${state.selected + 1} position and size`}
        >
          {FIELDS.map((field) => (
            <BoxNumber
              // Remount per box so a half-typed value never carries over to another box.
              key={`${state.selected}-${field.key}`}
              field={field}
              box={selected}
              index={state.selected ?? 0}
              dispatch={dispatch}
              disabled={props.disabled}
            />
          ))}
        </div>
      )}
    </section>
  );
}
