// `electron` is mocked (./electron-fake): Electron cannot run on these machines (ENVIRONMENT.md).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
vi.mock('electron', async () => (await import('./electron-fake')).createElectronFake());

import * as electron from 'electron';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createAppProtocolHandler,
  registerAppProtocol,
  registerPrivilegedSchemes,
} from '../../../main/app-protocol';
import { CONTENT_SECURITY_POLICY } from '../../../main/security';
import { fake } from './electron-fake';

let base: string;
let rendererDir: string;
beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'ccs-app-'));
  rendererDir = join(base, 'renderer');
  await mkdir(join(rendererDir, 'assets'), { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>app</title>');
  await writeFile(join(rendererDir, 'assets', 'index-abc.js'), 'console.log(1)');
  await writeFile(join(base, 'secret.txt'), 'secret');
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('app:// protocol', () => {
  const handler = () => createAppProtocolHandler(rendererDir);
  const get = (url: string, method = 'GET') => handler()({ url, method });

  it('serves the bundle with the CSP header', async () => {
    const res = await get('app://bundle/index.html');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await res.text()).toContain('<title>app</title>');
    const js = await get('app://bundle/assets/index-abc.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await get('app://bundle/')).status).toBe(200);
  });

  it('falls back to index.html for client routes but not for missing assets', async () => {
    expect(await (await get('app://bundle/results/grid')).text()).toContain('<title>app</title>');
    expect((await get('app://bundle/assets/missing.js')).status).toBe(404);
  });

  it('refuses traversal, other hosts and writes', async () => {
    for (const url of [
      'app://bundle/%2e%2e/secret.txt',
      'app://bundle/..%2fsecret.txt',
      'app://bundle/%252e%252e/secret.txt',
      'app://evil/index.html',
    ]) {
      const res = await get(url);
      expect(res.status, url).toBe(404);
      expect(await res.text()).not.toContain('secret');
    }
    expect((await get('app://bundle/index.html', 'POST')).status).toBe(405);
  });

  it('registers both schemes as privileged (standard, secure) and the app handler', () => {
    const e = fake(electron);
    registerPrivilegedSchemes();
    expect(e.protocol.privileged).toEqual([
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) },
      { scheme: 'ccs-media', privileges: expect.objectContaining({ standard: true, secure: true }) },
    ]);
    for (const scheme of e.protocol.privileged as Array<{ privileges: Record<string, unknown> }>) {
      expect(scheme.privileges.bypassCSP).toBeUndefined();
    }
    registerAppProtocol(rendererDir);
    expect(e.protocol.handlers.has('app')).toBe(true);
  });
});
