import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { AppError } from '../domain';
import { dispatchCall } from '../services/dispatch';
import type { AppRuntime } from '../services/runtime-types';
import { resolveContainedFile } from '../library/contained-path';
import { contentTypeFor } from '../library/media-types';
import { readRequestTarget } from './request-target';

export interface BrowserHostOptions {
  runtime: AppRuntime;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  port?: number;
  /** Fixed only in tests; otherwise a fresh random token per run. */
  token?: string;
}

export interface BrowserHost {
  url: string;
  /** The URL to open: the token travels in the fragment, so it never reaches a server log or a Referer. */
  openUrl: string;
  token: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;

/**
 * Serves the built renderer and every contract call over HTTP on 127.0.0.1 only, so the same UI runs in a
 * plain browser for development and end-to-end tests. Calls, events and project media all need the per-run
 * token; the Host header must be the loopback address we listen on (no DNS rebinding).
 */
export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const expected = Buffer.from(token);
  const tokenOk = (candidate: string | null | undefined): boolean => {
    if (!candidate) return false;
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  let allowedHosts: Set<string> = new Set();

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      console.error('[ccstudio host] request failed:', (error as Error).message);
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'Internal error');
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!allowedHosts.has(req.headers.host ?? ''))
      return send(res, 421, 'text/plain; charset=utf-8', 'Wrong host');
    const target = readRequestTarget(req.url);
    if (!target) return send(res, 400, 'text/plain; charset=utf-8', 'Bad request: the path cannot be read');
    const { rawPath, path, query } = target;

    if (rawPath.startsWith('/api/call/') && req.method === 'POST') {
      if (!tokenOk(req.headers['x-ccstudio-token'] as string | undefined)) return deny(res);
      const name = path.slice('/api/call/'.length);
      let input: unknown;
      try {
        input = JSON.parse((await readBody(req)).toString('utf8') || '{}');
      } catch {
        return sendJson(res, 200, {
          ok: false,
          error: new AppError('INVALID_INPUT', 'The request body is not JSON.').toData(),
        });
      }
      return sendJson(res, 200, await dispatchCall(options.runtime.handlers, name, input));
    }
    if (rawPath === '/api/events' && req.method === 'GET') {
      if (!tokenOk(query.get('t'))) return deny(res);
      return streamEvents(req, res);
    }
    if (rawPath.startsWith('/media/') && req.method === 'GET') {
      if (!tokenOk(query.get('t'))) return deny(res);
      const root = options.runtime.projectRoot();
      if (!root) return send(res, 404, 'text/plain; charset=utf-8', 'No project is open');
      try {
        // Still encoded: resolveContainedFile decodes it once itself and refuses double encoding.
        const file = await resolveContainedFile(root, rawPath.slice('/media/'.length));
        return sendFile(res, file, 'private, max-age=3600');
      } catch {
        return send(res, 404, 'text/plain; charset=utf-8', 'Not found');
      }
    }
    if (req.method === 'GET' || req.method === 'HEAD') return serveRenderer(res, path);
    return send(res, 405, 'text/plain; charset=utf-8', 'Method not allowed');
  }

  function streamEvents(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write(': connected\n\n');
    const unsubscribe = options.runtime.events.on((name, payload) => {
      res.write(`data: ${JSON.stringify({ name, payload })}\n\n`);
    });
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(ping);
      unsubscribe();
    });
  }

  /** `path` is already decoded (readRequestTarget). */
  async function serveRenderer(res: ServerResponse, path: string): Promise<void> {
    const relative = normalize(path).replace(/^([/\\])+/, '');
    const candidate = join(options.rendererDir, relative);
    const inside = candidate.startsWith(options.rendererDir + sep) || candidate === options.rendererDir;
    const info = inside ? await stat(candidate).catch(() => null) : null;
    if (info?.isFile())
      return sendFile(
        res,
        candidate,
        relative.startsWith('assets') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    // Single-page app: unknown paths get index.html.
    return sendFile(res, join(options.rendererDir, 'index.html'), 'no-cache');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    openUrl: `${url}/#token=${encodeURIComponent(token)}`,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new AppError('INVALID_INPUT', 'The request is too large.'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'self'; img-src 'self' data: blob:; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
};

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, ...SECURITY_HEADERS });
  res.end(body);
}
const sendJson = (res: ServerResponse, status: number, body: unknown): void =>
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
const deny = (res: ServerResponse): void =>
  sendJson(res, 403, {
    ok: false,
    error: new AppError('FORBIDDEN_SENDER', 'Missing or wrong session token.').toData(),
  });

async function sendFile(res: ServerResponse, file: string, cacheControl: string): Promise<void> {
  const info = await stat(file);
  res.writeHead(200, {
    'content-type': contentTypeFor(file),
    'content-length': info.size,
    'cache-control': cacheControl,
    ...SECURITY_HEADERS,
  });
  await new Promise<void>((resolve, reject) => {
    createReadStream(file).on('error', reject).pipe(res).on('finish', resolve).on('error', reject);
  });
}
