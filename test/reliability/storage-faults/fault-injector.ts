/**
 * The one thing the storage-faults suite mocks: a counting proxy in front of `node:fs/promises`, `node:fs`
 * and sharp's `toFile`. Every call is forwarded to the real module, on real files; a call is an
 * *operation* of a case when one of its paths lies under a folder the case registered (its project, its
 * export folder). While a case is armed with a fault at N, its Nth operation does not happen (or, for a
 * write or a close, happens as far as a real failing disk would let it) and throws instead, exactly as
 * Node throws: an Error with `code`, `errno`, `syscall` and `path`.
 *
 * How the proxy is installed: storage-faults.test.ts calls vi.mock for each module with a factory that
 * hands the real module to wrapFsPromises / wrapFs / wrapSharp below. This file never imports
 * `node:fs/promises` itself (it would get its own proxy); the real module is kept in `real()` for the
 * suite's own reads (snapshots, copies), which are never counted because they happen outside a case's
 * window or outside its folders.
 *
 * What is not an operation (not counted, never faulted):
 * - sharp's own reads: sharp decodes from buffers in every flow here; `sharp(path)` on a case folder is
 *   counted in `bypassed` (the suite reports it) but cannot be faulted;
 * - the project lock's heartbeat (`.studio/lock.json` utimes, every 30 s): a timer, not part of a flow;
 * - the app's user-data folder (settings, the job outbox): not a project folder.
 */
import { constants as osConstants } from 'node:os';
import { relative, resolve, sep } from 'node:path';

// Types only (erased): importing these modules' values here would load the proxy into itself.
import type * as FsModule from 'node:fs';
import type { ReadStream } from 'node:fs';
import type * as FsPromisesModule from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';

type FsPromises = typeof FsPromisesModule;
type Fs = typeof FsModule;

export const FAULT_CODES = ['ENOSPC', 'EACCES', 'EIO', 'EBUSY'] as const;
export type FaultCode = (typeof FAULT_CODES)[number];

const MESSAGES: Record<FaultCode, string> = {
  ENOSPC: 'no space left on device',
  EACCES: 'permission denied',
  EIO: 'i/o error',
  EBUSY: 'resource busy or locked',
};

export interface OpRecord {
  n: number;
  op: string;
  /** The first path of the call, relative to the root it is under. */
  path: string;
}

/** One case's window: the folders whose operations it counts, and the fault it injects. */
export interface Window {
  readonly roots: readonly string[];
  count: number;
  inFlight: number;
  lastActivity: number;
  ops: OpRecord[];
  /** Inject at this operation (1-based); undefined: count only. */
  faultAt: number | undefined;
  code: FaultCode;
  /** The operation the fault hit, once it did. */
  fired: OpRecord | undefined;
  /** sharp(path) calls on these folders: reads the proxy cannot fault. */
  bypassed: string[];
}

interface State {
  real: FsPromises | undefined;
  realFs: Fs | undefined;
  windows: Set<Window>;
}

// On globalThis: the mock factories and the suite must share one state whatever instance they load.
const KEY = Symbol.for('ccstudio.storage-faults.state');
const state: State = ((globalThis as Record<symbol, unknown>)[KEY] as State | undefined) ?? {
  real: undefined,
  realFs: undefined,
  windows: new Set(),
};
(globalThis as Record<symbol, unknown>)[KEY] = state;

/** The real `node:fs/promises` (after the mock factory ran). */
export function real(): FsPromises {
  if (!state.real) throw new Error('storage-faults: node:fs/promises is not mocked in this test file');
  return state.real;
}

export function openWindow(roots: readonly string[]): Window {
  const window: Window = {
    roots: roots.map((r) => resolve(r)),
    count: 0,
    inFlight: 0,
    lastActivity: Date.now(),
    ops: [],
    faultAt: undefined,
    code: 'EIO',
    fired: undefined,
    bypassed: [],
  };
  state.windows.add(window);
  return window;
}

export function closeWindow(window: Window): void {
  state.windows.delete(window);
}

/** Resolves when the window has seen no operation for `quietMs` and none is in flight. */
export async function quiet(window: Window, quietMs = 30, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  for (;;) {
    await new Promise((r) => setTimeout(r, 5));
    if (window.inFlight === 0 && Date.now() - window.lastActivity >= quietMs) return;
    if (Date.now() - start > timeoutMs) {
      throw new Error(`storage-faults: the case folder did not go quiet (${window.inFlight} in flight)`);
    }
  }
}

export function faultError(code: FaultCode, syscall: string, path: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`${code}: ${MESSAGES[code]}, ${syscall} '${path}'`);
  error.code = code;
  error.errno = -(osConstants.errno[code] ?? 5);
  error.syscall = syscall;
  error.path = path;
  return error;
}

function pathOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString();
  if (value instanceof URL && value.protocol === 'file:') return value.pathname;
  return undefined;
}

