/**
 * The app's own URL schemes. Pure constants and parsers (no electron import), shared by main and the
 * preload.
 *
 * - `app://bundle/...` serves the built renderer (dist/renderer). It is registered as a standard,
 *   secure scheme, so the page has a real origin (`app://bundle`) that CSP 'self', the IPC sender check
 *   and the navigation guard can name, instead of `file://`, where every local file shares one origin.
 * - `ccs-media://project/<relative path>` serves image files from inside the open project only.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'bundle';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

export const MEDIA_SCHEME = 'ccs-media';
export const MEDIA_HOST = 'project';
export const MEDIA_URL_PREFIX = `${MEDIA_SCHEME}://${MEDIA_HOST}/`;

/** True only for a URL on the app's own origin (exact scheme and host, no credentials, no port). */
export function isAppUrl(raw: unknown): boolean {
  if (typeof raw !== 'string') return false;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  return (
    url.protocol === `${APP_SCHEME}:` &&
    url.hostname === APP_HOST &&
    url.port === '' &&
    url.username === '' &&
    url.password === ''
  );
}

/** IPC channel names: one per contract call and per event. */
export const callChannel = (name: string): string => `call:${name}`;
export const eventChannel = (name: string): string => `event:${name}`;
