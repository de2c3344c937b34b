/**
 * The stand-in itself behaves like SEGMIND_API.md, checked with plain fetch over real HTTP, so the
 * client's tests rest on a faithful fake.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makePoseSheet } from '../../fakes/pose-sheet';
import type { PoseSheetSpec } from '../../fakes/pose-sheet';
import { MESSAGE_401_INVALID, MESSAGE_401_MISSING, startSegmindStandIn } from '../../fakes/segmind-stand-in';
import type { SegmindStandIn } from '../../fakes/segmind-stand-in';
import { SPEC_EXAMPLE_PARAMS } from '../../unit/models/spec-table';

const SHEET: PoseSheetSpec = {
  width: 120,
  height: 80,
  // Deliberately asymmetric, so a flipped or shifted result cannot pass.
  figures: [
    { x: 6, y: 4, width: 24, height: 44 },
    { x: 40, y: 20, width: 24, height: 56 },
    { x: 86, y: 6, width: 28, height: 40 },
  ],
};

let standIn: SegmindStandIn;
let sheetBase64: string;
beforeAll(async () => {
  standIn = await startSegmindStandIn({ credits: 100 });
  sheetBase64 = (await makePoseSheet(SHEET)).toString('base64');
});
afterAll(async () => {
  await standIn.close();
});
beforeEach(() => {
  standIn.credits = 100;
});

const model = (): string => `${standIn.url}/v1/consistent-character-ai-neolemon`;
const exampleBody = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  ...SPEC_EXAMPLE_PARAMS,
  image: sheetBase64,
  ...over,
});

async function post(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(model(), {
    method: 'POST',
    headers: { 'x-api-key': standIn.key, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function errorOf(response: Response): Promise<string> {
  return ((await response.json()) as { error: string }).error;
}

describe('generation', () => {
  it.each([1, 2, 3])(
    'answers a JPEG %i× the sheet with every figure where the sheet had it',
    async (upscaleBy) => {
      const response = await post(exampleBody({ upscale_by: upscaleBy }));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/jpeg');
      const jpeg = Buffer.from(await response.arrayBuffer());
      const { data, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
      expect([info.width, info.height]).toEqual([SHEET.width * upscaleBy, SHEET.height * upscaleBy]);

      const pixel = (x: number, y: number): number[] => {
        const i = (Math.round(y) * info.width + Math.round(x)) * info.channels;
        return [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0];
      };
      const distance = (a: number[], b: number[]): number =>
        Math.max(...a.map((v, i) => Math.abs(v - (b[i] ?? 0))));
      const paper = pixel(info.width - 1, info.height - 1);
      for (const f of SHEET.figures) {
        // The figure's spine, scaled: part of the drawn character.
        const spine = pixel((f.x + f.width / 2) * upscaleBy, (f.y + f.height * 0.45) * upscaleBy);
        expect(distance(spine, paper), `figure at x=${f.x}`).toBeGreaterThan(60);
      }
      // Every drawn pixel lies inside a figure's box, scaled (plus the few pixels the bodies are fleshed out by).
      const margin = 3 * upscaleBy + 3;
      const inAFigure = (x: number, y: number): boolean =>
        SHEET.figures.some(
          (f) =>
            x >= f.x * upscaleBy - margin &&
            x < (f.x + f.width) * upscaleBy + margin &&
            y >= f.y * upscaleBy - margin &&
            y < (f.y + f.height) * upscaleBy + margin,
        );
      let drawn = 0;
      for (let y = 0; y < info.height; y++) {
        for (let x = 0; x < info.width; x++) {
          if (distance(pixel(x, y), paper) > 60) {
            drawn++;
            if (!inAFigure(x, y)) expect.fail(`drawn pixel outside every figure at ${x},${y}`);
          }
        }
      }
      expect(drawn).toBeGreaterThan(0);
    },
  );

  it('sets every documented header, spends credits and echoes the seed', async () => {
    const response = await post(exampleBody());
    expect(response.status).toBe(200);
    expect(response.headers.get('x-remaining-credits')).toBe('99.87');
    expect(response.headers.get('x-cost')).toBe('0.13');
    expect(response.headers.get('x-seed-value')).toBe('4898558797');
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('x-generation-time')).toMatch(/^\d+\.\d\d$/);
    expect(standIn.credits).toBe(99.87);
  });

  it('picks a random safe-integer seed for -1', async () => {
    const seeds = new Set<string>();
    for (let i = 0; i < 2; i++) {
      const response = await post(exampleBody({ seed: -1 }));
      const seed = response.headers.get('x-seed-value') ?? '';
      expect(Number.isSafeInteger(Number(seed)) && Number(seed) >= 0).toBe(true);
      seeds.add(seed);
      await response.arrayBuffer();
    }
    expect(seeds.size).toBe(2);
  });

  it('gives different seeds different pictures', async () => {
    const a = Buffer.from(await (await post(exampleBody({ seed: 1 }))).arrayBuffer());
    const b = Buffer.from(await (await post(exampleBody({ seed: 2 }))).arrayBuffer());
    expect(a.equals(b)).toBe(false);
  });

  it('downloads an image given as a URL', async () => {
    const sheet = Buffer.from(sheetBase64, 'base64');
    const files = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(sheet);
    });
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(files.address() as AddressInfo).port}/ref.pose.png`;
      const response = await post(exampleBody({ image: url, upscale_by: 1 }));
      expect(response.status).toBe(200);
      expect((await sharp(Buffer.from(await response.arrayBuffer())).metadata()).width).toBe(SHEET.width);
    } finally {
      files.closeAllConnections();
      await new Promise((resolve) => files.close(resolve));
    }
  });

  it('runs out of credits with a 406 naming balance and cost, and stops spending', async () => {
    standIn.credits = 0.3;
    const generatedBefore = standIn.generatedCount;
    expect((await post(exampleBody())).status).toBe(200);
    expect((await post(exampleBody())).status).toBe(200);
    const third = await post(exampleBody());
    expect(third.status).toBe(406);
    expect(await errorOf(third)).toBe(
      'Insufficient credits: your balance is 0.04 credits and this request costs 0.13 credits.',
    );
    expect(standIn.credits).toBe(0.04);
    expect(standIn.generatedCount).toBe(generatedBefore + 2);
  });

  it('waits the configured latency before answering', async () => {
    standIn.latencyMs = 250;
    try {
      const started = Date.now();
      const response = await post(exampleBody({ upscale_by: 1 }));
      await response.arrayBuffer();
      expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    } finally {
      standIn.latencyMs = 0;
    }
  });
});

describe('checks', () => {
  it('401: missing key, Bearer instead of x-api-key, unknown key', async () => {
    const missing = await fetch(model(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(exampleBody()),
    });
    expect([missing.status, await errorOf(missing)]).toEqual([401, MESSAGE_401_MISSING]);
    const bearer = await fetch(model(), {
      method: 'POST',
      headers: { authorization: `Bearer ${standIn.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(exampleBody()),
    });
    expect([bearer.status, await errorOf(bearer)]).toEqual([401, MESSAGE_401_MISSING]);
    const unknown = await post(exampleBody(), { 'x-api-key': 'SG_0000000000000000' });
    expect([unknown.status, await errorOf(unknown)]).toEqual([401, MESSAGE_401_INVALID]);
    const credits = await fetch(`${standIn.url}/v1/get-user-credits`, {
      headers: { 'x-api-key': 'SG_0000000000000000' },
    });
    expect(credits.status).toBe(401);
    expect(standIn.credits).toBe(100);
  });

  it('406 for a body that is not declared as JSON', async () => {
    const response = await post(exampleBody(), { 'content-type': 'text/plain' });
    expect(response.status).toBe(406);
    expect(await errorOf(response)).toMatch(/Content-Type/);
  });

  it.each([
    ['a number out of range', { num_inference_steps: 101 }, 'num_inference_steps: must be between 1 and 100'],
    ['strength above 1', { strength: 1.2 }, 'strength: must be between 0 and 1'],
    ['upscale_by 5', { upscale_by: 5 }, 'upscale_by: must be between 1 and 4'],
    ['a float where an int goes', { fd_steps: 20.5 }, 'fd_steps: must be an integer'],
    ['a string where a number goes', { guidance_scale: '7' }, 'guidance_scale: must be a number'],
    ['a missing required field', { sampler: undefined }, 'sampler: field required'],
    ['a misspelt field', { num_inference_step: 20 }, 'num_inference_step: unknown field'],
    ['a data: prefix', { image: `data:image/png;base64,${'A'.repeat(8)}` }, 'without a data: prefix'],
    ['an image that is not base64', { image: 'not base64 at all!' }, 'neither a URL nor valid base64'],
    ['a seed below -1', { seed: -2 }, 'seed: must be at least -1'],
  ])('422 for %s', async (_label, over, message) => {
    const response = await post(exampleBody(over));
    expect(response.status).toBe(422);
    expect(await errorOf(response)).toContain(message);
    expect(standIn.credits).toBe(100);
  });

  it('422 for a body that is not JSON', async () => {
    expect((await post('{"prompt": ')).status).toBe(422);
  });

  it('500 for an enum value outside section 3 (checked while generating), not billed', async () => {
    const response = await post(exampleBody({ upscale_mode_type: 'Diagonal' }));
    expect(response.status).toBe(500);
    expect(await errorOf(response)).toContain(
      "Value not in list: upscale_mode_type: 'Diagonal' not in ['Linear', 'Chess', 'None']",
    );
    expect(standIn.credits).toBe(100);
  });

  it('500 for base64 that is not an image', async () => {
    const response = await post(
      exampleBody({ image: Buffer.from('hello, not a picture').toString('base64') }),
    );
    expect(response.status).toBe(500);
    expect(await errorOf(response)).toMatch(/could not be decoded/);
  });

  it('404 JSON for unknown paths, 405 HTML for the wrong method', async () => {
    const notFound = await fetch(`${standIn.url}/v1/nope`, {
      method: 'POST',
      headers: { 'x-api-key': standIn.key },
    });
    expect(notFound.status).toBe(404);
    expect(await errorOf(notFound)).toMatch(/Not Found/);
    const wrongMethod = await fetch(model(), { headers: { 'x-api-key': standIn.key } });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await wrongMethod.text()).toMatch(/<html/);
    const postCredits = await fetch(`${standIn.url}/v1/get-user-credits`, {
      method: 'POST',
      headers: { 'x-api-key': standIn.key },
    });
    expect(postCredits.status).toBe(405);
  });

  it('answers the balance for free', async () => {
    const response = await fetch(`${standIn.url}/v1/get-user-credits`, {
      headers: { 'x-api-key': standIn.key },
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { credits: number }).credits).toBe(100);
    expect(standIn.credits).toBe(100);
  });
});

describe('test controls', () => {
  it('counts POSTs as they arrive and keeps the last bodies', async () => {
    const before = standIn.postCount;
    await (await post(exampleBody({ upscale_by: 1, seed: 11 }))).arrayBuffer();
    await (await post('not json', {})).text();
    expect(standIn.postCount).toBe(before + 2);
    expect(standIn.lastBody).toBe('not json');
    expect((standIn.bodies.at(-2) as { seed: number }).seed).toBe(11);
  });

  it('fails the next N requests, then answers normally', async () => {
    standIn.failNext({ kind: '500', count: 2 });
    expect(standIn.pendingFailures).toBe(2);
    expect((await post(exampleBody())).status).toBe(500);
    expect((await post(exampleBody())).status).toBe(500);
    expect((await post(exampleBody())).status).toBe(200);
    expect(standIn.pendingFailures).toBe(0);
  });

  it('applies credit-check failures only to credit checks', async () => {
    standIn.failNext({ kind: '401-invalid', target: 'credits' });
    expect((await post(exampleBody({ upscale_by: 1 }))).status).toBe(200);
    const credits = await fetch(`${standIn.url}/v1/get-user-credits`, {
      headers: { 'x-api-key': standIn.key },
    });
    expect(credits.status).toBe(401);
  });

  it('spends credits on the failures that Segmind would have billed', async () => {
    for (const kind of ['drop-after-body', 'truncated-body', 'not-an-image'] as const) {
      standIn.failNext(kind);
      const before = standIn.credits;
      await post(exampleBody())
        .then((r) => r.arrayBuffer())
        .catch(() => undefined);
      expect(standIn.credits, kind).toBeCloseTo(before - 0.13, 10);
    }
    standIn.failNext('500');
    await (await post(exampleBody())).text();
    expect(standIn.credits).toBeCloseTo(100 - 3 * 0.13, 10);
  });
});
