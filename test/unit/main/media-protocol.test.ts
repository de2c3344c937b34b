// `electron` is mocked (./electron-fake): Electron cannot run on these machines (ENVIRONMENT.md).
// The protocol handler itself is real and reads real files and a real symlink in a temp dir.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
vi.mock('electron', async () => (await import('./electron-fake')).createElectronFake());

import * as electron from 'electron';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMediaProtocolHandler, registerMediaProtocol } from '../../../main/media-protocol';
import { fake } from './electron-fake';

let base: string;
let root: string;
let projectRoot: string | null;
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

beforeAll(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'ccs-media-')));
  root = join(base, 'project');
  await mkdir(join(root, 'results', 'r1'), { recursive: true });
  await mkdir(join(root, '.studio', 'thumbs'), { recursive: true });
  await mkdir(join(base, 'outside'), { recursive: true });
  await writeFile(join(root, 'results', 'r1', 'sheet.png'), png);
  await writeFile(join(root, 'results', 'r1', 'my sheet.png'), png);
  await writeFile(join(root, '.studio', 'thumbs', 'r1.webp'), 'webp');
  await writeFile(join(root, 'results', 'r1', 'receipt.json'), '{}');
  await writeFile(join(base, 'outside', 'secret.png'), 'secret');
  await symlink(join(base, 'outside', 'secret.png'), join(root, 'results', 'link-out.png'));
  await symlink(join(base, 'outside'), join(root, 'results', 'dir-out'));
  projectRoot = root;
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

const handler = createMediaProtocolHandler(() => projectRoot);
const get = (url: string, method = 'GET') => handler({ url, method });

describe('ccs-media protocol', () => {
  it('serves a real image inside the project', async () => {
    const res = await get('ccs-media://project/results/r1/sheet.png');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(png);
    expect((await get('ccs-media://project/results/r1/my%20sheet.png')).status).toBe(200);
    expect((await get('ccs-media://project/.studio/thumbs/r1.webp?v=2')).status).toBe(200);
  });

  it('refuses `..`, `%2e%2e`, absolute paths, other drives, UNC, and symlinks out of the project', async () => {
    for (const url of [
      'ccs-media://project/../outside/secret.png',
      'ccs-media://project/results/../../outside/secret.png',
      'ccs-media://project/%2e%2e/outside/secret.png',
      'ccs-media://project/%2E%2E%2Foutside%2Fsecret.png',
      'ccs-media://project/%252e%252e/outside/secret.png',
      'ccs-media://project/' + join(base, 'outside', 'secret.png'),
      'ccs-media://project/%2F' + encodeURIComponent(join(base, 'outside', 'secret.png').slice(1)),
      'ccs-media://project/C:/Windows/win.ini',
      'ccs-media://project/C%3A%5CWindows%5Cwin.ini',
      'ccs-media://project/D:%5Csecret.png',
      'ccs-media://project/%5C%5Cserver%5Cshare%5Cx.png',
      'ccs-media://project/..%5C..%5Coutside%5Csecret.png',
      'ccs-media://project/results/link-out.png',
      'ccs-media://project/results/dir-out/secret.png',
      'ccs-media://project/results/r1/sheet.png%00.txt',
    ]) {
      const res = await get(url);
      expect(res.status, url).toBe(404);
      expect(await res.text()).toBe('Not found');
    }
  });

  it('answers 404 for another host, missing files, non-images, no open project and other methods', async () => {
    expect((await get('ccs-media://other/results/r1/sheet.png')).status).toBe(404);
    expect((await get('app://bundle/results/r1/sheet.png')).status).toBe(404);
    expect((await get('ccs-media://project/results/r1/missing.png')).status).toBe(404);
    expect((await get('ccs-media://project/results/r1/receipt.json')).status).toBe(404);
    expect((await get('ccs-media://project/results/r1/sheet.png', 'POST')).status).toBe(404);
    projectRoot = null;
    expect((await get('ccs-media://project/results/r1/sheet.png')).status).toBe(404);
    projectRoot = root;
  });

  it('registerMediaProtocol registers the ccs-media scheme with a handler that reads the live project root', async () => {
    const e = fake(electron);
    let current: string | null = null;
    registerMediaProtocol(() => current);
    const registered = e.protocol.handlers.get('ccs-media')!;
    expect(
      (await registered({ url: 'ccs-media://project/results/r1/sheet.png', method: 'GET' })).status,
    ).toBe(404);
    current = root;
    expect(
      (await registered({ url: 'ccs-media://project/results/r1/sheet.png', method: 'GET' })).status,
    ).toBe(200);
  });
});
