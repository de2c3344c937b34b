import { useEffect, useRef, useState } from 'react';
import { Search, X } from 'lucide-react';
import type { ResultFilter } from '../../../../src/contract/calls/workspace';
import { useNavigation } from '../../app/navigation';
import { commandKey, useIntent } from '../../app/commands';
import { comboLabel, isComposing } from '../../ui/keyboard';
import { setGallery, useGallery } from './gallery-store';

/** How long typing pauses before the gallery is asked again (each letter is not a query). */
const TYPING_PAUSE_MS = 250;

/**
 * The one search, in the top bar (UI.md): its text is the gallery's `filter.text`, so the field, the
 * gallery's filter chips, Clear filters and the saved filters all see one search. Typing (after a short
 * pause) shows the gallery filtered by the words, from whatever section the person is in; the characters
 * and poses holding them are offered above the grid (RecordMatches). Ctrl/Cmd+F (and "Search results" in
 * the palette) focuses it; Esc clears it, and a second Esc leaves it. Nothing is sent while an input
 * method is composing a word.
 */
export function SearchField() {
  const gallery = useGallery();
  const navigation = useNavigation();
  const applied = gallery.filter.text ?? '';
  const [value, setValue] = useState(applied);
  const [following, setFollowing] = useState(applied);
  if (applied !== following) {
    // The filter's text changed elsewhere (Clear filters, a saved filter, another project): the field follows.
    setFollowing(applied);
    setValue(applied);
  }
  const inputRef = useRef<HTMLInputElement>(null);
  // State, not a ref: the compositionend that commits a word (after its last input event) must run the
  // effect below again, though the text did not change.
  const [composing, setComposing] = useState(false);

  const apply = (text: string) => {
    const next: ResultFilter = { ...gallery.filter };
    const words = text.trim();
    if (words) next.text = words;
    else delete next.text;
    // The results are what a search lists first: it shows them wherever the person typed.
    if (words && navigation.section !== 'results') navigation.go('results');
    if ((next.text ?? '') === applied) return;
    setFollowing(next.text ?? '');
    setGallery({ filter: next, saved: null });
  };
  const applyRef = useRef(apply);
  useEffect(() => {
    applyRef.current = apply;
  });

  useEffect(() => {
    if (value.trim() === applied || composing) return;
    const timer = window.setTimeout(() => applyRef.current(value), TYPING_PAUSE_MS);
    return () => window.clearTimeout(timer);
  }, [value, applied, composing]);

  useIntent('results.search', () => {
    inputRef.current?.focus();
    inputRef.current?.select();
  });

  return (
    <div className="search-field topbar-search" role="search">
      <Search size={14} aria-hidden />
      <input
        ref={inputRef}
        type="search"
        aria-label="Search results"
        placeholder="Search"
        title={`Search results, characters and poses (${comboLabel(commandKey('app.search'))})`}
        value={value}
        onChange={(e) => {
          // Each input event says whether it is part of a word still being composed.
          setComposing((e.nativeEvent as InputEvent).isComposing === true);
          setValue(e.target.value);
        }}
        onCompositionStart={() => setComposing(true)}
        onCompositionEnd={(e) => {
          setComposing(false);
          setValue(e.currentTarget.value);
        }}
        onKeyDown={(e) => {
          if (isComposing(e)) return;
          if (e.key === 'Escape') {
            // Esc clears; on an empty field it leaves it. Either way it is the field's, not a "back".
            e.preventDefault();
            e.stopPropagation();
            if (value) {
              setValue('');
              apply('');
            } else e.currentTarget.blur();
          } else if (e.key === 'Enter') {
            e.preventDefault();
            apply(value);
          }
        }}
      />
      {value && (
        <button
          type="button"
          className="ghost icon small"
          aria-label="Clear the search"
          onClick={() => {
            setValue('');
            apply('');
            inputRef.current?.focus();
          }}
        >
          <X size={12} />
        </button>
      )}
    </div>
  );
}
