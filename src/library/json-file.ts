import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { writeJsonAtomic } from './atomic-write';
import { keepUnknownFields } from './unknown-fields';

// Kept importable from here, where it always was (the outbox and user data quarantine their files too).
export { quarantine } from './quarantine';

export type JsonRead<T> =
  { ok: true; value: T } | { ok: false; missing: true } | { ok: false; missing: false; reason: string };

/** Reads and validates one JSON file. Never throws for a missing, unparsable or invalid file: it says which. */
export async function readJsonFile<S extends z.ZodType>(
  file: string,
  schema: S,
): Promise<JsonRead<z.output<S>>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ok: false, missing: true };
    throw error;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, missing: false, reason: `it is not valid JSON (${(error as Error).message})` };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length ? ` at ${issue.path.join('.')}` : '';
    return {
      ok: false,
      missing: false,
      reason: `it does not have the expected shape${where}: ${issue?.message ?? ''}`,
    };
  }
  return { ok: true, value: parsed.data };
}

/**
 * Saves a read-modify-write of a file that a newer version of the app may also write (character.json,
 * library.json, a receipt, project.json): `value` is written atomically with the fields of the file on
 * disk that `schema` does not know kept (see keepUnknownFields). Call it under the lock that guards the
 * file, so the file read here is the one the change was made to.
 */
export async function writeJsonKeepingUnknown(
  file: string,
  schema: z.ZodType,
  value: unknown,
): Promise<void> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    raw = undefined; // a new file, or one not worth keeping anything from
  }
  await writeJsonAtomic(file, raw === undefined ? value : keepUnknownFields(schema, raw, value));
}
