import { basename, relative, sep } from 'node:path';
import type { z } from 'zod';
import { AppError } from '../domain/errors';
import { writeJsonAtomic } from './atomic-write';
import {
  MAX_JSON_BYTES,
  projectRootOf,
  readFileInside,
  type FileRead,
  type FileRefusal,
} from './contained-fs';
import { keepUnknownFields } from './unknown-fields';

// Kept importable from here, where it always was (the outbox and user data quarantine their files too).
export { quarantine } from './quarantine';

/**
 * Arrays and objects nested deeper than this make a file damaged. The app's own files nest about six
 * levels; a newer app's fields will not nest 40 times deeper. Far below where anything recursive that
 * handles a parsed value (JSON.stringify when it is saved again, structuredClone over IPC: about 4,000
 * levels) would run out of stack, so a file nested 100,000 deep is quarantined when read instead of
 * failing every save of it with a stack overflow.
 */
export const MAX_JSON_DEPTH = 256;

export type JsonRead<T> =
  | { ok: true; value: T }
  | { ok: false; missing: true }
  | {
      ok: false;
      missing: false;
      reason: string;
      /** Set when the file was not read at all (a link out of the project, a pipe, too large). */
      refusal?: FileRefusal['reason'];
    };

/**
 * True when JSON text nests arrays and objects deeper than `limit`, counted in one pass over the text
 * without parsing it (brackets inside strings do not count). Text that is not JSON gives some answer;
 * JSON.parse then says what is wrong with it.
 */
export function nestedDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > limit) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return false;
}

/**
 * Reads one JSON file as it is, without checking its shape, through the contained read
 * (contained-fs.ts): in an open project a file that leads out of it is refused, anywhere only a regular
 * file of at most MAX_JSON_BYTES is read (a pipe or /dev/zero in its place answers at once), and a file
 * nested deeper than MAX_JSON_DEPTH is damaged. Never throws for a missing, refused or unparsable file:
 * it says which. Errors of the disk itself (EACCES, EIO) are thrown.
 */
export async function readJsonValue(file: string): Promise<JsonRead<unknown>> {
  return jsonOf(await readFileInside(file, MAX_JSON_BYTES));
}

/** The JSON value of a file read the contained way (readFileInside, readRegularFile), or why not. */
function jsonOf(read: FileRead): JsonRead<unknown> {
  if (!read.ok) {
    if (read.missing) return read;
    return { ok: false, missing: false, reason: read.refusal.message, refusal: read.refusal.reason };
  }
  const text = read.bytes.toString('utf8');
  if (nestedDeeperThan(text, MAX_JSON_DEPTH)) {
    return {
      ok: false,
      missing: false,
      reason: `it nests lists or objects more than ${MAX_JSON_DEPTH} levels deep, which no version of the app writes`,
    };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, missing: false, reason: `it is not valid JSON (${(error as Error).message})` };
  }
}

/** Reads and validates one JSON file (readJsonValue, then `schema`). Never throws for a missing, refused, unparsable or invalid file: it says which. */
export async function readJsonFile<S extends z.ZodType>(
  file: string,
  schema: S,
): Promise<JsonRead<z.output<S>>> {
  return checkedJson(await readJsonValue(file), schema);
}

/**
 * One JSON file already read (readRegularFile, readFileInside) and validated, as readJsonFile does: for
 * a caller that needs what the read knows too (the file's mtime and size, read from the open handle).
 */
export function jsonFromRead<S extends z.ZodType>(read: FileRead, schema: S): JsonRead<z.output<S>> {
  return checkedJson(jsonOf(read), schema);
}

function checkedJson<S extends z.ZodType>(read: JsonRead<unknown>, schema: S): JsonRead<z.output<S>> {
  if (!read.ok) return read;
  const parsed = schema.safeParse(read.value);
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
 *
 * The file on disk is read the contained way (readJsonValue). One that cannot be read at all (a link out
 * of the project or round in a loop, a folder, a pipe, too large) is not replaced: PROJECT_DAMAGED, with
 * detail.reason saying why, and nothing is written (the rename would put a file where the link was, and
 * the folder it is in may itself lead out, which writeFileAtomic refuses as well). A file that is there
 * but is not JSON, or is nested too deep, keeps nothing: the new value replaces it.
 */
export async function writeJsonKeepingUnknown(
  file: string,
  schema: z.ZodType,
  value: unknown,
): Promise<void> {
  const existing = await readJsonValue(file);
  if (!existing.ok && !existing.missing && existing.refusal) {
    const root = projectRootOf(file);
    const name = root ? relative(root, file).split(sep).join('/') : basename(file);
    throw new AppError('PROJECT_DAMAGED', `${name} was not saved: ${existing.reason}.`, {
      file: name,
      reason: existing.refusal,
    });
  }
  const raw = existing.ok ? existing.value : undefined;
  await writeJsonAtomic(file, raw === undefined ? value : keepUnknownFields(schema, raw, value));
}
