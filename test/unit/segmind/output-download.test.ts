/**
 * Output files of async runs are fetched from an address Segmind's answer named: never with the key, and
 * within limits of size, time and redirects, refusing other schemes and the local network (when the API
 * itself is not local). Real HTTP to a local server that records what it received.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadOutput, isPrivateHost, outputUrlProblem } from '../../../src/segmind/output-download';

let picture: Buffer;
let base = '';
const seen: { path: string; headers: IncomingHttpHeaders }[] = [];
const routes = new Map<string, (res: ServerResponse) => void>();
const server = createServer((req, res) => {
  seen.push({ path: req.url ?? '', headers: req.headers });
  const route = routes.get(req.url ?? '');
  if (route) route(res);
  else {
    res.writeHead(404);
    res.end();
  }
});
const redirect = (location: string) => (res: ServerResponse) => {
  res.writeHead(302, { location });
  res.end();
};

beforeAll(async () => {
  picture = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#336699' } })
    .jpeg()
    .toBuffer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  routes.set('/ok.jpg', (res) => {
    res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': picture.length });
    res.end(picture);
  });
  routes.set('/hop1', redirect('/hop2'));
  routes.set('/hop2', redirect('/ok.jpg'));
  routes.set('/loop', redirect('/loop'));
  routes.set('/to-ftp', redirect('ftp://127.0.0.1/ok.jpg'));
  routes.set('/to-file', redirect('file:///etc/passwd'));
  routes.set('/to-https', redirect(`https://127.0.0.1:1/ok.jpg`));
  routes.set('/big-announced', (res) => {
    res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': 10_000 });
    res.end(Buffer.alloc(10_000));
  });
  routes.set('/big-chunked', (res) => {
    res.writeHead(200, { 'content-type': 'image/jpeg' });
    for (let i = 0; i < 10; i++) res.write(Buffer.alloc(1000));
    res.end();
  });
  routes.set('/stall', (res) => {
    res.writeHead(200, { 'content-type': 'image/jpeg' });
    res.write(picture.subarray(0, 10));
    // the rest never comes
  });
  routes.set('/not-a-picture', (res) => {
    res.writeHead(200, { 'content-type': 'image/jpeg' });
    res.end('<html>error</html>');
  });
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const local = { allowPrivateHosts: true } as const;

describe('downloading an output', () => {
  it('fetches the picture with no key and nothing but an accept header, following redirects', async () => {
    const first = seen.length;
    const result = await downloadOutput(`${base}/hop1`, local);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.bytes).toEqual(picture);
      expect(result.image).toMatchObject({ width: 40, height: 30 });
    }
    const requests = seen.slice(first);
    expect(requests.map((r) => r.path)).toEqual(['/hop1', '/hop2', '/ok.jpg']);
    for (const { headers } of requests) {
      expect(headers['x-api-key']).toBeUndefined();
      expect(headers.authorization).toBeUndefined();
      expect(headers.cookie).toBeUndefined();
    }
  });

  it('refuses more redirects than allowed', async () => {
    const result = await downloadOutput(`${base}/loop`, { ...local, maxRedirects: 3 });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.retryable).toBe(false);
      expect(result.error.message).toContain('more than 3 times');
    }
  });

  it.each([
    ['/to-ftp', 'ftp:'],
    ['/to-file', 'file:'],
    ['/to-https', 'from http: to https:'],
  ])('refuses a redirect to another scheme (%s)', async (path, words) => {
    const result = await downloadOutput(`${base}${path}`, local);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.retryable).toBe(false);
      expect(result.error.message).toContain(words);
    }
  });

  it('refuses a file larger than allowed, announced or not', async () => {
    for (const path of ['/big-announced', '/big-chunked']) {
      const result = await downloadOutput(`${base}${path}`, { ...local, maxBytes: 5000 });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.message).toContain('5000 bytes');
    }
  });

  it('gives up on a download that stalls, as something to try again', async () => {
    const started = Date.now();
    const result = await downloadOutput(`${base}/stall`, { ...local, timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('TIMEOUT');
      expect(result.retryable).toBe(true);
    }
  });

  it('does not take something that is not a picture', async () => {
    const result = await downloadOutput(`${base}/not-a-picture`, local);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('BAD_RESPONSE');
  });

  it('against a public API, refuses plain http and the local network before sending anything', async () => {
    const first = seen.length;
    for (const url of [
      `${base}/ok.jpg`,
      'https://127.0.0.1/ok.jpg',
      'https://[::1]/x',
      'https://user:pw@cdn.example/x',
    ]) {
      const result = await downloadOutput(url, { allowPrivateHosts: false });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.retryable).toBe(false);
    }
    expect(seen.length).toBe(first);
  });
});

describe('which output addresses are refused', () => {
  it('knows the local network by its literal addresses', () => {
    for (const host of [
      '127.0.0.1',
      'localhost',
      'a.localhost',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '[::1]',
      '[fd00::1]',
      '[fe80::1]',
      '[::ffff:127.0.0.1]',
      '0.0.0.0',
      '100.64.0.1',
    ]) {
      expect(isPrivateHost(host), host).toBe(true);
    }
    for (const host of ['8.8.8.8', 'segmind-outputs.s3.amazonaws.com', '[2606:4700::1]', '172.32.0.1']) {
      expect(isPrivateHost(host), host).toBe(false);
    }
  });

  it('refuses a redirect from a public host into the local network', () => {
    const from = new URL('https://cdn.example/a.jpg');
    expect(outputUrlProblem('https://192.168.0.10/a.jpg', false, from)).toContain('local network');
    expect(outputUrlProblem('http://cdn.example/a.jpg', false, from)).toContain('from https: to http:');
    expect(outputUrlProblem('https://cdn2.example/a.jpg', false, from)).toBeNull();
  });
});
