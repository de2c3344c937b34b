/**
 * The stand-in's async API (v2, SEGMIND_API.md section 4), plugged into the stand-in (segmind-stand-in.ts):
 *
 * - POST /v2/{slug}: key, method, Content-Type and JSON checked like v1; a retired model answers 410 (not
 *   charged); an unknown one 404. Otherwise a record is made and the answer is at once
 *   `{request_id, status: "QUEUED", status_url, response_url}`. The run itself is the stand-in's own v1
 *   route for that model, called over loopback with a marker header (so it is not counted as a POST the
 *   app made): whatever the v1 route checks and answers, v2 checks and answers too, model for model.
 * - GET /v2/requests/{id}/status: `{request_id, status, metrics?}`; QUEUED, PROCESSING, COMPLETED, FAILED.
 * - GET /v2/requests/{id}: COMPLETED with `output`, `images[]` (url, content_type, file_name, file_size),
 *   `seed` and `metrics`; a FAILED run answers 422 `{status: "FAILED", error, metrics}` with cost 0 (a v1
 *   answer other than 200 is not charged there either).
 * - Records live an hour of the stand-in's clock (then 404); the clock is controllable (`clock.advance`).
 * - Output files are served by a second server on its own port (the "output host"), which records every
 *   request with its headers, so a test can prove it never saw the key. Files live 7 days of the clock.
 * - Test controls: `retire(slug)`, `failNextRun(message)` (the next run ends FAILED), `holdRuns()` /
 *   `releaseRuns()` (runs stay PROCESSING), `dropNextSubmitAnswer()` (the run starts and is charged, the
 *   answer to the submit never arrives), `outputsPerRun` (copies of the picture a run serves).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export const V2_RECORD_LIFETIME_MS = 60 * 60 * 1000;
export const V2_OUTPUT_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;
const INTERNAL_HEADER = 'x-stand-in-internal-run';

export type V2Status = 'QUEUED' | 'PROCESSING' | 'COMPLETED' | 'FAILED';

export interface V2Record {
  readonly id: string;
  readonly slug: string;
  /** By the stand-in's clock. */
  readonly submittedAt: number;
  status: V2Status;
  startedAt?: number;
  finishedAt?: number;
  outputs: { name: string; contentType: string; bytes: Buffer }[];
  seed?: number;
  error?: string;
  metrics?: Record<string, number>;
}

export interface OutputRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
}

/** The async API's controls and counters, as a test sees them (`standIn.v2`). */
export interface StandInAsync {
  /** Base URL of the output host (another port: another origin than the API). */
  readonly outputUrl: string;
  /** Submits that were answered with a request id (or had their answer dropped after the run started). */
  readonly submitCount: number;
  readonly statusCount: number;
  readonly resultCount: number;
  readonly records: ReadonlyMap<string, V2Record>;
  /** Every request the output host received, headers included. */
  readonly outputRequests: readonly OutputRequest[];
  /** The stand-in's clock for records and files: `advance` moves it forward. */
  readonly clock: { now(): number; advance(ms: number): void };
  /** Copies of the picture each completed run serves (default 1). */
  outputsPerRun: number;
  retire(slug: string): void;
  failNextRun(message?: string): void;
  holdRuns(): void;
  releaseRuns(): void;
  dropNextSubmitAnswer(): void;
}

export interface AsyncApiHooks {
  readonly apiUrl: () => string;
  readonly key: () => string;
  /** The v1 route's key check: undefined when accepted, else the 401 message. */
  readonly checkKey: (headers: IncomingHttpHeaders) => string | undefined;
  /** Whether the stand-in has a v1 route for this model. */
  readonly knowsModel: (slug: string) => boolean;
}

const SLUG = /^\/v2\/([A-Za-z0-9._-]+)$/;
const STATUS = /^\/v2\/requests\/([A-Za-z0-9._-]+)\/status$/;
const RESULT = /^\/v2\/requests\/([A-Za-z0-9._-]+)$/;
const FILE = /^\/files\/([A-Za-z0-9._-]+)\/([A-Za-z0-9._-]+)$/;

export class AsyncApi implements StandInAsync {
  submitCount = 0;
  statusCount = 0;
  resultCount = 0;
  outputsPerRun = 1;
  readonly records = new Map<string, V2Record>();
  readonly outputRequests: OutputRequest[] = [];
  private offsetMs = 0;
  readonly clock = {
    now: (): number => Date.now() + this.offsetMs,
    advance: (ms: number): void => {
      this.offsetMs += ms;
    },
  };
  private readonly retired = new Set<string>();
  private readonly runFailures: string[] = [];
  private hold: { promise: Promise<void>; release: () => void } | undefined;
  private dropNext = 0;
  private readonly internalToken = randomBytes(16).toString('hex');
  private outputPort = 0;
  private readonly sockets = new Set<Socket>();
  private readonly runs = new Set<Promise<void>>();
  private closed = false;
  private readonly outputServer = createServer((req, res) => this.serveOutput(req, res));

