// The lint rules this repository relies on, checked by linting small snippets with the real config
// (eslint.config.js): if a rule is dropped or mis-scoped, these fail, not a future Electron run.
import { describe, expect, it, vi } from 'vitest';
import { ESLint } from 'eslint';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');
const eslint = new ESLint({ cwd: root });
// The first type-aware lint builds the TypeScript program of the whole repository (15 to 35 s when other
// test files share the processor), so these tests get more than the unit project's 20 s.
vi.setConfig({ testTimeout: 90_000 });

/**
 * The rule ids reported for `code` linted as if it were the file at `path` (relative to the root). The
 * path must exist: type information comes from the tsconfig program, which holds only files on disk
 * (their content is replaced by `code` for this lint; the file itself is not touched).
 */
async function rulesFor(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, path) });
  return (result?.messages ?? []).map((m) => m.ruleId ?? `fatal: ${m.message}`);
}

describe('the preload layer (main/preload.ts runs in Electron sandbox)', () => {
  it('allows contextBridge, ipcRenderer, webUtils and types from the contract', async () => {
    const code = [
      "import { contextBridge, ipcRenderer, webUtils } from 'electron';",
      "import type { AppBridge } from '../src/contract';",
      "import type { AppErrorData } from '../src/domain/errors';",
      "import { preloadCallNames } from './preload-surface';",
      "import { callChannel } from './schemes';",
      'export const used: unknown[] = [contextBridge, ipcRenderer, webUtils, preloadCallNames, callChannel];',
      'export type T = [AppBridge, AppErrorData];',
    ].join('\n');
    expect(await rulesFor('main/preload.ts', code)).toEqual([]);
  });

  it.each([
    ["import { readFileSync } from 'node:fs';", 'a Node built-in'],
    ["import { EventEmitter } from 'events';", 'a bare Node built-in'],
    ["import { shell } from 'electron';", 'a main-only electron module'],
    ["import { callNames } from '../src/contract';", 'a value from the contract (bundles zod)'],
    ["import { SettingsSchema } from '../src/domain';", 'a value from the domain (bundles zod)'],
    ["import { z } from 'zod';", 'zod itself'],
    ["import { createSegmindClient } from '../src/segmind';", 'a Node-only src folder'],
    ["import { bootstrap } from './bootstrap';", 'main-process code'],
  ])('refuses %s (%s)', async (line) => {
    const code = `${line}\nexport const used: unknown = 1;\n`;
    expect(await rulesFor('main/preload.ts', code)).toContain('no-restricted-imports');
  });

  it('holds the preload’s own modules to the same rule', async () => {
    expect(
      await rulesFor('main/preload-surface.ts', "import { z } from 'zod';\nexport const s = z;\n"),
    ).toContain('no-restricted-imports');
  });

  it('leaves the rest of main/ free to use Node and electron', async () => {
    const code =
      "import { readFile } from 'node:fs/promises';\nimport { net } from 'electron';\nexport const used = [readFile, net];\n";
    expect(await rulesFor('main/bootstrap.ts', code)).toEqual([]);
  });
});

describe('promises nobody awaits (type-aware)', () => {
  const floating = 'async function work(): Promise<void> {}\nexport function run(): void {\n  work();\n}\n';
  const misused =
    "import { EventEmitter } from 'node:events';\nexport function wire(e: EventEmitter): void {\n  e.on('x', async () => {});\n}\n";
  const intended =
    'async function work(): Promise<void> {}\nexport function run(): void {\n  // fire and forget: work() never rejects\n  void work();\n}\n';

  // src/ is linted with tsconfig.core.json (not projectService), which reads the file from disk rather than
  // this snippet, so its type-aware rules are proven by `npm run lint` over the real code, not here.
  it.each(['main/main.ts', 'test/unit/main/trusted-url.test.ts'])(
    'reports a floating promise in %s',
    async (path) => {
      expect(await rulesFor(path, floating)).toContain('@typescript-eslint/no-floating-promises');
    },
  );

  it('reports an async function passed where a void callback is expected', async () => {
    expect(await rulesFor('main/main.ts', misused)).toContain('@typescript-eslint/no-misused-promises');
  });

  it('accepts `void` for an intended fire-and-forget', async () => {
    expect(await rulesFor('main/main.ts', intended)).toEqual([]);
  });

  it('reports a floating promise in the renderer', async () => {
    const code = 'async function work(): Promise<void> {}\nexport function onClick(): void {\n  work();\n}\n';
    expect(await rulesFor('renderer/src/bridge/bridge.ts', code)).toContain(
      '@typescript-eslint/no-floating-promises',
    );
  });
});
