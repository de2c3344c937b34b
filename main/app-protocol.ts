import { protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { parseRelativePath } from '../src/library/contained-path';
import { contentTypeFor } from '../src/library/media-types';
import { APP_HOST, APP_SCHEME, MEDIA_SCHEME, isAppUrl } from './schemes';
import { CONTENT_SECURITY_POLICY } from './security';

/**
 * Both custom schemes must be declared before the app is ready. `standard` gives them real origins and
 * relative URL resolution; `secure` makes them a secure context like https. ccs-media allows CORS
 * (with an allow-origin of app://bundle only) so the renderer may draw project images on a canvas.
 */
export function registerPrivilegedSchemes(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
    },
    {
      scheme: MEDIA_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true },
    },
  ]);
}

/** The part of a protocol request the handlers read (Electron passes a full fetch Request). */
export interface ProtocolRequest {
  readonly url: string;
  readonly method: string;
}

const securityHeaders = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'cross-origin-opener-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
};

const plain = (status: number, text: string): Response =>
  new Response(text, {
    status,
    headers: { ...securityHeaders, 'content-type': 'text/plain; charset=utf-8' },
  });

/**
 * Serves the built renderer from `rendererDir` at app://bundle/. Only GET/HEAD, only the `bundle` host,
 * only paths that pass the same lexical checks as project media (no `..`, no encoded tricks, no
 * absolute paths). A path without a file extension that does not exist gets index.html (client-side
 * routes). No realpath here: the bundle sits inside app.asar, and contains no symlinks.
 */
export function createAppProtocolHandler(
  rendererDir: string,
): (request: ProtocolRequest) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed');
    if (!isAppUrl(request.url)) return plain(404, 'Not found');
    const url = new URL(request.url);
    if (url.hostname !== APP_HOST) return plain(404, 'Not found');
    const path = url.pathname.replace(/^\/+/, '') || 'index.html';

    let segments: string[];
    try {
      segments = parseRelativePath(path);
    } catch {
      return plain(404, 'Not found');
    }
    let file = join(rendererDir, ...segments);
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      if (extname(file) !== '') return plain(404, 'Not found');
      file = join(rendererDir, 'index.html');
      try {
        body = await readFile(file);
      } catch {
        return plain(404, 'Not found');
      }
    }
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: { ...securityHeaders, 'content-type': contentTypeFor(file), 'cache-control': 'no-cache' },
    });
  };
}

export function registerAppProtocol(rendererDir: string): void {
  protocol.handle(APP_SCHEME, createAppProtocolHandler(rendererDir));
}
