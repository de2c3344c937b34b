/**
 * A faithful local stand-in for the Segmind API (SEGMIND_API.md), for tests, benchmarks and running the
 * app without the real service. It listens on 127.0.0.1 only.
 *
 * What it does, like the real one is described to:
 * - POST /v1/consistent-character-ai-neolemon: `x-api-key` checked (missing, `Authorization: Bearer`
 *   instead, or unknown: 401 with two different messages), Content-Type must be JSON (else 406 naming the
 *   content type), every field checked (segmind-stand-in-body.ts: 422 for types and ranges, 500 for enums),
 *   the image decoded with sharp (raw base64, or an http(s) URL it downloads), credits spent (406 naming
 *   balance and cost when they run out), and a JPEG answered whose size is the sheet times `upscale_by`
 *   with every figure where the sheet had it, plus x-remaining-credits, x-cost, x-seed-value,
 *   x-request-id and x-generation-time.
 * - GET /v1/get-user-credits: `{"credits": n, ...}`, free.
 * - The async API (v2): POST /v2/{slug}, GET /v2/requests/{id}/status and /v2/requests/{id}, outputs on a
 *   separate output host, records that expire after an hour of a controllable clock, 422 and 410
 *   (segmind-stand-in-v2.ts, reached as `standIn.v2`).
 * - Other paths: 404 JSON. Wrong method: 405 with an HTML page.
 * - failNext(): fail the next N requests in any documented way, to test the client's classification.
 * - postCount, lastBody, bodies: what arrived, so a test can prove nothing was sent twice and compare a
 *   body field by field.
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import sharp from 'sharp';
import { checkV1Enums, checkV1Schema } from './segmind-stand-in-body';
import { renderCharacterSheet } from './segmind-stand-in-render';
import { checkSiblingBody, runSibling, siblingModelAt, type SiblingModel } from './segmind-stand-in-models';
import { AsyncApi, type StandInAsync } from './segmind-stand-in-v2';

export const STAND_IN_MODEL_PATH = '/v1/consistent-character-ai-neolemon';
export const STAND_IN_CREDITS_PATH = '/v1/get-user-credits';
export const STAND_IN_COST = 0.13;

export const MESSAGE_401_MISSING = 'Unauthorized: API key is missing. Send it in the x-api-key header.';
export const MESSAGE_401_INVALID = 'Unauthorized: the API key is invalid or has expired.';
export const MESSAGE_406_CONTENT_TYPE = 'Unsupported Content-Type: send the body as application/json.';

/**
 * Every way failNext() can make a request go wrong: the one list, which tests import (never copy) so a
 * kind added here is exercised everywhere a test means "every kind".
 */
export const STAND_IN_FAILURE_KINDS = [
  '401-missing',
  '401-invalid',
  '404',
  '405',
  '406-credits',
  '406-content-type',
  '410',
  '422',
  '429',
  '500',
  'slow',
  'slow-body',
  'drop-after-body',
  'truncated-body',
  'not-an-image',
] as const;
export type StandInFailureKind = (typeof STAND_IN_FAILURE_KINDS)[number];

/** The kinds that only hold an answer back (`slow`, `slow-body`): they take their delay to play out. */
export const STAND_IN_DELAY_KINDS: readonly StandInFailureKind[] = ['slow', 'slow-body'];

/** The kinds that answer (or drop) at once: every kind but the delays. */
export const STAND_IN_PROMPT_FAILURE_KINDS: readonly StandInFailureKind[] = STAND_IN_FAILURE_KINDS.filter(
  (kind) => !STAND_IN_DELAY_KINDS.includes(kind),
);

export interface FailNextOptions {
  readonly kind: StandInFailureKind;
  /**
   * Wait this long before failing. For `slow`, the wait before answering normally (default 5 s); for
   * `slow-body`, how long the second half of the picture is held back (default 60 s).
   */
  readonly delayMs?: number;
  /** For `429`: how far ahead the reset it announces is (default 60 s, like Segmind's per-minute limit). */
  readonly resetInMs?: number;
  /** How many requests in a row fail this way (default 1). */
  readonly count?: number;
  /** Which requests it applies to (default: generation POSTs). */
  readonly target?: 'generate' | 'credits' | 'any';
}

