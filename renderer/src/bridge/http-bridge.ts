import { AppError } from '../../../src/domain/errors';
import { callNames, eventNames, splitCallName } from '../../../src/contract';
import type { AppBridge, CallResult, EventName } from '../../../src/contract';

const TOKEN_KEY = 'ccstudio.token';

/** The session token arrives in the URL fragment once; it is kept for this tab only and removed from the URL. */
function takeToken(): string {
  const match = /token=([^&]+)/.exec(window.location.hash);
  if (match?.[1]) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

/**
 * `window.app` for the browser host: the same AppBridge shape as Electron's preload, over loopback HTTP.
 * Calls are POSTs, events one EventSource stream, media plain URLs carrying the token.
 */
export function createHttpBridge(): AppBridge {
  const token = takeToken();
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let source: EventSource | null = null;

  const ensureStream = () => {
    if (source) return;
    source = new EventSource(`/api/events?t=${encodeURIComponent(token)}`);
    source.onmessage = (message: MessageEvent<string>) => {
      const { name, payload } = JSON.parse(message.data) as { name: EventName; payload: unknown };
      for (const listener of listeners.get(name) ?? []) listener(payload);
    };
  };

  const invoke = async (name: string, input: unknown): Promise<unknown> => {
    let response: Response;
    try {
      response = await fetch(`/api/call/${encodeURIComponent(name)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-ccstudio-token': token },
        body: JSON.stringify(input ?? {}),
      });
    } catch {
      throw new AppError('INTERNAL', 'The app’s host is not answering. Is `npm run host` still running?');
    }
    const result = (await response.json()) as CallResult<unknown>;
    if (!result.ok) throw AppError.fromData(result.error);
    return result.value;
  };

  const bridge: Record<string, unknown> = {};
  for (const name of callNames) {
    const [namespace, method] = splitCallName(name);
    const group = (bridge[namespace] ??= {}) as Record<string, unknown>;
    group[method] = (input: unknown) => invoke(name, input);
  }
  bridge.subscribe = (name: EventName, listener: (payload: unknown) => void) => {
    if (!eventNames.includes(name)) throw new Error(`Unknown event ${name}`);
    ensureStream();
    const set = listeners.get(name) ?? new Set();
    set.add(listener);
    listeners.set(name, set);
    return () => set.delete(listener);
  };
  bridge.mediaUrl = (relativePath: string) =>
    `/media/${relativePath.split('/').map(encodeURIComponent).join('/')}?t=${encodeURIComponent(token)}`;
  return bridge as AppBridge;
}
