/**
 * Whether a text may be used as the Segmind address (the base URL setting, CCSTUDIO_SEGMIND_URL), and if
 * not, why, in words for the person. Isomorphic, so the settings schema, the Segmind client and the
 * Settings screen all apply the same rule.
 *
 * The rule that matters most: the address must never carry the API key. It is stored in plain text
 * (settings.json), shown on screen and written into every receipt, while the key belongs only in the
 * keychain and the x-api-key header. So besides credentials before the host, an address is refused when
 * it has a query or a fragment at all (the API needs neither, and `?key=...` is the classic place a key
 * is pasted), or when anything in it looks like a Segmind key, encoded or not, in the path or the host.
 */

/**
 * WHATWG URL, global in every runtime this folder runs in (Node, Chromium); declared here because the
 * isomorphic tsconfig includes neither the DOM nor Node types (the same way ids.ts declares crypto).
 */
interface ParsedUrl {
  readonly protocol: string;
  readonly username: string;
  readonly password: string;
  readonly pathname: string;
  readonly search: string;
  readonly hash: string;
}
declare const URL: new (input: string) => ParsedUrl;

/**
 * "SG_" and a run of letters or digits (the shape the redaction code scrubs), or a whole key in any case
 * (a host name is lower-cased). A lower-case "sg_" alone is not enough: "sg_proxy1" is a fine host name.
 */
const KEY_LIKE = [/SG_[0-9A-Za-z]{6,}/, /SG_[0-9a-f]{16}/i];
/** A path segment that is a key's 16 hex digits with or without its prefix. */
const KEY_SEGMENT = /^(SG_)?[0-9a-f]{16}$/i;

const KEY_IN_ADDRESS =
  'Leave the key out of the Segmind address: it belongs in the API key field, which keeps it in the keychain.';

/** null when `text` is a usable Segmind address; otherwise the reason, for the person. */
export function segmindAddressProblem(text: string): string | null {
  const trimmed = text.trim();
  let url: ParsedUrl;
  try {
    url = new URL(trimmed);
  } catch {
    return 'Enter the full Segmind address, such as https://api.segmind.com';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return 'The Segmind address must start with https:// (or http:// for a local stand-in).';
  }
  if (url.username !== '' || url.password !== '') return KEY_IN_ADDRESS;
  if (KEY_LIKE.some((pattern) => pattern.test(trimmed) || pattern.test(decoded(trimmed))))
    return KEY_IN_ADDRESS;
  if (url.pathname.split('/').some((segment) => KEY_SEGMENT.test(decoded(segment)))) return KEY_IN_ADDRESS;
  // URL drops an empty "?" or "#", so the text is checked as typed.
  if (url.search !== '' || url.hash !== '' || /[?#]/.test(trimmed)) {
    return 'The Segmind address must not have a query (?…) or a fragment (#…): a key there would be stored in plain text.';
  }
  return null;
}

/** Percent-decoded (twice, for a doubly encoded key), or as it was when it is not valid encoding. */
function decoded(text: string): string {
  let out = text;
  for (let i = 0; i < 2; i++) {
    try {
      out = decodeURIComponent(out);
    } catch {
      return out;
    }
  }
  return out;
}