export interface StartStandInOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Starting balance (default 100). */
  readonly credits?: number;
  /** Accepted keys; default one random `SG_` + 16 hex digits key. */
  readonly keys?: readonly string[];
  /** Simulated generation time before each successful answer (default 0, for benchmarks). */
  readonly latencyMs?: number;
  /** When set, generation POSTs beyond this many in a sliding minute answer 429. */
  readonly rateLimitPerMinute?: number;
  /** Cost of one run (default 0.13). */
  readonly cost?: number;
}

export interface SegmindStandIn {
  /** Base URL, e.g. http://127.0.0.1:53124 (no trailing slash). */
  readonly url: string;
  readonly port: number;
  /** The first accepted key. */
  readonly key: string;
  /** The async API (v2): its counters, clock, output host and failure controls (segmind-stand-in-v2.ts). */
  readonly v2: StandInAsync;
  readonly keys: readonly string[];
  credits: number;
  latencyMs: number;
  /** POST requests received, on any path, counted as they arrive (before any check). */
  readonly postCount: number;
  readonly requestCount: number;
  /** Successful generations answered with a picture. */
  readonly generatedCount: number;
  /** The last POST body received, parsed as JSON when it is JSON (else the raw text). */
  readonly lastBody: unknown;
  /** The last 20 POST bodies, oldest first. */
  readonly bodies: readonly unknown[];
  readonly lastHeaders: IncomingHttpHeaders | undefined;
  failNext(options: FailNextOptions | StandInFailureKind): void;
  /** Failures still queued. */
  readonly pendingFailures: number;
  close(): Promise<void>;
}

type Route = 'generate' | 'credits' | 'unknown';

interface QueuedFailure {
  kind: StandInFailureKind;
  delayMs: number | undefined;
  resetInMs: number | undefined;
  remaining: number;
  target: 'generate' | 'credits' | 'any';
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;
const KEEP_BODIES = 20;
const METHOD_NOT_ALLOWED_PAGE =
  '<!doctype html>\n<html lang="en"><head><title>405 Method Not Allowed</title></head>' +
  '<body><h1>Method Not Allowed</h1><p>The method is not allowed for the requested URL.</p></body></html>\n';

export const newStandInKey = (): string => `SG_${randomUUID().replace(/-/g, '').slice(0, 16)}`;

export async function startSegmindStandIn(options: StartStandInOptions = {}): Promise<SegmindStandIn> {
  const standIn = new StandIn(options);
  await standIn.listen(options.port ?? 0);
  return standIn;
}

class StandIn implements SegmindStandIn {
  readonly keys: readonly string[];
  latencyMs: number;
  postCount = 0;
  requestCount = 0;
  generatedCount = 0;
  bodies: unknown[] = [];
  lastHeaders: IncomingHttpHeaders | undefined;
  port = 0;

  /** Thousandths of a credit, so repeated spending does not drift the way 0.1 + 0.2 does. */
  private milliCredits: number;
  private readonly costMilli: number;
  private readonly rateLimitPerMinute: number | undefined;
  private readonly acceptedAt: number[] = [];
  private readonly failures: QueuedFailure[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly sockets = new Set<Socket>();
  private closed = false;
  readonly v2: AsyncApi = new AsyncApi({
    apiUrl: () => this.url,
    key: () => this.key,
    checkKey: (headers) => this.checkKey(headers),
    knowsModel: (slug) => routeOf(`/v1/${slug}`) === 'generate',
  });
  private readonly server = createServer((req, res) => {
    this.handle(req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, { error: 'Internal Server Error' });
      else res.destroy();
    });
  });

