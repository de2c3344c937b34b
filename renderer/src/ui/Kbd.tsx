import { comboKeys } from './keyboard';

/** A keyboard combo as key caps: <Kbd combo="Mod+Enter" /> shows ⌘ ↵ on a Mac and Ctrl Enter elsewhere. */
export function Kbd(props: { combo: string; className?: string }) {
  return (
    <span className={`kbd-combo ${props.className ?? ''}`} aria-hidden>
      {comboKeys(props.combo).map((key) => (
        <kbd key={key}>{key}</kbd>
      ))}
    </span>
  );
}
