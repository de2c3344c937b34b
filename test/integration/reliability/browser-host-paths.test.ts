/**
 * Issue 9.3: the browser host answers a request whose path it cannot read (malformed percent-encoding, a
 * request target that is not a URL) with 400, on every route, never with a 500. Over real HTTP: the raw
 * request target is written as given, with nothing in between to normalise it.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserHost, type BrowserHost } from '../../../src/host/browser-host';
import { MemoryStore } from '../../../src/secrets/memory-store';
import { createAppRuntime } from '../../../src/services/runtime';
import type { AppRuntime } from '../../../src/services/runtime-types';

const TOKEN = 'test-token-0123456789abcdefghijkl';

let root: string;
let runtime: AppRuntime;
let host: BrowserHost;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ccstudio-host-'));
  const rendererDir = join(root, 'renderer');
  await mkdir(join(rendererDir, 'assets'), { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>app</title>');
  await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log(1);');
  runtime = await createAppRuntime({
    userDataDir: join(root, 'user-data'),
    platform: { shell: 'browser' },
    secrets: new MemoryStore(),
    appVersion: 'test',
    runQueue: false,
  });
  host = await startBrowserHost({ runtime, rendererDir, token: TOKEN });
});

afterAll(async () => {
  await host?.close();
  await runtime?.dispose();
  await rm(root, { recursive: true, force: true });
});

/** One request with `target` sent exactly as written. */
function send(method: string, target: string, headers: Record<string, string> = {}): Promise<number> {
  const { port } = new URL(host.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path: target, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the browser host and paths it cannot read', () => {
  it.each([
    ['GET', '/%E0%A4%A'],
    ['GET', '/%zz'],
    ['GET', '/assets/%zz.js'],
    ['GET', '/%'],
    ['HEAD', '/%zz'],
    ['GET', `/media/%zz?t=${TOKEN}`],
  ])('%s %s → 400', async (method, target) => {
    expect(await send(method, target)).toBe(400);
  });

  it('a contract call whose name is malformed percent-encoding → 400', async () => {
    expect(await send('POST', '/api/call/%zz', { 'x-ccstudio-token': TOKEN })).toBe(400);
  });

  it('a request target that is not a URL at all → 400', async () => {
    expect(await send('GET', 'http://[')).toBe(400);
  });

  it('still serves well-formed paths (encoded ones included)', async () => {
    expect(await send('GET', '/')).toBe(200);
    expect(await send('GET', '/assets/app.js')).toBe(200);
    expect(await send('GET', '/caf%C3%A9')).toBe(200); // the single-page app's index.html
  });
});