  constructor(options: StartStandInOptions) {
    this.keys = options.keys !== undefined && options.keys.length > 0 ? [...options.keys] : [newStandInKey()];
    this.milliCredits = Math.round((options.credits ?? 100) * 1000);
    this.costMilli = Math.round((options.cost ?? STAND_IN_COST) * 1000);
    this.latencyMs = options.latencyMs ?? 0;
    this.rateLimitPerMinute = options.rateLimitPerMinute;
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  get key(): string {
    return this.keys[0] ?? '';
  }
  get credits(): number {
    return this.milliCredits / 1000;
  }
  set credits(value: number) {
    this.milliCredits = Math.round(value * 1000);
  }
  get lastBody(): unknown {
    return this.bodies.at(-1);
  }
  get pendingFailures(): number {
    return this.failures.reduce((n, f) => n + f.remaining, 0);
  }

  failNext(options: FailNextOptions | StandInFailureKind): void {
    const o = typeof options === 'string' ? { kind: options } : options;
    this.failures.push({
      kind: o.kind,
      delayMs: o.delayMs,
      resetInMs: o.resetInMs,
      remaining: Math.max(1, o.count ?? 1),
      target: o.target ?? 'generate',
    });
  }

  async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    await this.v2.listen();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.v2.close();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.requestCount++;
    const isPost = req.method === 'POST';
    // The v2 runs' own calls to the v1 routes are the stand-in's, not the app's: not counted or recorded.
    const internal = this.v2.isInternal(req.headers);
    if (isPost && !internal) this.postCount++;
    const route = routeOf(req.url);

    const raw = await readBody(req);
    if (raw === 'too-large') {
      sendJson(res, 413, { error: 'Request body too large' });
      return;
    }
    if (isPost && !internal) this.record(raw, req.headers);

    if (!internal && this.v2.handles(req.url)) {
      await this.v2.handle(req, res, raw);
      return;
    }
    const failure = internal ? undefined : this.takeFailure(route);
    if (failure !== undefined && failure.kind !== 'slow') {
      if (failure.kind !== 'slow-body') await this.sleep(failure.delayMs ?? 0);
      await this.fail(failure, req, res, raw);
      return;
    }
    if (failure?.kind === 'slow') await this.sleep(failure.delayMs ?? 5000);
    if (this.closed) return;

    if (route === 'unknown') {
      sendJson(res, 404, { error: `Not Found: ${req.url ?? '/'} does not exist` });
      return;
    }
    const allowed = route === 'generate' ? 'POST' : 'GET';
    if (req.method !== allowed) {
      sendHtml(res, 405, METHOD_NOT_ALLOWED_PAGE, { allow: allowed });
      return;
    }
    const auth = this.checkKey(req.headers);
    if (auth !== undefined) {
      sendJson(res, 401, { error: auth });
      return;
    }
    if (route === 'credits') {
      sendJson(res, 200, { credits: this.credits, email: 'stand-in@example.invalid', user_id: 'stand-in' });
      return;
    }
    await this.generate(req, res, raw);
  }

  private async generate(req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
    const started = Date.now();
    if (this.rateLimited(res)) return;
    if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
      sendJson(res, 406, { error: MESSAGE_406_CONTENT_TYPE });
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch {
      sendJson(res, 422, { error: 'Validation error: the body is not valid JSON' });
      return;
    }
    const sibling = siblingModelAt((req.url ?? '/').split('?')[0] ?? '/');
    if (sibling !== undefined) {
      await this.generateSibling(sibling, parsed, res, started);
      return;
    }
    const schema = checkV1Schema(parsed);
    if (!schema.ok) {
      sendJson(res, schema.status, { error: schema.error });
      return;
    }
    if (this.milliCredits < this.costMilli) {
      sendJson(res, 406, { error: this.insufficientCreditsMessage() });
      return;
    }
    // From here on the workflow "runs": what fails now fails like a generation error, with a 500.
    await this.sleep(this.latencyMs);
    if (this.closed) return;
    const enumProblem = checkV1Enums(schema.body);
    if (enumProblem !== undefined) {
      sendJson(res, 500, { error: enumProblem });
      return;
    }
    const sheet = await loadImage(schema.body.image);
    if (sheet === null) {
      sendJson(res, 500, { error: 'Failed to load the input image: it could not be decoded' });
      return;
    }
    const seed = schema.body.seed === -1 ? randomInt(0, 2 ** 47) : schema.body.seed;
    const rendered = await renderCharacterSheet({
      sheet,
      upscaleBy: schema.body.upscale_by,
      seed,
      prompt: schema.body.prompt,
    });
    this.spend();
    this.generatedCount++;
    res.writeHead(200, {
      'content-type': 'image/jpeg',
      'content-length': rendered.jpeg.length,
      ...this.successHeaders(seed, started),
    });
    res.end(rendered.jpeg);
  }

