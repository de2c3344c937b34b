import { shell } from 'electron';

/**
 * The ONE allow-list for links the app opens outside itself (in the person's browser). Everything else
 * is dropped: a link in a receipt, a model description or an error message can never open a file, a
 * custom protocol handler or an arbitrary site.
 */
export const TRUSTED_EXTERNAL_HOSTS: ReadonlySet<string> = new Set([
  'segmind.com',
  'www.segmind.com',
  'docs.segmind.com',
  'cloud.segmind.com',
  'api.segmind.com',
]);

/** https only, default port, no user:password@, and an exact host from the list (no subdomain wildcards). */
export function isTrustedExternalUrl(raw: unknown): boolean {
  if (typeof raw !== 'string' || raw.length > 2048) return false;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  return (
    url.protocol === 'https:' &&
    url.port === '' &&
    url.username === '' &&
    url.password === '' &&
    TRUSTED_EXTERNAL_HOSTS.has(url.hostname.toLowerCase())
  );
}

/** Opens the link in the default browser if it is trusted; returns whether it did. Never throws. */
export async function openExternalIfTrusted(
  raw: unknown,
  // Reviewed: shell.openExternal is reached only after isTrustedExternalUrl (https, allow-listed host).
  open: (url: string) => Promise<void> = (url) => shell.openExternal(url), // eng-disable openExternalJSCheck
): Promise<boolean> {
  if (!isTrustedExternalUrl(raw)) {
    console.warn('[ccstudio] blocked an external link to an untrusted address');
    return false;
  }
  try {
    await open(new URL(raw as string).toString());
    return true;
  } catch {
    return false;
  }
}
