import { describe, expect, it, vi } from 'vitest';
import { dispatchCall } from '../../../src/services/dispatch';
import { createAppRuntime } from '../../../src/services/runtime';
import { MemoryStore } from '../../../src/secrets/memory-store';
import { useTempDirs } from '../../helpers/temp-dir';

const tempDir = useTempDirs();

async function runtime() {
  return createAppRuntime({
    userDataDir: await tempDir(),
    platform: { shell: 'browser' },
    secrets: new MemoryStore(),
    appVersion: '1.2.3',
  });
}

describe('dispatchCall: the one entry point for untrusted calls', () => {
  it('turns input that does not match the schema into INVALID_INPUT and never calls the handler', async () => {
    const rt = await runtime();
    const spy = vi.spyOn(rt.handlers, 'projects.create');
    for (const bad of [
      { dir: 42, name: 'x' },
      { dir: '/tmp/x' },
      { dir: '/tmp/x', name: 'x', extra: true },
      'a string',
      [1],
    ]) {
      const result = await dispatchCall(rt.handlers, 'projects.create', bad);
      expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    expect(spy).not.toHaveBeenCalled();
  });

  it('rejects an unknown call name, including prototype names', async () => {
    const rt = await runtime();
    for (const name of ['nope.nothing', '__proto__', 'constructor', 'toString', 42, null]) {
      expect(await dispatchCall(rt.handlers, name, {})).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT' },
      });
    }
  });

  it('returns the handler’s value and turns thrown errors into data', async () => {
    const rt = await runtime();
    const dir = await tempDir();
    const created = await dispatchCall(rt.handlers, 'projects.create', { dir: `${dir}/p`, name: 'Book one' });
    expect(created).toMatchObject({ ok: true, value: { name: 'Book one', readOnly: false } });
    const again = await dispatchCall(rt.handlers, 'projects.create', { dir: `${dir}/p`, name: 'Book one' });
    expect(again).toMatchObject({ ok: false, error: { code: 'ALREADY_EXISTS' } });
    const info = await dispatchCall(rt.handlers, 'app.info', {});
    expect(info).toMatchObject({ ok: true, value: { version: '1.2.3', shell: 'browser' } });
    await rt.dispose();
  });

  it('hides unexpected errors behind a generic INTERNAL message', async () => {
    const rt = await runtime();
    const handlers = {
      ...rt.handlers,
      'projects.recent': async () => {
        throw new Error('secret path /home/x SG_0123456789abcdef');
      },
    };
    const errorLog = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const result = await dispatchCall(handlers, 'projects.recent', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(result)).not.toContain('SG_0123456789abcdef');
    expect(JSON.stringify(errorLog.mock.calls)).not.toContain('SG_0123456789abcdef');
    errorLog.mockRestore();
  });
});
