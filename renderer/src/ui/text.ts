/** "Not enough Segmind credits" → "not enough Segmind credits": for a title used mid-sentence. */
export const lowerFirst = (text: string): string =>
  /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
