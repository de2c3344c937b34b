/**
 * The key must never reach a message, a log, a receipt or a returned object. The client never puts it
 * anywhere itself; these guard what comes back from outside (a server that echoes the key in an error).
 */
const KEY_LIKE = /SG_[0-9A-Za-z]{6,}/g;
const REDACTED = '[redacted]';

export function redactText(text: string, key: string | null): string {
  let out = key !== null && key.length > 0 ? text.split(key).join(REDACTED) : text;
  out = out.replace(KEY_LIKE, REDACTED);
  return out;
}

export function redactBytes(bytes: Buffer, key: string | null): Buffer {
  if (key === null || key.length === 0 || bytes.indexOf(key) === -1) return bytes;
  const parts: Buffer[] = [];
  const needle = Buffer.from(key);
  let from = 0;
  for (let at = bytes.indexOf(needle, from); at !== -1; at = bytes.indexOf(needle, from)) {
    parts.push(bytes.subarray(from, at), Buffer.from(REDACTED));
    from = at + needle.length;
  }
  parts.push(bytes.subarray(from));
  return Buffer.concat(parts);
}
