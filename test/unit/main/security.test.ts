// `electron` is mocked (./electron-fake): Electron cannot run on these machines (ENVIRONMENT.md).
import { beforeEach, describe, expect, it, vi } from 'vitest';
vi.mock('electron', async () => (await import('./electron-fake')).createElectronFake());

import * as electron from 'electron';
import type { App, Session, WebContents } from 'electron';
import {
  CONTENT_SECURITY_POLICY,
  PERMISSION_GRANTS,
  hardenSession,
  hardenWebContents,
  installAppGuards,
  originOf,
} from '../../../main/security';
import { FakeWebContents, fake, fakeEvent } from './electron-fake';

const e = fake(electron);
let contents: FakeWebContents;
beforeEach(() => {
  contents = new FakeWebContents();
  hardenWebContents(contents as unknown as WebContents);
  e.shell.openExternal.mockClear();
});
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('navigation guard', () => {
  it('allows navigation within the app origin', () => {
    const event = fakeEvent({ url: 'app://bundle/index.html#/results' });
    contents.emit('will-navigate', event, event.url);
    expect(event.defaultPrevented).toBe(false);
  });

  it('denies navigation to another origin, for main frames, subframes and redirects', async () => {
    for (const name of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      for (const url of [
        'https://evil.com/',
        'file:///etc/passwd',
        'app://other/index.html',
        'ccs-media://project/a.png',
        'http://127.0.0.1:3000/',
      ]) {
        const event = fakeEvent({ url });
        contents.emit(name, event, url);
        expect(event.defaultPrevented, `${name} ${url}`).toBe(true);
      }
    }
    await settle();
    expect(e.shell.openExternal).not.toHaveBeenCalled();
  });

  it('a trusted https link that would navigate is opened in the browser instead', async () => {
    const event = fakeEvent({ url: 'https://docs.segmind.com/' });
    contents.emit('will-navigate', event, event.url);
    expect(event.defaultPrevented).toBe(true);
    await settle();
    expect(e.shell.openExternal).toHaveBeenCalledWith('https://docs.segmind.com/');
  });
});

describe('window.open', () => {
  it('is always denied; a trusted https link opens externally, an untrusted one does not', async () => {
    const handler = contents.windowOpenHandler!;
    expect(handler({ url: 'https://segmind.com/pricing' })).toEqual({ action: 'deny' });
    await settle();
    expect(e.shell.openExternal).toHaveBeenCalledWith('https://segmind.com/pricing');
    e.shell.openExternal.mockClear();
    for (const url of [
      'https://evil.com/',
      'http://segmind.com/',
      'app://bundle/index.html',
      'file:///etc/passwd',
      'about:blank',
    ]) {
      expect(handler({ url })).toEqual({ action: 'deny' });
    }
    await settle();
    expect(e.shell.openExternal).not.toHaveBeenCalled();
  });
});

describe('webview', () => {
  it('can never attach', () => {
    const event = fakeEvent();
    contents.emit('will-attach-webview', event, {}, { src: 'https://evil.com/' });
    expect(event.defaultPrevented).toBe(true);
  });

  it('every WebContents the app creates gets the guards', () => {
    installAppGuards(e.app as unknown as App);
    const created = new FakeWebContents();
    e.app.emit('web-contents-created', fakeEvent(), created);
    const event = fakeEvent({ url: 'https://evil.com/' });
    created.emit('will-navigate', event, event.url);
    expect(event.defaultPrevented).toBe(true);
    expect(created.windowOpenHandler).not.toBeNull();
    expect(created.listenerCount('will-attach-webview')).toBe(1);
  });
});

