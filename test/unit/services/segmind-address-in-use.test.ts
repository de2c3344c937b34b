import { afterEach, describe, expect, it } from 'vitest';
import { createAppRuntime } from '../../../src/services/runtime';
import type { AppRuntime } from '../../../src/services/runtime-types';
import { dispatchCall } from '../../../src/services/dispatch';
import { MemoryStore } from '../../../src/secrets/memory-store';
import { useTempDirs } from '../../helpers/temp-dir';

const tempDir = useTempDirs();
const runtimes: AppRuntime[] = [];

async function runtime(segmindBaseUrl?: string) {
  const rt = await createAppRuntime({
    userDataDir: await tempDir(),
    platform: { shell: 'browser' },
    secrets: new MemoryStore(),
    appVersion: 'test',
    // What CCSTUDIO_SEGMIND_URL sets in the app, the host and the CLI.
    ...(segmindBaseUrl ? { segmindBaseUrl } : {}),
    runQueue: false,
  });
  runtimes.push(rt);
  return rt;
}

describe('app.info says which Segmind address requests go to, and why', () => {
  afterEach(async () => {
    for (const rt of runtimes.splice(0)) await rt.dispose();
  });

  it('Segmind itself by default, then the saved address', async () => {
    const rt = await runtime();
    expect((await rt.handlers['app.info']({})).segmindAddress).toEqual({
      url: 'https://api.segmind.com',
      source: 'default',
    });
    await rt.handlers['settings.update']({ segmindBaseUrl: 'http://127.0.0.1:8787' });
    expect((await rt.handlers['app.info']({})).segmindAddress).toEqual({
      url: 'http://127.0.0.1:8787',
      source: 'settings',
    });
  });

  it('the environment override wins over the saved address, and is named as the reason', async () => {
    const rt = await runtime('http://127.0.0.1:9999');
    await rt.handlers['settings.update']({ segmindBaseUrl: 'http://127.0.0.1:8787' });
    const answer = await dispatchCall(rt.handlers, 'app.info', {});
    expect(answer).toMatchObject({
      ok: true,
      value: { segmindAddress: { url: 'http://127.0.0.1:9999', source: 'environment' } },
    });
  });
});
