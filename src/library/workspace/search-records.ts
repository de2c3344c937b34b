import type { Character, PoseLibrary } from '../../domain';

/** Which of a record's fields a search matched, as the person reads it. */
export type MatchedField = 'name' | 'description' | 'style words' | 'notes' | 'tags' | 'library';

export interface RecordMatch {
  kind: 'character' | 'pose';
  id: string;
  name: string;
  /** For a pose: its library. */
  libraryId?: string;
  libraryName?: string;
  /** The fields holding at least one of the words (every word is somewhere in the record). */
  fields: MatchedField[];
  /** A short piece of the first matching long field, around the first word found there. */
  excerpt?: string;
}

/** The words of a search, as the gallery's filter splits them (lower case, on white space). */
export const searchWords = (text: string): string[] => [
  ...new Set(text.toLowerCase().split(/\s+/).filter(Boolean)),
];

type Fields = [MatchedField, string][];

/**
 * The record if every word is in one of its fields (case-insensitive, anywhere in a word, as the
 * gallery's search matches results), with the fields that matched; undefined otherwise.
 */
function matchRecord(
  words: readonly string[],
  fields: Fields,
): Pick<RecordMatch, 'fields' | 'excerpt'> | undefined {
  const lower = fields.map(([field, text]) => [field, text.toLowerCase(), text] as const);
  const matched = new Set<MatchedField>();
  let excerpt: string | undefined;
  for (const word of words) {
    let found = false;
    for (const [field, text, original] of lower) {
      const at = text.indexOf(word);
      if (at < 0) continue;
      found = true;
      matched.add(field);
      if (excerpt === undefined && field !== 'name' && original.length > 60)
        excerpt = around(original, at, word.length);
    }
    if (!found) return undefined;
  }
  return { fields: [...matched], ...(excerpt === undefined ? {} : { excerpt }) };
}

/** About 80 characters of `text` around `at`, with an ellipsis where it was cut. */
function around(text: string, at: number, length: number): string {
  const start = Math.max(0, at - 30);
  const end = Math.min(text.length, at + length + 50);
  return `${start > 0 ? '…' : ''}${text.slice(start, end).replace(/\s+/g, ' ').trim()}${end < text.length ? '…' : ''}`;
}

/**
 * Characters (name, description, style words, notes, tags) and poses (name, tags, library name) that hold
 * every word of `text`. Characters first, each list in the order given; at most `limit` of each.
 */
export function searchRecords(
  text: string,
  characters: readonly Character[],
  libraries: readonly PoseLibrary[],
  limit: number,
): { characters: RecordMatch[]; poses: RecordMatch[]; more: { characters: number; poses: number } } {
  const words = searchWords(text);
  const found = {
    characters: [] as RecordMatch[],
    poses: [] as RecordMatch[],
    more: { characters: 0, poses: 0 },
  };
  if (words.length === 0) return found;
  for (const c of characters) {
    const match = matchRecord(words, [
      ['name', c.name],
      ['description', c.description],
      ['style words', c.styleWords],
      ['notes', c.notes],
      ['tags', c.tags.join(' ')],
    ]);
    if (!match) continue;
    if (found.characters.length < limit)
      found.characters.push({ kind: 'character', id: c.id, name: c.name, ...match });
    else found.more.characters++;
  }
  for (const library of libraries) {
    for (const p of library.poses) {
      const match = matchRecord(words, [
        ['name', p.name],
        ['tags', p.tags.join(' ')],
        ['library', library.name],
      ]);
      if (!match) continue;
      if (found.poses.length < limit)
        found.poses.push({
          kind: 'pose',
          id: p.id,
          name: p.name,
          libraryId: library.id,
          libraryName: library.name,
          ...match,
        });
      else found.more.poses++;
    }
  }
  return found;
}
