/**
 * A call's input as JSON would carry it: a field whose value is `undefined` is left out, at every depth.
 * IPC's structured clone keeps such fields (`{ description: undefined }`) where the browser host's JSON
 * drops them; the schemas' optional fields accept both, so without this a handler would see a key it
 * cannot tell from a value (`{ ...character, ...changes }` then saves `description: undefined`, which
 * the stored schema refuses). Dispatch applies it before parsing, so every handler sees one shape.
 *
 * Only plain objects (prototype Object.prototype or null) and arrays are copied, into new ones: the
 * caller's value is never changed. Anything else (a Date, a Map, a typed array, an object with another
 * prototype) is passed as it is, for the schema to judge. `__proto__` stays an own field (so a strict
 * schema still refuses it) and never becomes a prototype. Cycles stay cycles. Below MAX_DEPTH levels
 * values are passed as they are: the contract's shapes are a few levels deep, and what lies deeper is
 * free-form data the schema takes or refuses whole; so are arrays of more than MAX_ARRAY elements.
 */
export function withoutUndefinedFields(value: unknown): unknown {
  return copy(value, 0, new Map());
}

const MAX_DEPTH = 64;
const MAX_ARRAY = 100_000;

function copy(value: unknown, depth: number, seen: Map<object, unknown>): unknown {
  if (typeof value !== 'object' || value === null || depth >= MAX_DEPTH) return value;
  const done = seen.get(value);
  if (done !== undefined) return done;
  if (Array.isArray(value)) {
    // A huge (or huge sparse) array is the schema's to refuse by its length, not ours to walk.
    if (Object.getPrototypeOf(value) !== Array.prototype || value.length > MAX_ARRAY) return value;
    const out: unknown[] = new Array<unknown>(value.length);
    seen.set(value, out);
    for (let i = 0; i < value.length; i++) {
      if (i in value) out[i] = copy(value[i], depth + 1, seen);
    }
    return out;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out = Object.create(proto as object | null) as Record<string, unknown>;
  seen.set(value, out);
  for (const key of Object.keys(value)) {
    const field = (value as Record<string, unknown>)[key];
    if (field === undefined) continue;
    Object.defineProperty(out, key, {
      value: copy(field, depth + 1, seen),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
