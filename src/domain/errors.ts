import { z } from 'zod';

/**
 * The closed set of error codes that cross the process boundary. Each code has one user-facing message
 * (src/contract/error-messages.ts) and, where one exists, the action that fixes it.
 */
export const ErrorCodeSchema = z.enum([
  'KEY_MISSING',
  'KEY_REJECTED',
  'CREDITS_EXHAUSTED',
  /** The project's own spending cap (Settings) would be passed by the next run: the queue waits. */
  'SPENDING_CAP',
  'RATE_LIMITED',
  'MODEL_RETIRED',
  'OUTCOME_UNKNOWN',
  'INVALID_INPUT',
  'IMAGE_REJECTED',
  'PROJECT_DAMAGED',
  'PROJECT_LOCKED',
  'PROJECT_READ_ONLY',
  'NO_PROJECT',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'DISK_FULL',
  'PERMISSION_DENIED',
  /** The disk failed a read or write for a reason of its own (EIO, EBUSY, ...): not the person's doing. */
  'IO_ERROR',
  'OFFLINE',
  'TIMEOUT',
  'CANCELLED',
  'BAD_REQUEST',
  'SERVER_ERROR',
  'BAD_RESPONSE',
  'FORBIDDEN_SENDER',
  'UNSUPPORTED',
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const AppErrorDataSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  /** Extra facts for the UI (file names, credits left and needed), never secrets or stack traces. */
  detail: z.record(z.string(), z.unknown()).optional(),
});
export type AppErrorData = z.infer<typeof AppErrorDataSchema>;

/** An error the app expects and can explain. Everything else is reported as INTERNAL. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly detail: Record<string, unknown> | undefined;
  constructor(code: ErrorCode, message: string, detail?: Record<string, unknown>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.detail = detail;
  }
  toData(): AppErrorData {
    return this.detail === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, detail: this.detail };
  }
  static fromData(data: AppErrorData): AppError {
    return new AppError(data.code, data.message, data.detail);
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
