import { useId, useState } from 'react';
import { X } from 'lucide-react';
import { isComposing } from './keyboard';
import './workspace-primitives.css';

/** Normalises typed tags: trimmed, at most 60 characters, no empty or repeated (case-insensitive) ones. */
export function cleanTags(tags: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of tags) {
    const tag = raw.trim().slice(0, 60);
    if (!tag || seen.has(tag.toLowerCase())) continue;
    seen.add(tag.toLowerCase());
    out.push(tag);
  }
  return out;
}

/**
 * Tags as chips with a field to add more: Enter or comma adds, Backspace in the empty field removes the
 * last, each chip has its own remove button. `onChange` gets the whole new list.
 */
export function TagInput(props: {
  label: string;
  value: readonly string[];
  onChange(tags: string[]): void;
  placeholder?: string;
  disabled?: boolean;
  /** Hide the visible label (the field still has it for screen readers). */
  hideLabel?: boolean;
}) {
  const id = useId();
  const [text, setText] = useState('');
  const add = (raw: string) => {
    const parts = raw
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    if (parts.length === 0) return;
    const next = cleanTags([...props.value, ...parts]);
    if (next.length !== props.value.length) props.onChange(next);
    setText('');
  };
  return (
    <div className="field tag-field">
      <label htmlFor={id} className={props.hideLabel ? 'visually-hidden' : 'field-label'}>
        {props.label}
      </label>
      <div
        className="tag-input"
        onClick={(e) => (e.currentTarget.querySelector('input') as HTMLInputElement | null)?.focus()}
      >
        {props.value.map((tag) => (
          <span className="tag-chip" key={tag}>
            {tag}
            <button
              type="button"
              className="tag-remove"
              disabled={props.disabled}
              aria-label={`Remove tag ${tag}`}
              onClick={() => props.onChange(props.value.filter((t) => t !== tag))}
            >
              <X size={12} />
            </button>
          </span>
        ))}
        <input
          id={id}
          value={text}
          disabled={props.disabled}
          placeholder={props.value.length === 0 ? (props.placeholder ?? 'Add a tag') : ''}
          onChange={(e) => {
            const value = e.target.value;
            if (value.includes(',')) add(value);
            else setText(value);
          }}
          onKeyDown={(e) => {
            // The Enter that commits a Japanese or Chinese word is the IME's, not "add this tag".
            if (isComposing(e)) return;
            if (e.key === 'Enter') {
              e.preventDefault();
              add(text);
            } else if (e.key === 'Backspace' && text === '' && props.value.length > 0) {
              props.onChange(props.value.slice(0, -1));
            }
          }}
          onBlur={() => add(text)}
          spellCheck={false}
        />
      </div>
    </div>
  );
}
