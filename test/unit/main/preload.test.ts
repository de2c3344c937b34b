// `electron` is mocked (./electron-fake): Electron cannot run on these machines (ENVIRONMENT.md).
// Note: the fake contextBridge hands back the object as-is; the real one copies it into the page,
// where plain objects keep their properties but Errors keep only their message (hence the plain-object
// rejections checked below).
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
vi.mock('electron', async () => (await import('./electron-fake')).createElectronFake());

import * as electron from 'electron';
import { callNames, eventNames, splitCallName } from '../../../src/contract';
import { fake } from './electron-fake';

const e = fake(electron);
type Fn = (...args: unknown[]) => unknown;
let app: Record<string, unknown>;
let appFiles: Record<string, unknown>;

beforeAll(async () => {
  await import('../../../main/preload');
  app = e.contextBridge.exposed.get('app') as Record<string, unknown>;
  appFiles = e.contextBridge.exposed.get('appFiles') as Record<string, unknown>;
});
beforeEach(() => {
  e.ipcRenderer.invoke.mockReset();
});

const method = (name: string): Fn => {
  const [ns, m] = splitCallName(name as never);
  return (app[ns] as Record<string, Fn>)[m] as Fn;
};

/** Every property name anywhere in the exposed objects. */
function allKeys(value: unknown, seen = new Set<unknown>()): string[] {
  if (value === null || typeof value !== 'object' || seen.has(value)) return [];
  seen.add(value);
  return Object.keys(value).flatMap((k) => [k, ...allKeys((value as Record<string, unknown>)[k], seen)]);
}

describe('what the preload exposes', () => {
  it('exposes window.app and window.appFiles and nothing else', () => {
    expect([...e.contextBridge.exposed.keys()].sort()).toEqual(['app', 'appFiles']);
  });

  it('window.app has exactly the contract namespaces and methods, plus subscribe and mediaUrl', () => {
    const expected: Record<string, string[]> = {};
    for (const name of callNames) {
      const [ns, m] = splitCallName(name);
      (expected[ns] ??= []).push(m);
    }
    expect(Object.keys(app).sort()).toEqual([...Object.keys(expected), 'mediaUrl', 'subscribe'].sort());
    for (const [ns, methods] of Object.entries(expected)) {
      expect(Object.keys(app[ns] as object).sort()).toEqual(methods.sort());
      for (const m of methods) expect(typeof (app[ns] as Record<string, unknown>)[m]).toBe('function');
    }
    expect(typeof app.subscribe).toBe('function');
    expect(typeof app.mediaUrl).toBe('function');
    expect(Object.keys(appFiles)).toEqual(['pathFor']);
  });

  it('never exposes ipcRenderer, send, invoke or on', () => {
    const keys = [...allKeys(app), ...allKeys(appFiles)];
    for (const banned of [
      'ipcRenderer',
      'send',
      'invoke',
      'on',
      'sendSync',
      'postMessage',
      'removeAllListeners',
    ]) {
      expect(keys).not.toContain(banned);
    }
    const values = [...Object.values(app), ...Object.values(appFiles)];
    expect(values).not.toContain(e.ipcRenderer);
  });
});

