import type { z } from 'zod';
import { AppError } from '../domain/errors';
import type { AppErrorData } from '../domain/errors';
import { contractCalls, isCallName, withoutUndefinedFields } from '../contract';
import type { CallResult, Handlers } from '../contract';
import { toAppError } from './to-app-error';

/**
 * The single entry point for every call from a renderer (IPC in Electron, HTTP in the browser host).
 * The name and input are untrusted: an unknown call or input that does not match the schema becomes
 * INVALID_INPUT, and any thrown error becomes data. It never throws, whatever it is given: an input
 * that cannot even be read (a getter that throws, a typed array's prototype zod trips over) is
 * INVALID_INPUT too.
 *
 * A field present with the value `undefined` counts as absent (withoutUndefinedFields): IPC's structured
 * clone keeps such fields where JSON drops them, and a handler must see the same input either way.
 */
export async function dispatchCall(
  handlers: Handlers,
  name: unknown,
  rawInput: unknown,
): Promise<CallResult<unknown>> {
  try {
    if (!isCallName(name)) {
      return fail(new AppError('INVALID_INPUT', `There is no call named ${describeName(name)}.`));
    }
    let parsed: ReturnType<z.ZodType['safeParse']>;
    try {
      parsed = contractCalls[name].input.safeParse(withoutUndefinedFields(rawInput ?? {}));
    } catch {
      return fail(new AppError('INVALID_INPUT', `The input to ${name} could not be read.`));
    }
    if (!parsed.success) {
      return fail(
        new AppError('INVALID_INPUT', `The input to ${name} is not valid: ${describeIssues(parsed.error)}`, {
          issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
        }),
      );
    }
    const handler = handlers[name] as (input: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(parsed.data) };
  } catch (error) {
    return fail(toAppError(error));
  }
}

const fail = (error: AppError): { ok: false; error: AppErrorData } => ({ ok: false, error: error.toData() });

function describeName(name: unknown): string {
  try {
    return JSON.stringify(String(name)).slice(0, 80);
  } catch {
    return 'like that'; // a Symbol, or an object whose toString throws
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}
