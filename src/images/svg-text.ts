/** Text placed in an SVG must be escaped, or a caption like `Tom & Jerry <draft>` breaks the render. */
export function escapeXml(text: string): string {
  return [...text]
    .filter(isXmlChar)
    .join('')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Control characters other than tab and newlines are not allowed in XML at all, even escaped. */
function isXmlChar(ch: string): boolean {
  const code = ch.codePointAt(0) ?? 0;
  return (
    code === 0x09 ||
    code === 0x0a ||
    code === 0x0d ||
    (code >= 0x20 && code !== 0xfffe && code !== 0xffff && !(code >= 0xd800 && code <= 0xdfff))
  );
}

/**
 * Shortens `text` to about `maxWidth` pixels at `fontSize`, ending with an ellipsis. There is no text
 * measurement without a renderer round trip, so this uses an average sans-serif advance (0.58 em; wide
 * glyphs count double) which errs on the short side.
 */
export function fitText(text: string, fontSize: number, maxWidth: number): string {
  const advance = (ch: string) => ((ch.codePointAt(0) ?? 0) > 0x2e80 ? 1.0 : 0.58) * fontSize;
  const chars = [...text.replace(/\s+/g, ' ').trim()];
  let width = 0;
  for (let i = 0; i < chars.length; i++) {
    width += advance(chars[i] ?? '');
    if (width > maxWidth) return `${chars.slice(0, Math.max(0, i - 1)).join('')}…`;
  }
  return chars.join('');
}