  /** V1's siblings (segmind-stand-in-models.ts): the same checks and billing, their own fields and answers. */
  private async generateSibling(
    model: SiblingModel,
    parsed: unknown,
    res: ServerResponse,
    started: number,
  ): Promise<void> {
    const problem = checkSiblingBody(model, parsed);
    if (problem !== undefined) {
      sendJson(res, 422, { error: problem });
      return;
    }
    const costMilli = Math.round(model.cost * 1000);
    if (this.milliCredits < costMilli) {
      sendJson(res, 406, { error: this.insufficientCreditsMessage() });
      return;
    }
    await this.sleep(this.latencyMs);
    if (this.closed) return;
    const body = parsed as Record<string, unknown>;
    const asked = typeof body.seed === 'number' ? body.seed : -1;
    const seed = asked === -1 ? randomInt(0, 2 ** 47) : asked;
    const answer = await runSibling(model, body, seed, loadImage);
    if (answer === null) {
      sendJson(res, 500, { error: 'Failed to load the input image: it could not be decoded' });
      return;
    }
    this.spend(costMilli);
    this.generatedCount++;
    res.writeHead(200, {
      'content-type': answer.contentType,
      'content-length': answer.body.length,
      ...this.successHeaders(seed, started, costMilli),
    });
    res.end(answer.body);
  }

  private async fail(
    failure: QueuedFailure,
    req: IncomingMessage,
    res: ServerResponse,
    raw: Buffer,
  ): Promise<void> {
    const { kind } = failure;
    switch (kind) {
      case '401-missing':
        return sendJson(res, 401, { error: MESSAGE_401_MISSING });
      case '401-invalid':
        return sendJson(res, 401, { error: MESSAGE_401_INVALID });
      case '404':
        return sendJson(res, 404, { error: `Not Found: ${req.url ?? '/'} does not exist` });
      case '405':
        return sendHtml(res, 405, METHOD_NOT_ALLOWED_PAGE, { allow: 'POST' });
      case '406-credits':
        return sendJson(res, 406, { error: this.insufficientCreditsMessage() });
      case '406-content-type':
        return sendJson(res, 406, { error: MESSAGE_406_CONTENT_TYPE });
      case '410':
        return sendJson(res, 410, { error: 'This model has been retired and is no longer available.' });
      case '422':
        return sendJson(res, 422, { error: 'Validation error: the request could not be processed' });
      case '429':
        return sendJson(
          res,
          429,
          { error: 'Too many requests: rate limit exceeded.' },
          {
            'x-rate-limit-reset-at-utc': new Date(Date.now() + (failure.resetInMs ?? 60_000)).toISOString(),
          },
        );
      case '500':
        return sendJson(res, 500, { error: 'Internal Server Error' });
      case 'drop-after-body':
        // The worst case the client must survive: the run happened and was billed, the answer never came.
        this.spend();
        res.socket?.destroy();
        return;
      case 'truncated-body':
      case 'slow-body': {
        const jpeg = await this.renderForFailure(raw);
        this.spend();
        res.writeHead(200, {
          'content-type': 'image/jpeg',
          'content-length': jpeg.length,
          ...this.successHeaders(1, Date.now()),
        });
        const half = Math.floor(jpeg.length / 2);
        res.write(jpeg.subarray(0, half));
        if (kind === 'slow-body') {
          // Headers and half the picture now, the rest much later: a stalled download.
          await this.sleep(failure.delayMs ?? 60_000);
          if (!res.destroyed) res.end(jpeg.subarray(half));
          return;
        }
        // Let the first half reach the client before the connection goes.
        await this.sleep(30);
        res.socket?.destroy();
        return;
      }
      case 'not-an-image': {
        const page = Buffer.from(
          '<html><body><h1>Upstream error</h1><p>Generation failed.</p></body></html>',
        );
        this.spend();
        res.writeHead(200, {
          'content-type': 'image/jpeg',
          'content-length': page.length,
          ...this.successHeaders(1, Date.now()),
        });
        res.end(page);
        return;
      }
      case 'slow':
        return; // handled by the caller: slow answers normally after the delay
    }
  }

