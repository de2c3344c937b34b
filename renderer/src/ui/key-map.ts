import { useEffect, useLayoutEffect, useRef } from 'react';
import { matchesCombo } from './keyboard';

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

/**
 * Many shortcuts with one window listener (the gallery's 0-5, P, X, U, arrows, Space...). Same rules as
 * useShortcut: plain keys wait while the person types in a field; every key waits while a modal dialog
 * is open; a matched key's default (scrolling, for Space and the arrows) is prevented.
 */
export function useKeyMap(bindings: Record<string, (event: KeyboardEvent) => void>, enabled = true): void {
  const ref = useRef(bindings);
  // Before paint, so a key pressed right after another sees what the first one changed.
  useLayoutEffect(() => {
    ref.current = bindings;
  });
  useEffect(() => {
    if (!enabled) return;
    const listener = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return;
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
        event.preventDefault();
        handler(event);
        return;
      }
    };
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, [enabled]);
}
