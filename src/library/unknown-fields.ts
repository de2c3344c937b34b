import { z } from 'zod';

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The schema under optional / nullable / default wrappers, which do not change an object's fields. */
function unwrapped(schema: z.ZodType): z.ZodType {
  let inner: z.ZodType = schema;
  while (inner instanceof z.ZodOptional || inner instanceof z.ZodNullable || inner instanceof z.ZodDefault) {
    inner = inner.unwrap() as z.ZodType;
  }
  return inner;
}

/**
 * `value` (what this app is about to save, valid for `schema`) with the fields of `raw` (the file as it
 * is on disk) that `schema` does not know put back, at every level the schema describes: a newer app's
 * fields survive an older app's read-modify-write. Zod strips unknown keys when it parses, so without
 * this every save by an older app would drop them.
 *
 * Known fields always come from `value`, so a known field this app removed stays removed. Items of an
 * array are matched by their `id` (references, poses); arrays without ids (figure boxes, tags) are
 * taken from `value` as they are, since an item's position says nothing about which old item it was.
 *
 * Depth: it descends only where the schema describes an object or an array, so it recurses as deep as
 * the schema (a few levels) whatever `raw` holds; an unknown field is carried over whole, never walked.
 * How deep the carried value may be is bounded where the file is read (readJsonValue refuses a file
 * nested deeper than MAX_JSON_DEPTH as damaged), so JSON.stringify of the merged value, which is
 * recursive, cannot run out of stack when it is saved.
 */
export function keepUnknownFields(schema: z.ZodType, raw: unknown, value: unknown): unknown {
  const inner = unwrapped(schema);
  if (inner instanceof z.ZodObject && isPlain(raw) && isPlain(value)) {
    const shape = inner.shape as Record<string, z.ZodType>;
    const merged: Plain = {};
    for (const [key, known] of Object.entries(value)) {
      const field = shape[key];
      merged[key] = field === undefined ? known : keepUnknownFields(field, raw[key], known);
    }
    for (const [key, unknown] of Object.entries(raw)) if (!(key in shape)) merged[key] = unknown;
    return merged;
  }
  if (inner instanceof z.ZodArray && Array.isArray(raw) && Array.isArray(value)) {
    const before = new Map<unknown, unknown>();
    for (const item of raw) if (isPlain(item) && typeof item.id === 'string') before.set(item.id, item);
    if (before.size === 0) return value;
    const element = inner.element as z.ZodType;
    return value.map((item: unknown) =>
      isPlain(item) && before.has(item.id) ? keepUnknownFields(element, before.get(item.id), item) : item,
    );
  }
  return value;
}
