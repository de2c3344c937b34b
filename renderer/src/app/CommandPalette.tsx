import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import fuzzysort from 'fuzzysort';
import { Search } from 'lucide-react';
import { Kbd } from '../ui/Kbd';
import { comboLabel, isComposing, matchesCombo } from '../ui/keyboard';
import { commandKey, runnableCommands, type RunnableCommand } from './commands';
import './keyboard-help.css';

const MAX_SHOWN = 60;

interface Match {
  command: RunnableCommand;
  /** The title with the matched letters marked, when a query matched the title. */
  title: (string | { mark: string })[] | null;
}

/** Fuzzy matches over the title (weighted first), the extra keywords and the group name, best first. */
function search(commands: readonly RunnableCommand[], query: string): Match[] {
  if (!query.trim()) return commands.map((command) => ({ command, title: null }));
  const results = fuzzysort.go(query.trim(), commands, {
    keys: ['title', 'keywords', 'group'],
    threshold: 0.2,
    limit: MAX_SHOWN,
    // A hit in the title counts for more than one in the keywords or the group name.
    scoreFn: (r) => Math.max(r[0]?.score ?? 0, (r[1]?.score ?? 0) * 0.8, (r[2]?.score ?? 0) * 0.6),
  });
  // Near-equal scores ("Rate 1 star", "Rate 2 stars") keep the registry's order rather than fuzzysort's.
  const order = new Map(commands.map((c, i) => [c.id, i]));
  const rank = (score: number) => Math.round(score * 50);
  return [...results]
    .sort((x, y) => rank(y.score) - rank(x.score) || (order.get(x.obj.id) ?? 0) - (order.get(y.obj.id) ?? 0))
    .map((r) => ({
      command: r.obj,
      title: r[0] && r[0].score > 0 ? r[0].highlight((mark) => ({ mark })) : null,
    }));
}

/**
 * Ctrl/Cmd+K: every command that can run now, found by typing a few letters of it (fuzzy), each with its
 * shortcut. ↑/↓ move, Enter runs, Esc closes. A native modal <dialog>: focus stays in it and the window's
 * shortcuts wait while it is open.
 */
export function CommandPalette(props: { open: boolean; onClose(): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const [commands, setCommands] = useState<RunnableCommand[]>([]);
  const listId = useId();
  const optionId = (i: number) => `${listId}-option-${i}`;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) {
      // What can run is read when the palette opens: the view and the selection as they are now.
      setCommands(runnableCommands());
      setQuery('');
      setActive(0);
      dialog.showModal();
    } else if (!props.open && dialog.open) dialog.close();
  }, [props.open]);

  const matches = useMemo(() => search(commands, query), [commands, query]);
  const current = Math.min(active, matches.length - 1);

  useEffect(() => {
    if (current < 0) return;
    document.getElementById(optionId(current))?.scrollIntoView({ block: 'nearest' });
  });

  const run = (command: RunnableCommand | undefined) => {
    if (!command) return;
    // Closed before it runs, so a command that moves the focus (search, a form) is not held in the dialog.
    ref.current?.close();
    props.onClose();
    command.run();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (isComposing(event)) return;
    const native = event.nativeEvent;
    let handled = true;
    if (event.key === 'ArrowDown') setActive(Math.min(matches.length - 1, current + 1));
    else if (event.key === 'ArrowUp') setActive(Math.max(0, current - 1));
    else if (event.key === 'PageDown') setActive(Math.min(matches.length - 1, current + 8));
    else if (event.key === 'PageUp') setActive(Math.max(0, current - 8));
    else if (event.key === 'Enter') run(matches[current]?.command);
    else if (matchesCombo(native, 'Mod+K')) props.onClose();
    else handled = false;
    if (handled) event.preventDefault();
  };

  return (
    <dialog
      ref={ref}
      className="palette"
      aria-label="Command palette"
      onCancel={(event) => {
        event.preventDefault();
        props.onClose();
      }}
      onClick={(event) => {
        // A click on the backdrop (the dialog itself, outside its box) closes it.
        if (event.target === event.currentTarget) props.onClose();
      }}
    >
      {props.open && (
        <div className="palette-box">
          <div className="palette-search">
            <Search size={16} aria-hidden />
            <input
              autoFocus
              role="combobox"
              aria-label="Search commands"
              aria-expanded="true"
              aria-controls={listId}
              aria-autocomplete="list"
              aria-activedescendant={current >= 0 ? optionId(current) : undefined}
              placeholder="Type a command"
              spellCheck={false}
              value={query}
              onChange={(e) => {
                setQuery(e.target.value);
                setActive(0);
              }}
              onKeyDown={onKeyDown}
            />
          </div>
          <ul className="palette-list" id={listId} role="listbox" aria-label="Commands">
            {matches.map(({ command, title }, i) => {
              const key = commandKey(command.id);
              return (
                <li
                  key={command.id}
                  id={optionId(i)}
                  role="option"
                  aria-selected={i === current}
                  className="palette-option"
                  onMouseMove={() => i !== current && setActive(i)}
                  onClick={() => run(command)}
                >
                  <span className="palette-title">
                    {title
                      ? title.map((part, j) =>
                          typeof part === 'string' ? part : <mark key={j}>{part.mark}</mark>,
                        )
                      : command.title}
                  </span>
                  <span className="palette-group">{command.group}</span>
                  {key && (
                    <>
                      <Kbd combo={key} />
                      <span className="visually-hidden">, {comboLabel(key)}</span>
                    </>
                  )}
                </li>
              );
            })}
          </ul>
          {matches.length === 0 && (
            <p className="palette-empty secondary" role="status">
              No command matches “{query.trim()}”.
            </p>
          )}
          <footer className="palette-footer secondary">
            <span>
              <kbd>↑</kbd> <kbd>↓</kbd> move
            </span>
            <span>
              <Kbd combo="Enter" /> run
            </span>
            <span>
              <Kbd combo="Escape" /> close
            </span>
          </footer>
        </div>
      )}
    </dialog>
  );
}
