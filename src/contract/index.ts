import type { z } from 'zod';
import { contractCalls } from './calls';
import { contractEvents } from './events';
import type { AppErrorData } from '../domain/errors';

export { contractCalls } from './calls';
export { contractEvents } from './events';
export * from './define';
export { withoutUndefinedFields } from './input';

export type Calls = typeof contractCalls;
export type CallName = keyof Calls & string;
export type CallInput<K extends CallName> = z.input<Calls[K]['input']>;
export type CallParsedInput<K extends CallName> = z.output<Calls[K]['input']>;
export type CallOutput<K extends CallName> = z.output<Calls[K]['output']>;

export type Events = typeof contractEvents;
export type EventName = keyof Events & string;
export type EventPayload<E extends EventName> = z.output<Events[E]['payload']>;

export const callNames = Object.keys(contractCalls) as CallName[];
export const eventNames = Object.keys(contractEvents) as EventName[];
export const isCallName = (name: unknown): name is CallName =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(contractCalls, name);
export const isEventName = (name: unknown): name is EventName =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(contractEvents, name);

/** Errors cross the boundary as data, never as thrown objects (IPC would strip them). */
export type CallResult<T> = { ok: true; value: T } | { ok: false; error: AppErrorData };

/** What main implements: one function per call, given the already-parsed input. */
export type Handlers = { [K in CallName]: (input: CallParsedInput<K>) => Promise<CallOutput<K>> };

type Namespace = CallName extends `${infer N}.${string}` ? N : never;
type MethodsOf<N extends string> = {
  [K in CallName as K extends `${N}.${infer M}` ? M : never]: (input: CallInput<K>) => Promise<CallOutput<K>>;
};
export type Unsubscribe = () => void;

/**
 * `window.app`: named functions per call, grouped by namespace (`app.projects.open({ dir })`), a typed
 * subscribe whose listeners return an unsubscribe function, and a URL maker for project images.
 * The preload and the browser host's HTTP bridge both implement exactly this type.
 */
export type AppBridge = { [N in Namespace]: MethodsOf<N> } & {
  subscribe<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): Unsubscribe;
  /** A URL the renderer can put in <img src> for a file inside the open project (relative path). */
  mediaUrl(relativePath: string): string;
};

export const splitCallName = (name: CallName): [string, string] => {
  const dot = name.indexOf('.');
  return [name.slice(0, dot), name.slice(dot + 1)];
};
