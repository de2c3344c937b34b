import type { App, Session, WebContents } from 'electron';
import { isAppUrl } from './schemes';
import { openExternalIfTrusted } from './trusted-url';

/**
 * The Content-Security-Policy for the app's pages. Sent as a response header by the app:// protocol
 * and added again by the session's onHeadersReceived (belt and braces).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' ccs-media: data: blob:",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const isWebLink = (url: string): boolean => /^https?:\/\//i.test(url);

/**
 * Guards for one WebContents (every one the app ever creates, via app 'web-contents-created'):
 * - navigation (main frame or subframe) and redirects away from app://bundle are cancelled; a web link
 *   the person clicked goes to `openExternalIfTrusted` instead (it opens only allow-listed https links);
 * - window.open / target=_blank never opens an Electron window; web links take the same route;
 * - <webview> can never attach.
 */
export function hardenWebContents(contents: WebContents): void {
  const guardNavigation = (event: { preventDefault(): void; url?: string }, legacyUrl?: unknown): void => {
    const url = typeof event.url === 'string' ? event.url : typeof legacyUrl === 'string' ? legacyUrl : '';
    if (isAppUrl(url)) return;
    event.preventDefault();
    if (isWebLink(url)) void openExternalIfTrusted(url);
  };
  contents.on('will-navigate', guardNavigation);
  contents.on('will-frame-navigate', guardNavigation);
  contents.on('will-redirect', guardNavigation);

  contents.setWindowOpenHandler(({ url }) => {
    if (isWebLink(url)) void openExternalIfTrusted(url);
    return { action: 'deny' };
  });

  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
}

/** Every app-level guard: call once, before ready. */
export function installAppGuards(app: App): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
}

/**
 * The permissions the app's pages are granted, by origin: none, to any origin. What a permission would
 * give the page, main does for it through the contract instead: "Copy parameters" and copying an image
 * are `clipboard.writeText` / `clipboard.writeImage` (Electron's clipboard in main), a drag out of the
 * window is `shell.startDrag`. So 'clipboard-sanitized-write' (what navigator.clipboard.writeText asks
 * for) stays denied even to app://bundle, and a page that went wrong can read or write nothing of the OS
 * by itself. test/unit/main/security.test.ts states the table exactly.
 */
export const PERMISSION_GRANTS: Readonly<Record<string, readonly string[]>> = Object.freeze({});

/** Whether `permission` is granted to a page of `origin` (PERMISSION_GRANTS; own keys only). */
export function isPermissionGranted(permission: string, origin: string | undefined): boolean {
  if (origin === undefined || !Object.prototype.hasOwnProperty.call(PERMISSION_GRANTS, origin)) return false;
  return PERMISSION_GRANTS[origin]?.includes(permission) ?? false;
}

/**
 * The origin of a URL as Electron names it ('app://bundle'), or undefined when it has none. (URL.origin
 * is 'null' for schemes the URL standard does not know, such as app: and ccs-media:.)
 */
export const originOf = (url: string | undefined): string | undefined => {
  try {
    const parsed = url ? new URL(url) : undefined;
    return parsed && parsed.host ? `${parsed.protocol}//${parsed.host}` : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Session-wide: every permission request and check is answered by PERMISSION_GRANTS, which grants
 * nothing (camera, notifications, clipboard read and write, geolocation, HID, ...: the app needs none;
 * the OS work goes through main), and the CSP header is put on every app:// response.
 */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((contents, permission, callback, details) =>
    callback(isPermissionGranted(permission, originOf(details?.requestingUrl ?? contents?.getURL()))),
  );
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    isPermissionGranted(permission, originOf(requestingOrigin)),
  );
  session.webRequest.onHeadersReceived((details, callback) => {
    if (!isAppUrl(details.url)) {
      callback({});
      return;
    }
    callback({ responseHeaders: withCsp(details.responseHeaders) });
  });
}

/** The given headers with any existing CSP replaced by ours (header names compared case-insensitively). */
export function withCsp(headers: Record<string, string[] | string> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'content-security-policy') continue;
    out[name] = Array.isArray(value) ? value : [value];
  }
  // Electronegativity cannot read a CSP held in a constant; test/unit/security/csp.test.ts checks it.
  out['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY]; // eng-disable CSP_GLOBAL_CHECK
  return out;
}
