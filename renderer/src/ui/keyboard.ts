import { useEffect, useRef } from 'react';

/** True on macOS (and iPadOS): the command key is the modifier there, Ctrl everywhere else. */
export const isMac: boolean =
  typeof navigator !== 'undefined' && /Mac|iPhone|iPad/i.test(navigator.platform || navigator.userAgent);

/** Named keys as key caps, the same on every platform. */
const NAMED_KEYS: Record<string, string> = {
  ' ': 'Space',
  ArrowLeft: '←',
  ArrowRight: '→',
  ArrowUp: '↑',
  ArrowDown: '↓',
  Delete: 'Del',
  Backspace: '⌫',
};
const KEY_SYMBOLS: Record<string, string> = isMac
  ? { ...NAMED_KEYS, Mod: '⌘', Shift: '⇧', Alt: '⌥', Enter: '↵', Escape: 'Esc' }
  : { ...NAMED_KEYS, Mod: 'Ctrl', Shift: 'Shift', Alt: 'Alt', Enter: 'Enter', Escape: 'Esc' };

/** The keys of a combo as the person reads them: "Mod+Enter" is ["⌘", "↵"] on a Mac, ["Ctrl", "Enter"] elsewhere. */
export function comboKeys(combo: string): string[] {
  return comboParts(combo).map(
    (part) => KEY_SYMBOLS[part] ?? (part.length === 1 ? part.toUpperCase() : part),
  );
}

/**
 * True while an input method (Japanese, Chinese, Korean...) is composing: the Enter that commits the
 * composition, or an Escape that cancels it, belongs to the IME, never to a shortcut or a field's handler.
 * Takes a DOM event or React's (whose `nativeEvent` has the flag); keyCode 229 covers browsers that send
 * the committing keydown after compositionend.
 */
export function isComposing(event: KeyboardEvent | { nativeEvent: KeyboardEvent }): boolean {
  const native = 'nativeEvent' in event ? event.nativeEvent : event;
  return native.isComposing || native.keyCode === 229;
}

/** "Mod+G" as text for a tooltip: "⌘G" on a Mac, "Ctrl+G" elsewhere. */
export function comboLabel(combo: string): string {
  return comboKeys(combo).join(isMac ? '' : '+');
}

interface ParsedCombo {
  mod: boolean;
  shift: boolean;
  alt: boolean;
  key: string;
}

/** "Mod+K" → ["Mod", "K"]; the plus key itself is "+" (or "Mod++"), not a separator. */
function comboParts(combo: string): string[] {
  if (combo === '+') return ['+'];
  if (combo.endsWith('++')) return [...combo.slice(0, -2).split('+'), '+'];
  return combo.split('+');
}

function parseCombo(combo: string): ParsedCombo {
  const parts = comboParts(combo);
  const key = parts.at(-1) ?? '';
  return {
    mod: parts.includes('Mod'),
    shift: parts.includes('Shift'),
    alt: parts.includes('Alt'),
    key: key.toLowerCase(),
  };
}

export function matchesCombo(event: KeyboardEvent, combo: string): boolean {
  const want = parseCombo(combo);
  const mod = isMac ? event.metaKey : event.ctrlKey;
  if (mod !== want.mod || event.altKey !== want.alt) return false;
  // Shift is part of "?" itself; only check it when the combo names it or the key is a letter or named key.
  if (want.key.length > 1 || /[a-z]/.test(want.key)) {
    if (event.shiftKey !== want.shift) return false;
  }
  return event.key.toLowerCase() === want.key;
}

function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT';
}

/**
 * Runs `handler` when the combo is pressed anywhere in the window. Combos with Mod work while typing
 * (Ctrl/Cmd+Enter from a field is the point); plain keys are ignored in text fields. While a modal dialog
 * is open, window shortcuts wait.
 */
export function useShortcut(
  combo: string,
  handler: (event: KeyboardEvent) => void,
  options: { enabled?: boolean; inInputs?: boolean } = {},
): void {
  const ref = useRef(handler);
  useEffect(() => {
    ref.current = handler;
  });
  const enabled = options.enabled ?? true;
  const inInputs = options.inInputs ?? combo.includes('Mod');
  useEffect(() => {
    if (!enabled) return;
    const listener = (event: KeyboardEvent) => {
      if (event.defaultPrevented || isComposing(event) || !matchesCombo(event, combo)) return;
      if (!inInputs && isTypingTarget(event.target)) return;
      if (document.querySelector('dialog[open]')) return;
      event.preventDefault();
      ref.current(event);
    };
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, [combo, enabled, inInputs]);
}
