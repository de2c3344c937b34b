import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { callNames, type CallResult, type Handlers, type Unsubscribe } from '../src/contract';
import { AppError } from '../src/domain/errors';
import { dispatchCall } from '../src/services/dispatch';
import type { EventBus } from '../src/services/event-bus';
import { callChannel, eventChannel, isAppUrl } from './schemes';

/** The parts of an invoke event the sender check reads. */
export type SenderEvent = Pick<IpcMainInvokeEvent, 'senderFrame'>;

/**
 * A call is accepted only from the main frame of a page on the app's own origin (app://bundle).
 * Refused: no sender frame (navigated away or destroyed), a subframe, or any other origin.
 */
export function isTrustedSender(event: SenderEvent): boolean {
  const frame = event.senderFrame;
  if (!frame) return false;
  if (frame.parent !== null) return false;
  return isAppUrl(frame.url);
}

const forbidden = (): CallResult<never> => ({
  ok: false,
  error: new AppError(
    'FORBIDDEN_SENDER',
    'This request did not come from the app’s own window, so it was blocked.',
  ).toData(),
});

/**
 * One `ipcMain.handle('call:<name>')` per contract call. The handler always resolves with a
 * CallResult (errors as data: `{ ok: false, error: { code, message, detail? } }`); dispatchCall parses
 * the untrusted input with the call's schema (INVALID_INPUT) and never throws. Returns a function
 * that removes every handler.
 */
export function registerIpc(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  handlers: Handlers,
): Unsubscribe {
  for (const name of callNames) {
    ipcMain.handle(
      callChannel(name),
      async (event: IpcMainInvokeEvent, input: unknown): Promise<CallResult<unknown>> => {
        if (!isTrustedSender(event)) {
          console.warn(`[ccstudio] blocked ${name} from an untrusted sender`);
          return forbidden();
        }
        return dispatchCall(handlers, name, input);
      },
    );
  }
  return () => {
    for (const name of callNames) ipcMain.removeHandler(callChannel(name));
  };
}

/**
 * Forwards every service event to the app's windows as `event:<name>` with the payload only.
 * Windows that are destroyed or are not showing the app's own page get nothing.
 */
export function forwardEvents(events: Pick<EventBus, 'on'>, targets: () => WebContents[]): Unsubscribe {
  return events.on((name, payload) => {
    for (const contents of targets()) {
      if (contents.isDestroyed() || !isAppUrl(contents.getURL())) continue;
      contents.send(eventChannel(name), payload);
    }
  });
}