describe('calls', () => {
  it('each call invokes call:<name> with the input and resolves with the value', async () => {
    for (const name of callNames) {
      e.ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: { from: name } });
      await expect(method(name)({ some: 'input' })).resolves.toEqual({ from: name });
      expect(e.ipcRenderer.invoke).toHaveBeenLastCalledWith(`call:${name}`, { some: 'input' });
    }
  });

  it('an error result rejects with a plain { name, code, message, detail } object', async () => {
    e.ipcRenderer.invoke.mockResolvedValueOnce({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'That project folder is gone.', detail: { path: '/x' } },
    });
    const error = await (method('projects.open')({ dir: '/x' }) as Promise<unknown>).catch(
      (err: unknown) => err,
    );
    expect(error).toStrictEqual({
      name: 'AppError',
      code: 'NOT_FOUND',
      message: 'That project folder is gone.',
      detail: { path: '/x' },
    });
    expect(error).not.toBeInstanceOf(Error);
  });

  it('an error without detail has no detail property', async () => {
    e.ipcRenderer.invoke.mockResolvedValueOnce({
      ok: false,
      error: { code: 'FORBIDDEN_SENDER', message: 'Blocked.' },
    });
    await expect(method('app.info')({})).rejects.toStrictEqual({
      name: 'AppError',
      code: 'FORBIDDEN_SENDER',
      message: 'Blocked.',
    });
  });

  it('IPC failures and nonsense answers reject as INTERNAL; uncloneable input as INVALID_INPUT', async () => {
    e.ipcRenderer.invoke.mockRejectedValueOnce(
      new Error("Error invoking remote method 'call:app.info': boom"),
    );
    await expect(method('app.info')({})).rejects.toMatchObject({ code: 'INTERNAL' });
    e.ipcRenderer.invoke.mockResolvedValueOnce('garbage');
    await expect(method('app.info')({})).rejects.toMatchObject({ code: 'INTERNAL' });
    e.ipcRenderer.invoke.mockResolvedValueOnce({ ok: false, error: 'nope' });
    await expect(method('app.info')({})).rejects.toMatchObject({ code: 'INTERNAL' });
    e.ipcRenderer.invoke.mockRejectedValueOnce(
      Object.assign(new Error('An object could not be cloned.'), { name: 'Error' }),
    );
    await expect(method('projects.open')({ dir: () => 1 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('subscribe', () => {
  const subscribe = () => app.subscribe as (name: string, listener: Fn) => () => void;

  it('refuses names that are not contract events', () => {
    for (const bad of ['nope', 'call:app.info', '__proto__', 'toString', 42]) {
      expect(() => subscribe()(bad as string, () => undefined)).toThrow();
    }
    expect(e.ipcRenderer.on).not.toHaveBeenCalled();
  });

  it('the listener gets the payload only, never the event object', () => {
    const name = eventNames[0]!;
    const listener = vi.fn();
    const unsubscribe = subscribe()(name, listener);
    const ipcEvent = { sender: e.ipcRenderer, senderId: 0, ports: [] };
    e.ipcRenderer.emitter.emit(`event:${name}`, ipcEvent, { online: true });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener.mock.calls[0]).toEqual([{ online: true }]);
    unsubscribe();
  });

  it('returns an unsubscribe that removes the listener (and can be called twice)', () => {
    const name = eventNames[0]!;
    const listener = vi.fn();
    const unsubscribe = subscribe()(name, listener);
    expect(e.ipcRenderer.emitter.listenerCount(`event:${name}`)).toBe(1);
    unsubscribe();
    unsubscribe();
    expect(e.ipcRenderer.emitter.listenerCount(`event:${name}`)).toBe(0);
    e.ipcRenderer.emitter.emit(`event:${name}`, {}, { online: true });
    expect(listener).not.toHaveBeenCalled();
  });
});

describe('mediaUrl and appFiles', () => {
  it('mediaUrl builds a ccs-media URL with each segment encoded', () => {
    const mediaUrl = app.mediaUrl as (p: string) => string;
    expect(mediaUrl('results/r1/image.png')).toBe('ccs-media://project/results/r1/image.png');
    expect(mediaUrl('results/a b#?.png')).toBe('ccs-media://project/results/a%20b%23%3F.png');
    expect(mediaUrl('results\\r1\\x.png')).toBe('ccs-media://project/results/r1/x.png');
    expect(() => mediaUrl('')).toThrow();
  });

  it('appFiles.pathFor returns the dropped file path from webUtils, or an empty string', () => {
    const pathFor = appFiles.pathFor as (file: unknown) => string;
    expect(pathFor({ name: 'pose.png' })).toBe('/dropped/pose.png');
    e.webUtils.getPathForFile.mockImplementationOnce(() => {
      throw new TypeError('not a File');
    });
    expect(pathFor({})).toBe('');
  });
});
