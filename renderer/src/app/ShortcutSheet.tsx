import { Fragment } from 'react';
import { Modal } from '../ui/Modal';
import { Kbd } from '../ui/Kbd';
import { comboLabel } from '../ui/keyboard';
import { GROUP_WHERE, shortcutGroups, type CommandInfo } from './commands';
import './keyboard-help.css';

/** A run of single digits ("0"…"5") reads better as one range. */
function isDigitRun(keys: readonly string[]): boolean {
  return keys.length > 2 && keys.every((k, i) => i === 0 || Number(k) === Number(keys[i - 1]) + 1);
}

function Keys(props: { keys: readonly string[] }) {
  const { keys } = props;
  const spoken = isDigitRun(keys)
    ? `${keys[0]} to ${keys.at(-1)}`
    : keys.map(comboLabel).join(keys.length === 2 ? ' or ' : ', ');
  const shown = isDigitRun(keys) ? [keys[0] ?? '', keys.at(-1) ?? ''] : keys;
  return (
    <>
      <span className="sheet-keys" aria-hidden>
        {shown.map((combo, i) => (
          <Fragment key={combo}>
            {i > 0 && (isDigitRun(keys) ? '–' : keys.length === 2 ? ' ' : '')}
            <Kbd combo={combo} />
          </Fragment>
        ))}
      </span>
      <span className="visually-hidden">{spoken}</span>
    </>
  );
}

/** `?`: every shortcut the app has, grouped as UI.md's Keyboard section groups them, with this platform's modifier. */
export function ShortcutSheet(props: { open: boolean; onClose(): void; onPalette(): void }) {
  return (
    <Modal
      open={props.open}
      title="Keyboard shortcuts"
      onClose={props.onClose}
      width={980}
      footer={
        <>
          <span className="secondary sheet-hint">
            Every command, with its shortcut, is also in the command palette.
          </span>
          <button type="button" onClick={props.onPalette}>
            Command palette <Kbd combo="Mod+K" />
          </button>
          <button type="button" className="primary" onClick={props.onClose}>
            Close
          </button>
        </>
      }
    >
      <div className="sheet-groups">
        {shortcutGroups().map(({ group, commands }) => (
          <section key={group} className="sheet-group" aria-label={group}>
            <h3>
              {group}
              {GROUP_WHERE[group] && <span className="sheet-where"> {GROUP_WHERE[group]}</span>}
            </h3>
            <dl>
              {commands.map((command: CommandInfo & { id: string }) => (
                <div className="sheet-row" key={command.id}>
                  <dt>
                    {command.title}
                    {command.where && <span className="secondary"> ({command.where})</span>}
                  </dt>
                  <dd>
                    <Keys keys={command.keys ?? []} />
                  </dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
    </Modal>
  );
}
