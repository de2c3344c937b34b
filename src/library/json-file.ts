import { readFile, mkdir, rename, copyFile } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import type { z } from 'zod';
import type { ProjectProblem } from '../domain';

export type JsonRead<T> =
  | { ok: true; value: T }
  | { ok: false; missing: true }
  | { ok: false; missing: false; reason: string };

/** Reads and validates one JSON file. Never throws for a missing, unparsable or invalid file: it says which. */
export async function readJsonFile<S extends z.ZodType>(file: string, schema: S): Promise<JsonRead<z.output<S>>> {
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
    return { ok: false, missing: false, reason: `it does not have the expected shape${where}: ${issue?.message ?? ''}` };
  }
  return { ok: true, value: parsed.data };
}

/**
 * Moves a damaged file out of the way into the quarantine folder, so the rest of the project opens and the
 * file is never overwritten with defaults. The person can inspect or repair it there.
 * With `keepOriginal`, the file is copied instead (used for project.json, which the project needs to exist).
 */
export async function quarantine(
  root: string,
  quarantineDir: string,
  file: string,
  reason: string,
  options: { keepOriginal?: boolean } = {},
): Promise<ProjectProblem> {
  await mkdir(quarantineDir, { recursive: true });
  const rel = relative(root, file);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const target = join(quarantineDir, `${stamp}__${rel.split(sep).join('__') || basename(file)}`);
  if (options.keepOriginal) await copyFile(file, target);
  else await rename(file, target);
  return { file: rel.split(sep).join('/'), reason, quarantinedAs: relative(root, target).split(sep).join('/') };
}
