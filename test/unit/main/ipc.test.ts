// `electron` is mocked (./electron-fake): Electron cannot run on these machines (ENVIRONMENT.md).
import { beforeEach, describe, expect, it, vi } from 'vitest';
vi.mock('electron', async () => (await import('./electron-fake')).createElectronFake());

import * as electron from 'electron';
import type { IpcMain, WebContents } from 'electron';
import { callNames, type CallResult, type Handlers } from '../../../src/contract';
import { EventBus } from '../../../src/services/event-bus';
import { forwardEvents, isTrustedSender, registerIpc } from '../../../main/ipc';
import { FakeWebContents, fake } from './electron-fake';

const e = fake(electron);

function fakeHandlers() {
  const calls: Array<{ name: string; input: unknown }> = [];
  const handlers = Object.fromEntries(
    callNames.map((name) => [
      name,
      vi.fn(async (input: unknown) => {
        calls.push({ name, input });
        return { handled: name };
      }),
    ]),
  ) as unknown as Handlers;
  return { handlers, calls };
}

const mainFrame = (url = 'app://bundle/index.html') => ({ url, parent: null });
const invokeEvent = (senderFrame: unknown) => ({ senderFrame, sender: new FakeWebContents() });

let calls: Array<{ name: string; input: unknown }>;
let stop: () => void;
beforeEach(() => {
  e.ipcMain.handlers.clear();
  const made = fakeHandlers();
  calls = made.calls;
  stop = registerIpc(e.ipcMain as unknown as IpcMain, made.handlers);
});

async function invoke(name: string, event: unknown, input: unknown): Promise<CallResult<unknown>> {
  const handler = e.ipcMain.handlers.get(`call:${name}`);
  if (!handler) throw new Error(`no handler for ${name}`);
  return (await handler(event, input)) as CallResult<unknown>;
}

describe('IPC wiring', () => {
  it('registers exactly one handler per contract call, and removes them all', () => {
    expect([...e.ipcMain.handlers.keys()].sort()).toEqual(callNames.map((n) => `call:${n}`).sort());
    stop();
    expect(e.ipcMain.handlers.size).toBe(0);
  });

  it('a good call from the app main frame reaches its handler with the parsed input', async () => {
    const result = await invoke('projects.open', invokeEvent(mainFrame()), { dir: '/tmp/project' });
    expect(result).toEqual({ ok: true, value: { handled: 'projects.open' } });
    expect(calls).toEqual([{ name: 'projects.open', input: { dir: '/tmp/project' } }]);
  });

  it('refuses other origins, subframes and a missing frame with FORBIDDEN_SENDER, without calling the handler', async () => {
    const senders = [
      null,
      undefined,
      mainFrame('https://evil.com/'),
      mainFrame('file:///app/dist/renderer/index.html'),
      mainFrame('app://other/index.html'),
      mainFrame('app://bundle:8080/index.html'),
      mainFrame('ccs-media://project/x.png'),
      mainFrame('about:blank'),
      { url: 'app://bundle/index.html', parent: mainFrame() },
    ];
    for (const frame of senders) {
      const result = await invoke('projects.open', invokeEvent(frame), { dir: '/tmp/project' });
      expect(result, JSON.stringify(frame)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    }
    expect(calls).toEqual([]);
  });

  it('bad input is INVALID_INPUT as data, and the handler is not called', async () => {
    for (const input of [{ dir: 5 }, { dir: '' }, { dir: '/x', extra: true }, 'not an object', [1, 2]]) {
      const result = await invoke('projects.open', invokeEvent(mainFrame()), input);
      expect(result, JSON.stringify(input)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    expect(calls).toEqual([]);
  });

  it('isTrustedSender accepts only the app origin main frame', () => {
    expect(isTrustedSender({ senderFrame: mainFrame('app://bundle/') } as never)).toBe(true);
    expect(isTrustedSender({ senderFrame: null })).toBe(false);
  });
});

describe('event forwarding', () => {
  it('sends event:<name> with the payload only, to app windows that are alive', () => {
    const bus = new EventBus();
    const app = new FakeWebContents();
    const foreign = new FakeWebContents();
    foreign.url = 'https://evil.com/';
    const dead = new FakeWebContents();
    dead.destroyed = true;
    const stopEvents = forwardEvents(bus, () => [app, foreign, dead] as unknown as WebContents[]);
    bus.emit('network.changed', { online: false });
    expect(app.sent).toEqual([{ channel: 'event:network.changed', args: [{ online: false }] }]);
    expect(foreign.sent).toEqual([]);
    expect(dead.sent).toEqual([]);
    stopEvents();
    bus.emit('network.changed', { online: true });
    expect(app.sent).toHaveLength(1);
  });
});
