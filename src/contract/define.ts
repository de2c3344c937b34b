import type { z } from 'zod';

/** One call the renderer may make: its input and output schemas. The input is untrusted and parsed. */
export interface CallSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly input: I;
  readonly output: O;
}
export const call = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O): CallSpec<I, O> => ({
  input,
  output,
});

/** One event main pushes to the renderer. */
export interface EventSpec<P extends z.ZodType = z.ZodType> {
  readonly payload: P;
}
export const event = <P extends z.ZodType>(payload: P): EventSpec<P> => ({ payload });