/** The window whose folders hold one of `paths`, with the path relative to that folder. */
function windowFor(paths: readonly unknown[]): { window: Window; rel: string; abs: string } | undefined {
  if (state.windows.size === 0) return undefined;
  for (const value of paths) {
    const p = pathOf(value);
    if (p === undefined) continue;
    const abs = resolve(p);
    for (const window of state.windows) {
      for (const root of window.roots) {
        if (abs === root || abs.startsWith(root + sep)) {
          if (abs.endsWith(`${sep}.studio${sep}lock.json`)) return undefined; // the heartbeat's file
          return { window, rel: relative(root, abs) || '.', abs };
        }
      }
    }
  }
  return undefined;
}

/** Counts one operation; answers the error to throw when it is the one to fail. */
function count(
  hit: { window: Window; rel: string; abs: string },
  op: string,
): NodeJS.ErrnoException | undefined {
  const { window } = hit;
  window.count++;
  window.lastActivity = Date.now();
  const record: OpRecord = { n: window.count, op, path: hit.rel };
  window.ops.push(record);
  if (window.faultAt !== window.count) return undefined;
  window.fired = record;
  return faultError(window.code, op.replace(/^fh\./, ''), hit.abs);
}

async function tracked<T>(window: Window, work: () => Promise<T>): Promise<T> {
  window.inFlight++;
  try {
    return await work();
  } finally {
    window.inFlight--;
    window.lastActivity = Date.now();
  }
}

// -- node:fs/promises -----------------------------------------------------------------------------------

/** Which arguments of each call are paths (default: the first). */
const PATH_ARGS: Record<string, number[]> = {
  copyFile: [0, 1],
  cp: [0, 1],
  link: [0, 1],
  rename: [0, 1],
  symlink: [1],
};

export function wrapFsPromises(realModule: FsPromises): FsPromises {
  state.real = realModule;
  const wrapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(realModule)) {
    if (typeof value !== 'function' || name === 'constants') {
      wrapped[name] = value;
      continue;
    }
    const fn = value as (...args: unknown[]) => unknown;
    const pathArgs = PATH_ARGS[name] ?? [0];
    wrapped[name] = function (this: unknown, ...args: unknown[]): unknown {
      const hit = windowFor(pathArgs.map((i) => args[i]));
      if (!hit) return fn.apply(realModule, args);
      return tracked(hit.window, async () => {
        const fault = count(hit, name);
        if (fault) {
          await partialEffect(realModule, name, args, fault);
          throw fault;
        }
        const out = await (fn.apply(realModule, args) as Promise<unknown>);
        if (name === 'open') return wrapHandle(out as FileHandle, hit);
        return out;
      });
    };
  }
  wrapped.default = wrapped;
  return wrapped as unknown as FsPromises;
}

/**
 * What a real failing disk leaves of the operation that failed: a copy or a whole-file write that ran
 * out of space (or hit an I/O error) has written part of its data. Everything else fails before it acts.
 */
async function partialEffect(
  fs: FsPromises,
  name: string,
  args: unknown[],
  fault: NodeJS.ErrnoException,
): Promise<void> {
  if (fault.code !== 'ENOSPC' && fault.code !== 'EIO') return;
  if (name === 'copyFile') {
    const data = await fs.readFile(pathOf(args[0]) ?? '').catch(() => null);
    if (data)
      await fs.writeFile(pathOf(args[1]) ?? '', data.subarray(0, data.length >> 1)).catch(() => undefined);
  } else if (name === 'writeFile' || name === 'appendFile') {
    const data = args[1];
    const bytes = typeof data === 'string' ? Buffer.from(data) : data instanceof Uint8Array ? data : null;
    if (bytes)
      await fs.writeFile(pathOf(args[0]) ?? '', bytes.subarray(0, bytes.length >> 1)).catch(() => undefined);
  }
}

/** Methods of a FileHandle that are operations on its file. */
const HANDLE_OPS = new Set([
  'appendFile',
  'chmod',
  'chown',
  'close',
  'datasync',
  'read',
  'readFile',
  'readv',
  'stat',
  'sync',
  'truncate',
  'utimes',
  'write',
  'writeFile',
  'writev',
]);

function wrapHandle(handle: FileHandle, hit: { window: Window; rel: string; abs: string }): FileHandle {
  return new Proxy(handle, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => unknown;
      if (typeof prop !== 'string' || !HANDLE_OPS.has(prop)) return fn.bind(target);
      return (...args: unknown[]) =>
        tracked(hit.window, async () => {
          if (!state.windows.has(hit.window)) return fn.apply(target, args);
          const fault = count(hit, `fh.${prop}`);
          if (!fault) return fn.apply(target, args);
          if (prop === 'close') {
            // close(2) releases the descriptor even when it reports an error.
            await target.close().catch(() => undefined);
          } else if (prop === 'writeFile' && (fault.code === 'ENOSPC' || fault.code === 'EIO')) {
            const data = args[0];
            const bytes =
              typeof data === 'string' ? Buffer.from(data) : data instanceof Uint8Array ? data : null;
            if (bytes) await target.write(bytes.subarray(0, bytes.length >> 1)).catch(() => undefined);
          }
          throw fault;
        });
    },
  });
}

