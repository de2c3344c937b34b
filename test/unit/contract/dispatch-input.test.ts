// The contract's boundary: whatever a caller sends, dispatchCall answers with data (never throws), a field
// present with the value `undefined` counts as absent (IPC's structured clone keeps such fields), and
// file-system failures come back with the code that says what happened (RELIABILITY.md items 13 and 16).
import { describe, expect, it, vi } from 'vitest';
import { errorHelp } from '../../../src/contract/error-messages';
import { withoutUndefinedFields } from '../../../src/contract';
import { ErrorCodeSchema } from '../../../src/domain';
import { MemoryStore } from '../../../src/secrets/memory-store';
import { dispatchCall } from '../../../src/services/dispatch';
import { createAppRuntime } from '../../../src/services/runtime';
import { toAppError } from '../../../src/services/to-app-error';
import { useTempDirs } from '../../helpers/temp-dir';

const tempDir = useTempDirs();

async function runtimeWithProject() {
  const rt = await createAppRuntime({
    userDataDir: await tempDir(),
    platform: { shell: 'browser' },
    secrets: new MemoryStore(),
    appVersion: '1.2.3',
  });
  const created = await dispatchCall(rt.handlers, 'projects.create', {
    dir: `${await tempDir()}/p`,
    name: 'Book',
  });
  expect(created.ok).toBe(true);
  return rt;
}

const errno = (code: string, syscall = 'open', path = '/p/results/x.jpg'): NodeJS.ErrnoException =>
  Object.assign(new Error(`${code}: injected, ${syscall} '${path}'`), { code, syscall, path, errno: -5 });

describe('dispatchCall: a field present but undefined (item 13)', () => {
  it('characters.update with `description: undefined` saves the other fields and keeps the description', async () => {
    const rt = await runtimeWithProject();
    const made = await dispatchCall(rt.handlers, 'characters.create', {
      name: 'Mira',
      description: 'pilot',
    });
    if (!made.ok) throw new Error(made.error.message);
    const id = (made.value as { id: string }).id;
    // What IPC delivers after structuredClone: the key is still there, with undefined.
    const input = structuredClone({ id, changes: { description: undefined, styleWords: 'ink' } });
    expect(Object.keys(input.changes)).toContain('description');
    const updated = await dispatchCall(rt.handlers, 'characters.update', input);
    expect(updated).toMatchObject({ ok: true, value: { description: 'pilot', styleWords: 'ink' } });
    const read = await dispatchCall(rt.handlers, 'characters.get', { id });
    expect(read).toMatchObject({
      ok: true,
      value: { name: 'Mira', description: 'pilot', styleWords: 'ink' },
    });
    await rt.dispose();
  });

  it('a change made only of undefined fields is "nothing to change", not INTERNAL', async () => {
    const rt = await runtimeWithProject();
    const made = await dispatchCall(rt.handlers, 'characters.create', { name: 'Mira' });
    if (!made.ok) throw new Error(made.error.message);
    const id = (made.value as { id: string }).id;
    const updated = await dispatchCall(rt.handlers, 'characters.update', {
      id,
      changes: { name: undefined },
    });
    expect(updated).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    await rt.dispose();
  });
});

describe('dispatchCall never throws (item 16)', () => {
  it('answers INVALID_INPUT for an input whose prototype is a typed array', async () => {
    const rt = await runtimeWithProject();
    const hostile = Object.create(new Uint8Array(4)) as object;
    for (const name of ['characters.update', 'results.export', 'projects.create', 'app.info'] as const) {
      const answer = await dispatchCall(rt.handlers, name, hostile);
      expect(answer).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    // ... also one level down, and for an input whose getter throws.
    const nested = await dispatchCall(rt.handlers, 'characters.update', {
      id: 'x',
      changes: Object.create(new Float64Array(2)) as object,
    });
    expect(nested).toMatchObject({ ok: false });
    const getter = {
      get dir(): string {
        throw new Error('no');
      },
    };
    expect(await dispatchCall(rt.handlers, 'projects.open', getter)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(await dispatchCall(rt.handlers, Symbol('x'), {})).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    await rt.dispose();
  });
});

describe('withoutUndefinedFields', () => {
  it('drops undefined fields at every depth, copies instead of changing the input, keeps cycles', () => {
    const input: Record<string, unknown> = {
      a: undefined,
      b: { c: undefined, d: 1 },
      e: [undefined, { f: undefined }],
    };
    input.self = input;
    const out = withoutUndefinedFields(input) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['b', 'e', 'self']);
    expect(out.b).toEqual({ d: 1 });
    expect((out.e as unknown[])[0]).toBeUndefined();
    expect(Object.keys((out.e as Record<string, unknown>[])[1] as object)).toEqual([]);
    expect(out.self).toBe(out);
    expect(Object.keys(input)).toContain('a'); // the caller's value is untouched
  });

  it('keeps `__proto__` an own field (a strict schema refuses it) and passes other kinds as they are', () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": true}, "x": 1}') as object;
    const out = withoutUndefinedFields(parsed) as Record<string, unknown>;
    expect(Object.prototype.hasOwnProperty.call(out, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect((out as { polluted?: unknown }).polluted).toBeUndefined();
    const date = new Date();
    const bytes = new Uint8Array(2);
    expect(withoutUndefinedFields({ date, bytes })).toEqual({ date, bytes });
  });
});

describe('errno codes map once, to what happened', () => {
  it('EIO and EBUSY are IO_ERROR (not INTERNAL), with a calm message and no raw code', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    for (const code of ['EIO', 'EBUSY', 'ESTALE']) {
      const error = toAppError(errno(code));
      expect(error.code).toBe('IO_ERROR');
      expect(error.message).not.toMatch(/EIO|EBUSY|ESTALE|missing/);
    }
    warn.mockRestore();
  });

  it('only ENOENT/ENOTDIR say missing; EEXIST, ENAMETOOLONG and EACCES get their own codes', () => {
    expect(toAppError(errno('ENOENT')).code).toBe('NOT_FOUND');
    expect(toAppError(errno('ENOTDIR')).code).toBe('NOT_FOUND');
    expect(toAppError(errno('EEXIST', 'mkdir')).code).toBe('ALREADY_EXISTS');
    expect(toAppError(errno('ENAMETOOLONG', 'mkdir')).code).toBe('INVALID_INPUT');
    expect(toAppError(errno('EACCES')).code).toBe('PERMISSION_DENIED');
    expect(toAppError(errno('ENOSPC', 'write')).code).toBe('DISK_FULL');
  });

  it('a network error without a path is not a disk error', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(toAppError(reset).code).toBe('INTERNAL');
    error.mockRestore();
  });

  it('IO_ERROR is a contract code with its own title and a "Try again" action', () => {
    expect(ErrorCodeSchema.options).toContain('IO_ERROR');
    expect(errorHelp.IO_ERROR.title).toMatch(/disk/i);
    expect(errorHelp.IO_ERROR.action).toBe('Try again');
  });
});
