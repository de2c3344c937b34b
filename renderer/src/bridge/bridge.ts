import { AppError, type AppErrorData } from '../../../src/domain/errors';
import type { AppBridge } from '../../../src/contract';
import { createHttpBridge } from './http-bridge';

declare global {
  interface Window {
    /** Set by Electron's preload; absent in the browser host, where the HTTP bridge stands in. */
    app?: AppBridge;
  }
}

let bridge: AppBridge | undefined;

/** The renderer's only way to reach the app. */
export function getBridge(): AppBridge {
  bridge ??= window.app ?? createHttpBridge();
  return bridge;
}

/** Errors from the preload cross contextBridge as plain objects; normalise every shape to AppError. */
export function asAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const data = error as Partial<AppErrorData> | undefined;
  if (data && typeof data.code === 'string' && typeof data.message === 'string') {
    return AppError.fromData(data as AppErrorData);
  }
  if (error instanceof Error) {
    try {
      const parsed = JSON.parse(
        error.message.replace(/^Error invoking remote method '[^']+': (Error: )?/, ''),
      ) as AppErrorData;
      if (parsed.code) return AppError.fromData(parsed);
    } catch {
      /* not one of ours */
    }
  }
  return new AppError('INTERNAL', 'Something went wrong inside the app. Please try again.');
}