// -- node:fs --------------------------------------------------------------------------------------------

/** `node:fs`: the product uses its constants and createReadStream (sha256File). The stream's open counts. */
export function wrapFs(realModule: Fs): Fs {
  state.realFs = realModule;
  const wrapped: Record<string, unknown> = { ...realModule };
  wrapped.createReadStream = (...args: unknown[]) => {
    const hit = windowFor([args[0]]);
    const create = realModule.createReadStream as (...a: unknown[]) => ReadStream;
    if (!hit) return create(...args);
    const fault = count(hit, 'createReadStream');
    if (!fault) return create(...args);
    // Like a stream whose open failed: it emits the error instead of data.
    const stream = create('/dev/null');
    stream.destroy(fault);
    return stream;
  };
  wrapFdCalls(realModule, wrapped);
  wrapped.default = wrapped;
  return wrapped as unknown as Fs;
}

type Hit = { window: Window; rel: string; abs: string };
type Callback = (error: NodeJS.ErrnoException | null, ...results: unknown[]) => void;
/** Descriptors opened on a case's files, by number: their fstat, read and close are operations too. */
const fdHits = new Map<number, Hit>();

/**
 * The callback calls on descriptors (open, fstat, read, close) that the contained reads use
 * (readRegularFile): counted and faulted like their promise forms, an `open` by its path and the rest by
 * the descriptor it gave.
 */
function wrapFdCalls(realModule: Fs, wrapped: Record<string, unknown>): void {
  const call = (name: string, args: unknown[]) =>
    new Promise<unknown[]>((done, fail) => {
      const fn = realModule[name as keyof Fs] as (...a: unknown[]) => void;
      fn(...args, (error: NodeJS.ErrnoException | null, ...results: unknown[]) =>
        error ? fail(error) : done(results),
      );
    });
  const settle = (work: Promise<unknown[]>, callback: Callback) => {
    work.then(
      (results) => callback(null, ...results),
      (error: NodeJS.ErrnoException) => callback(error),
    );
  };
  wrapped.open = (...args: unknown[]) => {
    const callback = args.pop() as Callback;
    const hit = windowFor([args[0]]);
    if (!hit) return (realModule.open as (...a: unknown[]) => void)(...args, callback);
    const work = tracked(hit.window, async () => {
      const fault = count(hit, 'open');
      if (fault) throw fault;
      const results = await call('open', args);
      fdHits.set(results[0] as number, hit);
      return results;
    });
    settle(work, callback);
  };
  for (const name of ['fstat', 'read', 'close']) {
    wrapped[name] = (...args: unknown[]) => {
      const callback = args.pop() as Callback;
      const fd = args[0] as number;
      const hit = fdHits.get(fd);
      if (name === 'close') fdHits.delete(fd);
      const real = realModule[name as keyof Fs] as (...a: unknown[]) => void;
      if (!hit || !state.windows.has(hit.window)) return real(...args, callback);
      const work = tracked(hit.window, async () => {
        const fault = count(hit, `fd.${name}`);
        if (!fault) return call(name, args);
        // close(2) releases the descriptor even when it reports an error.
        if (name === 'close') await call('close', args).catch(() => undefined);
        throw fault;
      });
      settle(work, callback);
    };
  }
}

// -- sharp ----------------------------------------------------------------------------------------------

type SharpFn = (...args: unknown[]) => {
  toFile: (...a: unknown[]) => Promise<unknown>;
  toBuffer: () => Promise<Buffer>;
};

/**
 * sharp writes files natively (libvips), out of the proxy's sight: its `toFile` is routed through here.
 * A fault there is what libvips answers on a failing disk: part of the file written, then an Error whose
 * message names the problem and which carries no errno `code` (sharp does not set one).
 */
export function wrapSharp<T>(realSharp: T): T {
  const fn = realSharp as unknown as SharpFn;
  return new Proxy(fn, {
    apply(target, thisArg, args: unknown[]) {
      const instance = Reflect.apply(target, thisArg, args) as ReturnType<SharpFn>;
      const input = windowFor([typeof args[0] === 'string' ? args[0] : undefined]);
      if (input) input.window.bypassed.push(`sharp(${input.rel})`);
      const toFile = instance.toFile.bind(instance);
      instance.toFile = (...a: unknown[]) => {
        const hit = windowFor([a[0]]);
        if (!hit) return toFile(...a);
        return tracked(hit.window, async () => {
          const fault = count(hit, 'sharp.toFile');
          if (!fault) return toFile(...a);
          const bytes = await instance.toBuffer().catch(() => Buffer.alloc(64));
          await real()
            .writeFile(hit.abs, bytes.subarray(0, bytes.length >> 1))
            .catch(() => undefined);
          throw new Error(
            `VipsForeignSave: unable to write to "${hit.abs}"\nunix error: ${MESSAGES[fault.code as FaultCode]}`,
          );
        });
      };
      return instance;
    },
  }) as unknown as T;
}
