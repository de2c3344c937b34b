import { useEffect, useLayoutEffect, useRef } from 'react';
import { isComposing, matchesCombo } from './keyboard';

function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  // Checkboxes, radios, buttons and sliders take no typing: the gallery's keys still work from them,
  // except the arrows, which a slider or a radio group uses itself.
  const type = (target as HTMLInputElement).type;
  return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(type);
}

const ARROWS = /^(Shift\+)?Arrow/;

/** Returned by a useKeyMap handler that leaves the key to whoever listens next. */
export const NOT_MINE: unique symbol = Symbol('not mine');

/**
 * Many shortcuts with one window listener (the gallery's 0-5, P, X, U, arrows, Space...). Same rules as
 * useShortcut: plain keys wait while the person types in a field; every key waits while a modal dialog
 * is open; a matched key's default (scrolling, for Space and the arrows) is prevented. A handler that
 * returns NOT_MINE had nothing to do (Escape with nothing left to back out of): the key is left unhandled
 * for the next listener, so Esc always backs out exactly one level.
 */
export function useKeyMap(bindings: Record<string, (event: KeyboardEvent) => unknown>, enabled = true): void {
  const ref = useRef(bindings);
  // Before paint, so a key pressed right after another sees what the first one changed.
  useLayoutEffect(() => {
    ref.current = bindings;
  });
  useEffect(() => {
    if (!enabled) return;
    const listener = (event: KeyboardEvent) => {
      if (event.defaultPrevented || isComposing(event)) return;
      if (document.querySelector('dialog[open]')) return;
      for (const [combo, handler] of Object.entries(ref.current)) {
        if (!matchesCombo(event, combo)) continue;
        const target = event.target;
        if (!combo.includes('Mod') && isTypingTarget(target)) return;
        if (combo.includes('Mod') && isTypingTarget(target)) return;
        if (
          ARROWS.test(combo) &&
          target instanceof HTMLInputElement &&
          (target.type === 'range' || target.type === 'radio')
        )
          return;
        // A focused button answers Space and Enter itself.
        if ((combo === ' ' || combo === 'Enter') && target instanceof HTMLButtonElement) return;
        if (handler(event) !== NOT_MINE) event.preventDefault();
        return;
      }
    };
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, [enabled]);
}
