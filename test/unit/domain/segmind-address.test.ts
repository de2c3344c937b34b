// The Segmind address is stored in plain text (settings.json) and written into every receipt, so an
// address that could carry the key is refused wherever it enters: the setting (every shell), the client
// (CCSTUDIO_SEGMIND_URL), and the Settings screen, which shows the same reason before saving.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { segmindAddressProblem } from '../../../src/domain/segmind-address';
import { SettingsSchema } from '../../../src/domain';
import { normaliseBaseUrl } from '../../../src/segmind';
import { dispatchCall } from '../../../src/services/dispatch';
import { createAppRuntime } from '../../../src/services/runtime';
import { MemoryStore } from '../../../src/secrets/memory-store';
import { useTempDirs } from '../../helpers/temp-dir';

const tempDir = useTempDirs();
const KEY = 'SG_0123456789abcdef';

const carriesKey = [
  `https://api.segmind.com/?key=${KEY}`,
  `https://api.segmind.com/v1?x-api-key=${KEY}&a=1`,
  `https://api.segmind.com/#${KEY}`,
  `https://api.segmind.com/${KEY}`,
  `https://api.segmind.com/v1/${KEY}/`,
  `https://api.segmind.com/${encodeURIComponent(KEY)}`,
  `https://api.segmind.com/%53G_0123456789abcdef`,
  'https://api.segmind.com/0123456789abcdef',
  `https://${KEY.toLowerCase()}.example.com`,
  `https://${KEY}@api.segmind.com`,
  `https://user:${KEY}@api.segmind.com`,
  'https://api.segmind.com/proxy/SG_abcdef123456',
];
const queryOrFragment = [
  'https://api.segmind.com/?region=eu',
  'https://api.segmind.com/#top',
  'https://api.segmind.com/?',
  'https://api.segmind.com/#',
];
const fine = [
  'https://api.segmind.com',
  'https://api.segmind.com/',
  'http://127.0.0.1:8787/proxy/',
  'https://sg_proxy1.corp.example/v1',
  ' https://api.segmind.com ',
];

describe('segmindAddressProblem', () => {
  it.each(carriesKey)('refuses %s: the key must not be in the address', (address) => {
    expect(segmindAddressProblem(address)).toMatch(/key/i);
  });

  it.each(queryOrFragment)('refuses a query or fragment at all: %s', (address) => {
    expect(segmindAddressProblem(address)).toMatch(/query|fragment/);
  });

  it.each(fine)('accepts %s', (address) => {
    expect(segmindAddressProblem(address)).toBeNull();
  });

  it('refuses what is not an http(s) address', () => {
    for (const bad of ['not a url', 'ftp://api.segmind.com', 'file:///etc/passwd', 'javascript:alert(1)']) {
      expect(segmindAddressProblem(bad), bad).not.toBeNull();
    }
  });

  it('never repeats the key in its reason', () => {
    for (const address of carriesKey)
      expect(segmindAddressProblem(address)).not.toContain('0123456789abcdef');
  });
});

describe('where the address enters', () => {
  it('the settings schema refuses it (and still allows empty, the default)', () => {
    for (const address of [...carriesKey, ...queryOrFragment]) {
      expect(SettingsSchema.partial().safeParse({ segmindBaseUrl: address }).success, address).toBe(false);
    }
    expect(SettingsSchema.parse({ segmindBaseUrl: '' }).segmindBaseUrl).toBe('');
    expect(SettingsSchema.parse({ segmindBaseUrl: 'http://127.0.0.1:8787' }).segmindBaseUrl).toBe(
      'http://127.0.0.1:8787',
    );
  });

  it('settings.update answers INVALID_INPUT and stores nothing: the key never reaches settings.json', async () => {
    const userDataDir = await tempDir();
    const rt = await createAppRuntime({
      userDataDir,
      platform: { shell: 'browser' },
      secrets: new MemoryStore(),
      appVersion: 't',
      runQueue: false,
    });
    try {
      await dispatchCall(rt.handlers, 'settings.update', { requestsPerMinute: 7 });
      for (const address of [`https://api.segmind.com/?key=${KEY}`, `https://api.segmind.com/v1/${KEY}`]) {
        const result = await dispatchCall(rt.handlers, 'settings.update', { segmindBaseUrl: address });
        expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
        expect(JSON.stringify(result)).not.toContain(KEY);
        // Past the IPC schema too (a shell that called the handler directly): the store parses again.
        await expect(rt.handlers['settings.update']({ segmindBaseUrl: address })).rejects.toBeDefined();
      }
      const stored = await readFile(join(userDataDir, 'settings.json'), 'utf8');
      expect(stored).not.toContain('SG_');
      expect(JSON.parse(stored)).toMatchObject({ segmindBaseUrl: '', requestsPerMinute: 7 });
    } finally {
      await rt.dispose();
    }
  });

  it('the client refuses it too (CCSTUDIO_SEGMIND_URL never passes through settings)', () => {
    for (const address of [...carriesKey, ...queryOrFragment]) {
      expect(() => normaliseBaseUrl(address), address).toThrow(/Segmind address/);
    }
    expect(normaliseBaseUrl('https://sg_proxy1.corp.example/v1/')).toBe('https://sg_proxy1.corp.example/v1');
  });
});
