// `electron` is mocked (./electron-fake): Electron cannot run on these machines (ENVIRONMENT.md).
import { describe, expect, it, vi } from 'vitest';
vi.mock('electron', async () => (await import('./electron-fake')).createElectronFake());

import * as electron from 'electron';
import { isTrustedExternalUrl, openExternalIfTrusted } from '../../../main/trusted-url';
import { fake } from './electron-fake';

describe('trusted external links', () => {
  it('allows https links to Segmind hosts only', () => {
    for (const url of [
      'https://segmind.com/',
      'https://www.segmind.com/pricing',
      'https://docs.segmind.com/api',
      'https://cloud.segmind.com/console/api-keys',
      'https://SEGMIND.com/x',
    ]) {
      expect(isTrustedExternalUrl(url), url).toBe(true);
    }
  });

  it('refuses everything else', () => {
    for (const url of [
      'http://segmind.com/',
      'https://segmind.com.evil.com/',
      'https://evilsegmind.com/',
      'https://evil.com/?segmind.com',
      'https://user:pass@segmind.com/',
      'https://segmind.com@evil.com/',
      'https://segmind.com:8443/',
      'https://sub.segmind.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'app://bundle/index.html',
      'ccs-media://project/x.png',
      'smb://segmind.com/share',
      'not a url',
      '',
      42,
      null,
      `https://segmind.com/${'a'.repeat(3000)}`,
    ]) {
      expect(isTrustedExternalUrl(url), String(url)).toBe(false);
    }
  });

  it('openExternalIfTrusted opens only trusted links, through shell.openExternal', async () => {
    const shell = fake(electron).shell;
    expect(await openExternalIfTrusted('https://docs.segmind.com/')).toBe(true);
    expect(shell.openExternal).toHaveBeenCalledWith('https://docs.segmind.com/');
    shell.openExternal.mockClear();
    expect(await openExternalIfTrusted('https://evil.com/')).toBe(false);
    expect(await openExternalIfTrusted('file:///etc/passwd')).toBe(false);
    expect(shell.openExternal).not.toHaveBeenCalled();
  });

  it('never throws when the OS refuses to open the link', async () => {
    expect(
      await openExternalIfTrusted('https://segmind.com/', async () =>
        Promise.reject(new Error('no browser')),
      ),
    ).toBe(false);
  });
});