  /** A real result when the body allows one, so a truncated answer is the start of a real JPEG. */
  private async renderForFailure(raw: Buffer): Promise<Buffer> {
    try {
      const schema = checkV1Schema(JSON.parse(raw.toString('utf8')));
      const sheet = schema.ok ? await loadImage(schema.body.image) : null;
      if (schema.ok && sheet !== null) {
        const seed = schema.body.seed === -1 ? 1 : schema.body.seed;
        return (
          await renderCharacterSheet({
            sheet,
            upscaleBy: schema.body.upscale_by,
            seed,
            prompt: schema.body.prompt,
          })
        ).jpeg;
      }
    } catch {
      // fall through to a plain picture
    }
    return sharp({ create: { width: 256, height: 256, channels: 3, background: '#eeeeee' } })
      .jpeg()
      .toBuffer();
  }

  private checkKey(headers: IncomingHttpHeaders): string | undefined {
    const key = headers['x-api-key'];
    // `Authorization: Bearer` is not how Segmind takes a key: without x-api-key the key is missing.
    if (key === undefined || key === '') return MESSAGE_401_MISSING;
    return typeof key === 'string' && this.keys.includes(key) ? undefined : MESSAGE_401_INVALID;
  }

  private rateLimited(res: ServerResponse): boolean {
    if (this.rateLimitPerMinute === undefined) return false;
    const now = Date.now();
    while (this.acceptedAt.length > 0 && (this.acceptedAt[0] ?? 0) <= now - 60_000) this.acceptedAt.shift();
    if (this.acceptedAt.length >= this.rateLimitPerMinute) {
      const resetAt = new Date((this.acceptedAt[0] ?? now) + 60_000).toISOString();
      sendJson(
        res,
        429,
        { error: 'Too many requests: rate limit exceeded.' },
        { 'x-rate-limit-reset-at-utc': resetAt },
      );
      return true;
    }
    this.acceptedAt.push(now);
    return false;
  }

  private insufficientCreditsMessage(): string {
    return `Insufficient credits: your balance is ${this.credits} credits and this request costs ${this.costMilli / 1000} credits.`;
  }

  private spend(costMilli = this.costMilli): void {
    this.milliCredits = Math.max(0, this.milliCredits - costMilli);
  }

  private successHeaders(seed: number, started: number, costMilli = this.costMilli): Record<string, string> {
    return {
      'x-remaining-credits': String(this.credits),
      'x-cost': String(costMilli / 1000),
      'x-seed-value': String(seed),
      'x-request-id': randomUUID(),
      'x-generation-time': ((Date.now() - started) / 1000).toFixed(2),
    };
  }

  private record(raw: Buffer, headers: IncomingHttpHeaders): void {
    const text = raw.toString('utf8');
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    this.bodies.push(body);
    if (this.bodies.length > KEEP_BODIES) this.bodies.shift();
    this.lastHeaders = headers;
  }

  private takeFailure(route: Route): QueuedFailure | undefined {
    const index = this.failures.findIndex((f) => f.target === 'any' || f.target === route);
    const failure = this.failures[index];
    if (failure === undefined) return undefined;
    failure.remaining--;
    if (failure.remaining <= 0) this.failures.splice(index, 1);
    return failure;
  }
}

function routeOf(url: string | undefined): Route {
  const path = (url ?? '/').split('?')[0];
  if (path === STAND_IN_MODEL_PATH || siblingModelAt(path ?? '/') !== undefined) return 'generate';
  if (path === STAND_IN_CREDITS_PATH) return 'credits';
  return 'unknown';
}

async function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return 'too-large';
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The image as Segmind takes it: a URL it downloads, or raw base64 of the file. Null if it does not decode. */
async function loadImage(image: string): Promise<Buffer | null> {
  let bytes: Buffer;
  if (/^https?:\/\//i.test(image)) {
    try {
      const response = await fetch(image, { signal: AbortSignal.timeout(5000) });
      if (!response.ok) return null;
      bytes = Buffer.from(await response.arrayBuffer());
    } catch {
      return null;
    }
  } else {
    bytes = Buffer.from(image, 'base64');
  }
  try {
    const meta = await sharp(bytes, { failOn: 'truncated' }).metadata();
    return meta.width !== undefined && meta.height !== undefined ? bytes : null;
  } catch {
    return null;
  }
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function sendHtml(
  res: ServerResponse,
  status: number,
  page: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(page),
    ...headers,
  });
  res.end(page);
}
