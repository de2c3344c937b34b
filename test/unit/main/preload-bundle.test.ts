// Runs the BUILT preload (dist/main/preload.cjs, from `npm run build`) the way Electron's sandbox does:
// in a fresh V8 context whose `require` answers only 'electron' (with contextBridge, ipcRenderer and
// webUtils) and throws for anything else, with no process, Buffer, setTimeout or Node globals at all.
// A preload that imports Node-only code passes the unit tests in Node and fails only inside Electron;
// this is the test that fails instead. Electron's real sandbox also lets a few built-ins through
// (events, timers, url); the preload needs none of them, so none are offered here.
import { describe, expect, it, vi } from 'vitest';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createContext, runInContext } from 'node:vm';
import { callNames, eventNames, splitCallName } from '../../../src/contract';

const bundlePath = join(__dirname, '..', '..', '..', 'dist', 'main', 'preload.cjs');
/** The preload forwards named calls; zod and the schemas stay in main. It was 785 KB with them. */
const MAX_PRELOAD_BYTES = 32 * 1024;

interface Loaded {
  exposed: Map<string, unknown>;
  required: string[];
  invoke: ReturnType<typeof vi.fn>;
}

function loadBuiltPreload(): Loaded {
  if (!existsSync(bundlePath)) {
    throw new Error(
      `${bundlePath} is missing: run \`npm run build\` first (npm test builds before it tests).`,
    );
  }
  const exposed = new Map<string, unknown>();
  const required: string[] = [];
  const invoke = vi.fn(async (_channel: string, _input: unknown): Promise<unknown> => ({
    ok: true,
    value: 'pong',
  }));
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
    ipcRenderer: { invoke, on: vi.fn(), removeListener: vi.fn() },
    webUtils: { getPathForFile: () => '/dropped/file.png' },
  };
  const sandboxRequire = (id: string): unknown => {
    required.push(id);
    if (id === 'electron') return electron;
    throw new Error(`module not found: ${id} (the sandboxed preload can require only electron)`);
  };
  // Only the CommonJS wrapper's own names; the context itself holds nothing but the JS built-ins.
  const context = createContext({});
  const wrapper = runInContext(
    `(function (exports, require, module) {\n${readFileSync(bundlePath, 'utf8')}\n})`,
    context,
    {
      filename: bundlePath,
    },
  ) as (exports: object, require: (id: string) => unknown, module: { exports: object }) => void;
  const module = { exports: {} };
  wrapper(module.exports, sandboxRequire, module);
  return { exposed, required, invoke };
}

describe('the built preload in a sandbox-like context', () => {
  it('is small: no zod, no schemas', () => {
    expect(existsSync(bundlePath), 'run `npm run build` first').toBe(true);
    expect(statSync(bundlePath).size).toBeLessThan(MAX_PRELOAD_BYTES);
  });

  it('runs with only electron to require, and asks for nothing else', () => {
    const { exposed, required } = loadBuiltPreload();
    expect([...new Set(required)]).toEqual(['electron']);
    expect([...exposed.keys()].sort()).toEqual(['app', 'appFiles']);
  });

  it('exposes window.app with exactly the contract names, plus subscribe and mediaUrl', async () => {
    const { exposed, invoke } = loadBuiltPreload();
    const app = exposed.get('app') as Record<string, Record<string, unknown>>;
    const expected: Record<string, string[]> = {};
    for (const name of callNames) {
      const [ns, method] = splitCallName(name);
      (expected[ns] ??= []).push(method);
    }
    expect(Object.keys(app).sort()).toEqual([...Object.keys(expected), 'mediaUrl', 'subscribe'].sort());
    for (const [ns, methods] of Object.entries(expected)) {
      expect(Object.keys(app[ns]!).sort()).toEqual([...methods].sort());
    }

    // The functions work inside the sandbox: a call goes out on its channel and resolves with the value.
    const info = app.app!.info as (input: object) => Promise<unknown>;
    await expect(info({})).resolves.toBe('pong');
    expect(invoke).toHaveBeenCalledWith('call:app.info', {});

    const subscribe = app.subscribe as unknown as (name: string, listener: () => void) => () => void;
    expect(typeof subscribe(eventNames[0]!, () => undefined)).toBe('function');
    expect(() => subscribe('not-an-event', () => undefined)).toThrow();
    expect((app.mediaUrl as unknown as (p: string) => string)('results/a b.png')).toBe(
      'ccs-media://project/results/a%20b.png',
    );
  });
});