  constructor(private readonly hooks: AsyncApiHooks) {
    this.outputServer.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  get outputUrl(): string {
    return `http://127.0.0.1:${this.outputPort}`;
  }

  retire(slug: string): void {
    this.retired.add(slug);
  }
  failNextRun(message = 'Generation failed: the workflow could not process the inputs.'): void {
    this.runFailures.push(message);
  }
  holdRuns(): void {
    if (this.hold) return;
    let release = (): void => undefined;
    const promise = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.hold = { promise, release };
  }
  releaseRuns(): void {
    this.hold?.release();
    this.hold = undefined;
  }
  dropNextSubmitAnswer(): void {
    this.dropNext++;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.outputServer.once('error', reject);
      this.outputServer.listen(0, '127.0.0.1', () => {
        this.outputServer.off('error', reject);
        resolve();
      });
    });
    this.outputPort = (this.outputServer.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.releaseRuns();
    const closed = new Promise<void>((resolve) => this.outputServer.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  /** A request the stand-in makes to itself to run a model: not one the app made. */
  isInternal(headers: IncomingHttpHeaders): boolean {
    return headers[INTERNAL_HEADER] === this.internalToken;
  }

  handles(url: string | undefined): boolean {
    return (url ?? '').split('?')[0]?.startsWith('/v2/') ?? false;
  }

  async handle(req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const status = STATUS.exec(path);
    const result = status ? null : RESULT.exec(path);
    const submit = status || result ? null : SLUG.exec(path);
    if (!status && !result && !submit)
      return sendJson(res, 404, { error: `Not Found: ${path} does not exist` });
    const allowed = submit ? 'POST' : 'GET';
    if (req.method !== allowed) {
      res.writeHead(405, { 'content-type': 'text/html; charset=utf-8', allow: allowed });
      res.end('<!doctype html><title>405 Method Not Allowed</title><h1>Method Not Allowed</h1>');
      return;
    }
    const auth = this.hooks.checkKey(req.headers);
    if (auth !== undefined) return sendJson(res, 401, { error: auth });
    if (submit) return this.submit(req, res, raw, submit[1] ?? '');
    const id = (status ?? result)?.[1] ?? '';
    const record = this.records.get(id);
    if (!record || this.clock.now() - record.submittedAt >= V2_RECORD_LIFETIME_MS) {
      return sendJson(res, 404, { error: 'Request not found. Request records are kept for 1 hour.' });
    }
    if (status) {
      this.statusCount++;
      return sendJson(res, 200, {
        request_id: id,
        status: record.status,
        ...(record.metrics ? { metrics: record.metrics } : {}),
      });
    }
    this.resultCount++;
    if (record.status === 'FAILED') {
      return sendJson(res, 422, { status: 'FAILED', error: record.error, metrics: record.metrics });
    }
    if (record.status !== 'COMPLETED') return sendJson(res, 200, { request_id: id, status: record.status });
    const images = record.outputs.map((o) => ({
      url: `${this.outputUrl}/files/${id}/${o.name}`,
      content_type: o.contentType,
      file_name: o.name,
      file_size: o.bytes.length,
    }));
    return sendJson(res, 200, {
      request_id: id,
      status: 'COMPLETED',
      output: images[0]?.url,
      images,
      seed: record.seed,
      metrics: record.metrics,
    });
  }

  private submit(req: IncomingMessage, res: ServerResponse, raw: Buffer, slug: string): void {
    if (this.retired.has(slug)) {
      return sendJson(res, 410, { error: 'This model has been retired and is no longer available.' });
    }
    if (!this.hooks.knowsModel(slug)) return sendJson(res, 404, { error: `Model ${slug} not found` });
    if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
      return sendJson(res, 406, { error: 'Unsupported Content-Type: send the body as application/json.' });
    }
    try {
      JSON.parse(raw.toString('utf8'));
    } catch {
      return sendJson(res, 422, { error: 'Validation error: the body is not valid JSON' });
    }
    const id = randomUUID();
    const record: V2Record = { id, slug, submittedAt: this.clock.now(), status: 'QUEUED', outputs: [] };
    this.records.set(id, record);
    this.submitCount++;
    const run = this.run(record, raw).finally(() => this.runs.delete(run));
    this.runs.add(run);
    if (this.dropNext > 0) {
      // The run goes ahead (and is charged); the answer with its request id never reaches the app.
      this.dropNext--;
      res.socket?.destroy();
      return;
    }
    const base = this.hooks.apiUrl();
    sendJson(res, 200, {
      request_id: id,
      status: 'QUEUED',
      status_url: `${base}/v2/requests/${id}/status`,
      response_url: `${base}/v2/requests/${id}`,
    });
  }

  private async run(record: V2Record, raw: Buffer): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    if (this.hold) await this.hold.promise;
    if (this.closed) return;
    record.status = 'PROCESSING';
    record.startedAt = this.clock.now();
    const failure = this.runFailures.shift();
    if (failure !== undefined) {
      this.finish(record, 'FAILED', { error: failure, cost: 0 });
      return;
    }
    let answer: Response;
    let bytes: Buffer;
    try {
      answer = await fetch(`${this.hooks.apiUrl()}/v1/${record.slug}`, {
        method: 'POST',
        headers: {
          'x-api-key': this.hooks.key(),
          'content-type': 'application/json',
          [INTERNAL_HEADER]: this.internalToken,
        },
        body: new Uint8Array(raw),
      });
      bytes = Buffer.from(await answer.arrayBuffer());
    } catch {
      if (!this.closed)
        this.finish(record, 'FAILED', { error: 'Internal error while running the model', cost: 0 });
      return;
    }
    const contentType = answer.headers.get('content-type') ?? '';
    if (answer.status !== 200) {
      let error = `The run failed (${answer.status})`;
      try {
        const parsed = JSON.parse(bytes.toString('utf8')) as { error?: unknown };
        if (typeof parsed.error === 'string') error = parsed.error;
      } catch {
        // not JSON: keep the status
      }
      this.finish(record, 'FAILED', { error, cost: 0 });
      return;
    }
    const pictures = picturesOf(contentType, bytes);
    const seed = Number(answer.headers.get('x-seed-value') ?? NaN);
    if (Number.isSafeInteger(seed)) record.seed = seed;
    for (let copy = 0; copy < Math.max(1, this.outputsPerRun); copy++) {
      for (const picture of pictures) {
        const index = record.outputs.length + 1;
        const extension = picture.contentType.split('/')[1]?.replace('jpeg', 'jpg') ?? 'bin';
        record.outputs.push({ name: `output-${index}.${extension}`, ...picture });
      }
    }
    this.finish(record, 'COMPLETED', {
      cost: Number(answer.headers.get('x-cost') ?? 0),
      remaining: Number(answer.headers.get('x-remaining-credits') ?? NaN),
      inference: Number(answer.headers.get('x-generation-time') ?? NaN),
    });
  }

