/**
 * The preload: runs sandboxed (no Node), bundled to CJS (dist/main/preload.cjs). It exposes exactly:
 *
 * `window.app` (typed `satisfies AppBridge`):
 *   - one async function per contract call, grouped by namespace: `app.projects.open({ dir })`.
 *     Main answers with a CallResult; this unwraps it: ok → resolves with the value; error → REJECTS
 *     WITH A PLAIN OBJECT `{ name: 'AppError', code, message, detail? }` (not an Error: contextBridge
 *     drops custom properties of Error objects but copies plain objects intact, so `code`, `message`
 *     and `detail` reach the page). Failures of the IPC itself reject the same way with code INTERNAL,
 *     and input that cannot be sent (functions, DOM nodes) with INVALID_INPUT.
 *   - `subscribe(name, listener)`: name must be a contract event (else it throws); the listener gets the
 *     payload only, never the IPC event object; returns an idempotent unsubscribe function.
 *   - `mediaUrl(relativePath)`: `ccs-media://project/<each segment percent-encoded>`.
 * `window.appFiles` (outside the contract, since AppBridge has no room for it):
 *   - `pathFor(file: File): string`: the absolute path of a dropped file (webUtils.getPathForFile),
 *     or '' for a File not backed by a file on disk.
 * Never ipcRenderer, never `send`, never the event object.
 *
 * It forwards named calls and nothing more: main parses every input against the contract. So it takes
 * only the names (preload-surface.ts) and types from src/contract, never its zod schemas, which keeps the
 * bundle at a few KB instead of ~800. ESLint's preload layer holds it to imports that load in Electron's
 * sandbox, and test/unit/main/preload-bundle.test.ts runs the built bundle in a sandbox-like context.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
// Types only: a value import from src/contract would bundle zod and every schema (see preload-surface.ts).
import type { AppBridge, CallName, EventName, EventPayload, Unsubscribe } from '../src/contract';
import { isPreloadEventName, preloadCallNames, splitName } from './preload-surface';
import { callChannel, eventChannel, MEDIA_URL_PREFIX } from './schemes';

/** What a rejected call carries across contextBridge. */
export interface BridgeError {
  name: 'AppError';
  code: string;
  message: string;
  detail?: Record<string, unknown>;
}

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

const bridgeError = (code: string, message: string, detail?: unknown): BridgeError => {
  const error: BridgeError = { name: 'AppError', code, message };
  if (detail !== null && typeof detail === 'object' && !Array.isArray(detail))
    error.detail = detail as Record<string, unknown>;
  return error;
};

const isCloneError = (error: unknown): boolean =>
  error instanceof Error && (error.name === 'DataCloneError' || /could not be cloned/i.test(error.message));

/** Calls main and unwraps its CallResult (see the header comment for the exact rejection shape). */
async function invokeCall(ipc: IpcRendererLike, name: CallName, input: unknown): Promise<unknown> {
  let result: unknown;
  try {
    result = await ipc.invoke(callChannel(name), input);
  } catch (error) {
    if (isCloneError(error))
      throw bridgeError('INVALID_INPUT', `The input to ${name} cannot be sent to the app.`);
    throw bridgeError('INTERNAL', 'The app did not answer. Please try again.');
  }
  if (result !== null && typeof result === 'object') {
    const envelope = result as { ok?: unknown; value?: unknown; error?: unknown };
    if (envelope.ok === true) return envelope.value;
    if (envelope.ok === false && envelope.error !== null && typeof envelope.error === 'object') {
      const error = envelope.error as { code?: unknown; message?: unknown; detail?: unknown };
      if (typeof error.code === 'string' && typeof error.message === 'string') {
        throw bridgeError(error.code, error.message, error.detail);
      }
    }
  }
  throw bridgeError('INTERNAL', 'The app sent an answer this window does not understand.');
}

type CallGroups = Omit<AppBridge, 'subscribe' | 'mediaUrl'>;

/** `{ projects: { open, create, ... }, characters: { ... }, ... }` from the contract's call names. */
function buildCallGroups(ipc: IpcRendererLike): CallGroups {
  const groups: Record<string, Record<string, (input?: unknown) => Promise<unknown>>> = {};
  for (const name of preloadCallNames) {
    const [namespace, method] = splitName(name);
    const group = (groups[namespace] ??= {});
    group[method] = (input?: unknown) => invokeCall(ipc, name, input);
  }
  // preload-surface.ts is held to the contract's CallName by the compiler, which AppBridge is derived from.
  return groups as unknown as CallGroups;
}

export function createBridge(ipc: IpcRendererLike) {
  const subscribe = <E extends EventName>(
    name: E,
    listener: (payload: EventPayload<E>) => void,
  ): Unsubscribe => {
    if (!isPreloadEventName(name))
      throw new Error(`There is no event named ${JSON.stringify(String(name)).slice(0, 80)}.`);
    if (typeof listener !== 'function') throw new Error('subscribe needs a listener function.');
    const channel = eventChannel(name);
    const forward = (_event: unknown, payload: unknown): void => {
      listener(payload as EventPayload<E>);
    };
    ipc.on(channel, forward);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      ipc.removeListener(channel, forward);
    };
  };

  const mediaUrl = (relativePath: string): string => {
    if (typeof relativePath !== 'string' || relativePath.length === 0)
      throw new Error('mediaUrl needs a relative path.');
    return MEDIA_URL_PREFIX + relativePath.replace(/\\/g, '/').split('/').map(encodeURIComponent).join('/');
  };

  return { ...buildCallGroups(ipc), subscribe, mediaUrl } satisfies AppBridge;
}

export interface AppFilesBridge {
  /** The absolute path of a dropped File, or '' when it is not backed by a file on disk. */
  pathFor(file: File): string;
}

export function createFilesBridge(utils: { getPathForFile(file: File): string }): AppFilesBridge {
  return {
    pathFor: (file: File): string => {
      try {
        return utils.getPathForFile(file);
      } catch {
        return '';
      }
    },
  };
}

contextBridge.exposeInMainWorld('app', createBridge(ipcRenderer as unknown as IpcRendererLike));
contextBridge.exposeInMainWorld('appFiles', createFilesBridge(webUtils));