describe('session', () => {
  const ses = e.session.makeSession();
  hardenSession(ses as unknown as Session);

  it('denies every permission request and check', () => {
    for (const permission of [
      'media',
      'notifications',
      'geolocation',
      'clipboard-read',
      'clipboard-sanitized-write',
      'hid',
      'openExternal',
      'fullscreen',
    ]) {
      const callback = vi.fn();
      ses.permissionRequestHandler!(contents, permission, callback, {});
      expect(callback).toHaveBeenCalledWith(false);
      expect(ses.permissionCheckHandler!(contents, permission, 'app://bundle', {})).toBe(false);
    }
  });

  /**
   * The whole permission policy, stated exactly: no permission is granted to any origin. In particular
   * 'clipboard-sanitized-write' (what navigator.clipboard.writeText asks for, the reason "Copy
   * parameters" failed in Electron) stays denied to the app's own page: the copy goes through main
   * (clipboard.writeText, test/unit/main/os-transfer.test.ts), not through a wider renderer permission.
   */
  it('grants exactly nothing: every permission, to every origin, by request and by check', () => {
    expect(PERMISSION_GRANTS).toEqual({});
    const origins = [
      'app://bundle',
      'ccs-media://project',
      'http://127.0.0.1:5173',
      'https://api.segmind.com',
      'file://',
    ];
    const permissions = [
      'clipboard-sanitized-write',
      'clipboard-read',
      'media',
      'display-capture',
      'mediaKeySystem',
      'geolocation',
      'notifications',
      'midi',
      'midiSysex',
      'pointerLock',
      'keyboardLock',
      'fullscreen',
      'openExternal',
      'window-management',
      'idle-detection',
      'storage-access',
      'top-level-storage-access',
      'speaker-selection',
      'fileSystem',
      'hid',
      'serial',
      'usb',
      'unknown',
    ];
    const granted: string[] = [];
    for (const origin of origins) {
      const page = new FakeWebContents();
      page.url = `${origin}/index.html`;
      for (const permission of permissions) {
        const callback = vi.fn();
        ses.permissionRequestHandler!(page, permission, callback, { requestingUrl: page.url });
        if (callback.mock.calls[0]?.[0] !== false) granted.push(`request ${permission} ${origin}`);
        if (ses.permissionCheckHandler!(page, permission, origin, { requestingUrl: page.url }) !== false)
          granted.push(`check ${permission} ${origin}`);
      }
    }
    expect(granted).toEqual([]);
  });

  it('names origins as Electron does, including the app’s own schemes', () => {
    expect(originOf('app://bundle/index.html#/results')).toBe('app://bundle');
    expect(originOf('ccs-media://project/results/a.jpg')).toBe('ccs-media://project');
    expect(originOf('https://api.segmind.com/v1/x')).toBe('https://api.segmind.com');
    expect(originOf('')).toBeUndefined();
    expect(originOf('not a url')).toBeUndefined();
  });

  it('puts the strict CSP on app pages, replacing any other CSP', () => {
    const callback = vi.fn();
    ses.headersListener!(
      {
        url: 'app://bundle/index.html',
        responseHeaders: { 'content-type': ['text/html'], 'content-security-policy': ['default-src *'] },
      },
      callback,
    );
    const headers = callback.mock.calls[0]![0].responseHeaders as Record<string, string[]>;
    const csp = Object.entries(headers).filter(([k]) => k.toLowerCase() === 'content-security-policy');
    expect(csp).toEqual([['Content-Security-Policy', [CONTENT_SECURITY_POLICY]]]);
    expect(headers['content-type']).toEqual(['text/html']);
  });

  it('leaves other responses alone', () => {
    const callback = vi.fn();
    ses.headersListener!({ url: 'https://api.segmind.com/v1/x', responseHeaders: {} }, callback);
    expect(callback).toHaveBeenCalledWith({});
  });

  it('the CSP is the strict one', () => {
    for (const directive of [
      "default-src 'self'",
      "img-src 'self' ccs-media: data: blob:",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ]) {
      expect(CONTENT_SECURITY_POLICY.split('; ')).toContain(directive);
    }
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline|\*/);
  });
});
