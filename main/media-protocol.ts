import { protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { resolveContainedFile } from '../src/library/contained-path';
import { contentTypeFor } from '../src/library/media-types';
import { APP_ORIGIN, MEDIA_SCHEME, MEDIA_URL_PREFIX } from './schemes';
import type { ProtocolRequest } from './app-protocol';

/** Only images are served: this scheme exists for <img src>, nothing else (no SVG: it can carry script). */
const SERVABLE = new Set(['.png', '.jpg', '.jpeg', '.webp', '.avif', '.gif']);

const notFound = (): Response =>
  new Response('Not found', {
    status: 404,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' },
  });

/**
 * `ccs-media://project/<relative path>` → a file inside the open project (runtime.projectRoot()).
 * The path is taken from the raw request URL and checked by resolveContainedFile (decoded once; no
 * `..`, `%2e%2e`, absolute paths, drives, UNC, backslashes, NUL; realpath must stay inside the root, so
 * a symlink out of the project is refused). Every refusal, a missing file, no open project and a
 * non-image file all answer the same 404, so the renderer learns nothing about the rest of the disk.
 */
export function createMediaProtocolHandler(
  projectRoot: () => string | null,
): (request: ProtocolRequest) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return notFound();
    const raw = request.url;
    if (raw.slice(0, MEDIA_URL_PREFIX.length).toLowerCase() !== MEDIA_URL_PREFIX) return notFound();
    const relative = raw.slice(MEDIA_URL_PREFIX.length).replace(/[?#].*$/s, '');
    const root = projectRoot();
    if (!root) return notFound();
    let file: string;
    try {
      file = await resolveContainedFile(root, relative);
    } catch {
      return notFound();
    }
    if (!SERVABLE.has(extname(file).toLowerCase())) return notFound();
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return notFound();
    }
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: {
        'content-type': contentTypeFor(file),
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'",
        'cache-control': 'no-cache',
        'access-control-allow-origin': APP_ORIGIN,
      },
    });
  };
}

export function registerMediaProtocol(projectRoot: () => string | null): void {
  protocol.handle(MEDIA_SCHEME, createMediaProtocolHandler(projectRoot));
}