  private finish(
    record: V2Record,
    status: 'COMPLETED' | 'FAILED',
    facts: { error?: string; cost: number; remaining?: number; inference?: number },
  ): void {
    const now = this.clock.now();
    record.status = status;
    record.finishedAt = now;
    if (facts.error !== undefined) record.error = facts.error;
    const queue = ((record.startedAt ?? now) - record.submittedAt) / 1000;
    const total = (now - record.submittedAt) / 1000;
    record.metrics = {
      cost: facts.cost,
      ...(facts.remaining !== undefined && Number.isFinite(facts.remaining)
        ? { remaining_credits: facts.remaining }
        : {}),
      inference_time:
        facts.inference !== undefined && Number.isFinite(facts.inference) ? facts.inference : total - queue,
      queue_time: queue,
      total_time: total,
    };
  }

  private serveOutput(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    this.outputRequests.push({ method: req.method ?? 'GET', path, headers: { ...req.headers } });
    const match = FILE.exec(path);
    const record = match ? this.records.get(match[1] ?? '') : undefined;
    const file = record?.outputs.find((o) => o.name === match?.[2]);
    if (
      req.method !== 'GET' ||
      !record ||
      !file ||
      this.clock.now() - (record.finishedAt ?? 0) >= V2_OUTPUT_LIFETIME_MS
    ) {
      res.writeHead(404, { 'content-type': 'application/xml' });
      res.end('<Error><Code>NoSuchKey</Code></Error>');
      return;
    }
    res.writeHead(200, { 'content-type': file.contentType, 'content-length': file.bytes.length });
    res.end(file.bytes);
  }
}

/** A v1 answer's pictures: the picture itself, or JSON `{"images": ["<base64>", ...]}`. */
function picturesOf(contentType: string, bytes: Buffer): { contentType: string; bytes: Buffer }[] {
  if (contentType.startsWith('image/'))
    return [{ contentType: contentType.split(';')[0] ?? contentType, bytes }];
  try {
    const parsed = JSON.parse(bytes.toString('utf8')) as { images?: unknown; image?: unknown };
    const list = Array.isArray(parsed.images) ? parsed.images : [parsed.image];
    return list
      .filter((item): item is string => typeof item === 'string')
      .map((item) => {
        const picture = Buffer.from(item, 'base64');
        return { contentType: sniffContentType(picture), bytes: picture };
      });
  } catch {
    return [];
  }
}

function sniffContentType(bytes: Buffer): string {
  if (bytes[0] === 0x89 && bytes[1] === 0x50) return 'image/png';
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF') return 'image/webp';
  return 'image/jpeg';
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
