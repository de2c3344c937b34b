import { lstat, readdir, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { AppError, isAppError, type ErrorCode, type Result } from '../../domain';
import {
  embedParameters,
  firstFrameAsPng,
  formatA1111Parameters,
  makeContactSheet,
  printSheetOptions,
  sniffFormat,
  type ContactSheetItem,
  type PrintTarget,
} from '../../images';
import { writeFileAtomic } from '../atomic-write';
import { readContainedFile } from '../contained-path';
import { ProjectLayout } from '../project-layout';
import {
  isEnvironmentError,
  makeOutputFolder,
  readFault,
  realLocation,
  removeQuietly,
  removeWithRetry,
  storageFault,
  writeNewFileAtomic,
  writeRefused,
} from './fs-utils';
import { projectContentPaths } from './paths';
import { seedUsed } from './result-index-file';
import type { TaskControl } from './task-control';
import type { Workspace } from './workspace';

// -- names -------------------------------------------------------------------------------------------

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;
const MAX_NAME_BYTES = 180; // well under the 255-byte limit of ext4, APFS and NTFS, leaving room for " (99).json"

/**
 * A file name that is valid on Windows, macOS and Linux: NFC (so macOS and Linux agree), no
 * `<>:"/\|?*` or control characters, no leading dot (hidden) or trailing dot/space (Windows drops
 * them), not a reserved DOS device name, and at most MAX_NAME_BYTES of UTF-8, cut on a character.
 */
export function sanitizeFileName(raw: string, fallback = 'untitled'): string {
  let name = raw
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex
    .replace(/[<>:"/\\|?*\u0000-\u001f\u007f-\u009f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+|[.\s]+$/g, '');
  let bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > MAX_NAME_BYTES) {
    const chars = [...name];
    while (bytes > MAX_NAME_BYTES && chars.length > 0) bytes -= Buffer.byteLength(chars.pop() ?? '', 'utf8');
    name = chars.join('').replace(/[.\s]+$/g, '');
  }
  if (name === '') name = fallback;
  if (WINDOWS_RESERVED.test(name.split('.')[0] ?? '')) name = `_${name}`;
  return name;
}

/** The local calendar date, YYYY-MM-DD: what a person means by "made on". */
export function localDate(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** "Mira - Arms up - 2025-01-31 - seed 4898558797" (+ " - figure 2" for a cut). */
export function humanStem(result: Result, characterName: string | null, poseName: string | null): string {
  const parts = [
    characterName ?? 'Unknown character',
    poseName ?? 'Unknown pose',
    localDate(result.createdAt),
  ];
  const seed = seedUsed(result);
  if (seed !== null) parts.push(`seed ${seed}`);
  if (result.cutFrom) parts.push(`figure ${result.cutFrom.figureIndex + 1}`);
  return sanitizeFileName(parts.join(' - '));
}

/** Picks `stem`, `stem (2)`, ... so that none of the given extensions is taken (case-insensitively). */
export function uniqueStem(stem: string, extensions: readonly string[], taken: Set<string>): string {
  const key = (name: string) => name.normalize('NFC').toLowerCase();
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? stem : `${stem} (${n})`;
    if (extensions.every((ext) => !taken.has(key(`${candidate}.${ext}`)))) {
      for (const ext of extensions) taken.add(key(`${candidate}.${ext}`));
      return candidate;
    }
  }
}

// -- parameters --------------------------------------------------------------------------------------

/** A1111-style "parameters" text for a result, from its receipt (what was sent and what came back). */
export function parametersText(
  result: Result,
  characterName: string | null,
  poseName: string | null,
): string {
  const request = result.receipt.request;
  const num = (key: string) => (typeof request[key] === 'number' ? (request[key] as number) : undefined);
  const str = (key: string) => (typeof request[key] === 'string' ? (request[key] as string) : undefined);
  const extra: Record<string, string | number | undefined> = {
    'Denoising strength': num('strength'),
    'Upscale by': num('upscale_by'),
    'Upscale steps': num('upscale_steps'),
    'Upscale CFG scale': num('upscale_guidance_scale'),
    'Face detail steps': num('fd_steps'),
    Character: characterName ?? undefined,
    Pose: poseName ?? undefined,
    'Segmind request id': result.receipt.response.headers.requestId,
    'Cut from': result.cutFrom
      ? `${result.cutFrom.resultId} figure ${result.cutFrom.figureIndex + 1}`
      : undefined,
  };
  const seed = seedUsed(result);
  return formatA1111Parameters({
    prompt: str('prompt') ?? '',
    ...(str('negative_prompt') === undefined ? {} : { negativePrompt: str('negative_prompt') }),
    ...(num('num_inference_steps') === undefined ? {} : { steps: num('num_inference_steps') }),
    ...(str('sampler') === undefined ? {} : { sampler: str('sampler') }),
    ...(str('scheduler') === undefined ? {} : { scheduler: str('scheduler') }),
    ...(num('guidance_scale') === undefined ? {} : { cfg: num('guidance_scale') }),
    ...(seed === null ? {} : { seed }),
    size: { width: result.width, height: result.height },
    model: result.modelId,
    extra,
  });
}

// -- export ------------------------------------------------------------------------------------------

export interface ExportOptions {
  dir: string;
  includeReceipt: boolean;
  format: 'original' | 'png';
}

export interface ExportResult {
  dir: string;
  files: { id: string; file: string; name: string; receiptFile?: string }[];
  failed: { id: string; code: ErrorCode; message: string }[];
  cancelled: boolean;
}

function checkedDir(dir: string): string {
  if (!isAbsolute(dir)) throw new AppError('INVALID_INPUT', 'Choose a folder to export into (a full path).');
  return resolve(dir);
}

/**
 * Refuses an output path in or under the project's own files and folders (projectContentPaths), judged
 * by where it really is (links resolved), so no export or contact sheet can replace a paid result or a
 * pose image, or leave a stray file where the app reads receipts.
 */
export async function refuseProjectContent(root: string, target: string, what: string): Promise<void> {
  const realRoot = await realpath(root).catch(() => resolve(root));
  const real = await realLocation(target);
  const owned = projectContentPaths(new ProjectLayout(realRoot)).find((path) => {
    const rel = relative(path, real);
    return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
  });
  if (owned === undefined) return;
  throw new AppError(
    'INVALID_INPUT',
    `${what} cannot go into the project’s own “${relative(realRoot, owned)}”, where the app keeps its ` +
      `files. Choose a folder outside it.`,
    { reason: 'inside-project', path: target },
  );
}

/**
 * A result's image, read through the project's one contained read path. Only a file that is not there is
 * "missing": a disk that failed to read it is IO_ERROR (PERMISSION_DENIED for a refused read).
 */
async function readResultImage(ws: Workspace, result: Result): Promise<Uint8Array> {
  const missing = () => new AppError('NOT_FOUND', 'Its image is missing from the project folder.');
  try {
    return await readContainedFile(ws.project.root, result.file);
  } catch (error) {
    if (isAppError(error) && error.code === 'FORBIDDEN_SENDER') {
      throw new AppError(
        'PROJECT_DAMAGED',
        'Its image file leads outside the project folder, so it was not read.',
      );
    }
    if (isAppError(error) && error.code === 'NOT_FOUND') throw missing(); // only ever a file not there
    throw readFault(error, 'its image', missing) ?? error;
  }
}

/**
 * Writes the exported image (and its receipt) under the first free human name. Never replaces a file:
 * a name taken since the folder was listed (another program writing there) moves on to the next one.
 * Temp files that could not be removed are added to `leftovers` (swept when the export ends).
 */
async function writeUnderFreeName(
  dir: string,
  stemWanted: string,
  ext: string,
  image: Uint8Array,
  receipt: Result | undefined,
  taken: Set<string>,
  leftovers: Set<string>,
): Promise<{ stem: string; file: string; receiptFile?: string }> {
  for (;;) {
    const stem = uniqueStem(stemWanted, receipt ? [ext, 'json'] : [ext], taken);
    const file = join(dir, `${stem}.${ext}`);
    if (!(await writeUnlessTaken(file, image, leftovers))) continue;
    if (!receipt) return { stem, file };
    const receiptFile = join(dir, `${stem}.json`);
    if (await writeUnlessTaken(receiptFile, `${JSON.stringify(receipt, null, 2)}\n`, leftovers))
      return { stem, file, receiptFile };
    await removeQuietly(file); // keep the pair under one name
  }
}

/** False when the name was taken meanwhile; the file is then left alone. */
async function writeUnlessTaken(
  file: string,
  data: string | Uint8Array,
  leftovers: Set<string>,
): Promise<boolean> {
  try {
    await writeNewFileAtomic(file, data, { leftovers });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Writes each result into `dir` under a human name with its parameters embedded (PNG: a `parameters`
 * text chunk; JPEG: EXIF UserComment, as A1111 does; other formats are converted to PNG), and its
 * receipt beside it when asked. Files already in the folder are never overwritten: names get " (2)".
 * A result that cannot be exported is listed in `failed`; a full disk or a refused folder stops it all.
 */
export async function exportResults(
  ws: Workspace,
  ids: readonly string[],
  options: ExportOptions,
  control: TaskControl = {},
): Promise<ExportResult> {
  const dir = checkedDir(options.dir);
  await refuseProjectContent(ws.project.root, dir, 'An export');
  await makeOutputFolder(dir, 'the export', 'Nothing was exported');
  const taken = new Set(
    (
      await readdir(dir).catch((error: unknown) => {
        throw readFault(error, 'the export folder', undefined, 'Nothing was exported') ?? error;
      })
    ).map((n) => n.normalize('NFC').toLowerCase()),
  );
  const cat = await ws.catalog();
  const out: ExportResult = { dir, files: [], failed: [], cancelled: false };
  const unique = [...new Set(ids)];
  // Temp files whose removal failed even after retries: swept once more when the export ends, so no
  // hidden file of ours stays in the person's folder.
  const leftovers = new Set<string>();
  control.onProgress?.(0, unique.length, 0);

  try {
    for (const [i, id] of unique.entries()) {
      if (control.signal?.aborted) {
        out.cancelled = true;
        break;
      }
      // Reading from the project: a result that cannot be read is listed in `failed`, the rest go on.
      let source: Awaited<ReturnType<typeof readForExport>>;
      try {
        source = await readForExport(ws, cat, id, options.format);
      } catch (error) {
        out.failed.push({ id, ...failureOf(readFault(error, 'its receipt') ?? error) });
        control.onProgress?.(i + 1, unique.length, out.failed.length);
        continue;
      }
      // Writing into the export folder: a full disk or a refused folder stops it all.
      try {
        const { result, characterName, poseName, format } = source;
        const embedded = embedParameters(source.bytes, parametersText(result, characterName, poseName), {
          format,
        });
        const ext = format === 'png' ? 'png' : 'jpg';
        const written = await writeUnderFreeName(
          dir,
          humanStem(result, characterName, poseName),
          ext,
          embedded,
          options.includeReceipt ? result : undefined,
          taken,
          leftovers,
        );
        out.files.push({
          id,
          file: written.file,
          name: `${written.stem}.${ext}`,
          ...(written.receiptFile ? { receiptFile: written.receiptFile } : {}),
        });
      } catch (error) {
        if (isEnvironmentError(error)) {
          throw writeRefused(
            error,
            'the export',
            `${out.files.length} file(s) were exported before it stopped; the project is unchanged`,
            'the export folder',
          );
        }
        out.failed.push({
          id,
          ...failureOf(
            storageFault(error) === undefined
              ? error
              : writeRefused(error, 'its file', 'The project is unchanged', 'the export folder'),
          ),
        });
      }
      control.onProgress?.(i + 1, unique.length, out.failed.length);
    }
  } finally {
    for (const temp of leftovers) await removeWithRetry(temp, [50, 200]);
  }
  return out;
}

/** A result as the export writes it: its receipt, its names, and its image bytes in the output format. */
async function readForExport(
  ws: Workspace,
  cat: Awaited<ReturnType<Workspace['catalog']>>,
  id: string,
  wanted: ExportOptions['format'],
): Promise<{
  result: Result;
  characterName: string | null;
  poseName: string | null;
  bytes: Uint8Array;
  format: 'png' | 'jpeg';
}> {
  const result = await ws.results.get(id);
  const characterName =
    cat.characters.get(result.characterId)?.name ?? cat.trashed.get(result.characterId)?.name ?? null;
  const poseName = cat.poses.get(result.poseId)?.name ?? cat.trashed.get(result.poseId)?.name ?? null;
  let bytes = await readResultImage(ws, result);
  const sniffed = sniffFormat(bytes);
  if (sniffed.kind !== 'image') throw unreadableImage();
  if (wanted === 'original' && (sniffed.format === 'jpeg' || sniffed.format === 'png')) {
    return { result, characterName, poseName, bytes, format: sniffed.format };
  }
  bytes = await firstFrameAsPng(bytes).catch(() => {
    throw unreadableImage();
  });
  return { result, characterName, poseName, bytes, format: 'png' };
}

/** One result's failure as the report lists it: an AppError's own words, anything else logged. */
function failureOf(error: unknown): { code: ErrorCode; message: string } {
  if (isAppError(error)) return { code: error.code, message: error.message };
  console.error('[ccstudio] export failed:', error);
  return { code: 'INTERNAL', message: 'It could not be exported because of an unexpected error.' };
}

const unreadableImage = (): AppError =>
  new AppError(
    'IMAGE_REJECTED',
    'Its image file in the project is empty or damaged, so it cannot be exported.',
  );

/** "Mira · Arms up · ★★★★" under each image. */
function captionFor(characterName: string | null, poseName: string | null, rating: number): string {
  const parts = [characterName ?? 'Unknown character', poseName ?? 'Unknown pose'];
  if (rating > 0) parts.push('★'.repeat(rating));
  return parts.join(' · ');
}

export interface ContactSheetRequest {
  file: string;
  columns: number;
  cellSize: number;
  /** Print size (a paper or a long edge at 300 dpi); replaces columns and cellSize when given. */
  print?: PrintTarget | undefined;
  background?: string | undefined;
  /** Replace a file already at `file`. Without it, an existing file is refused (ALREADY_EXISTS). */
  overwrite?: boolean | undefined;
}

/**
 * One PNG grid of results with captions, written atomically to `file` (".png" added when missing),
 * never into the project's own folders, and never over an existing file unless `overwrite` says the
 * person chose to replace it. Images are read through the project's contained read path: one that
 * cannot be read leaves a placeholder.
 */
export async function writeContactSheet(
  ws: Workspace,
  ids: readonly string[],
  options: ContactSheetRequest,
): Promise<{ file: string; width: number; height: number; count: number }> {
  if (!isAbsolute(options.file))
    throw new AppError('INVALID_INPUT', 'Choose where to save the contact sheet (a full path).');
  const file = /\.png$/i.test(options.file) ? resolve(options.file) : `${resolve(options.file)}.png`;
  await refuseProjectContent(ws.project.root, file, 'A contact sheet');
  if (!options.overwrite) await refuseExisting(file);
  await ws.results.load();
  const cat = await ws.catalog();
  const items: ContactSheetItem[] = [];
  for (const id of new Set(ids)) {
    const summary = ws.results.summary(id, cat);
    if (!summary) continue;
    items.push({
      file: () => readContainedFile(ws.project.root, summary.file),
      caption: captionFor(summary.characterName, summary.poseName, summary.rating),
    });
  }
  if (items.length === 0)
    throw new AppError('NOT_FOUND', 'None of those results is in the project any more.');
  const sheet = await makeContactSheet(items, {
    ...(options.print
      ? printSheetOptions(items.length, options.print)
      : { columns: options.columns, cellSize: options.cellSize }),
    ...(options.background ? { background: options.background } : {}),
  });
  await makeOutputFolder(dirname(file), 'the contact sheet', 'The project is unchanged');
  const leftovers = new Set<string>();
  try {
    if (options.overwrite) await writeFileAtomic(file, sheet.png);
    else await writeNewFileAtomic(file, sheet.png, { leftovers });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw alreadyExists(file); // appeared meanwhile
    throw storageFault(error) === undefined
      ? error
      : writeRefused(error, 'the contact sheet', 'The project is unchanged', 'that folder');
  } finally {
    for (const temp of leftovers) await removeWithRetry(temp, [50, 200]);
  }
  return { file, width: sheet.width, height: sheet.height, count: items.length };
}

/** Before any work: a name already taken (a file, a folder, a link) is the person's to give up, not ours. */
async function refuseExisting(file: string): Promise<void> {
  const taken = await lstat(file).then(
    () => true,
    () => false,
  );
  if (taken) throw alreadyExists(file);
}

const alreadyExists = (file: string): AppError =>
  new AppError(
    'ALREADY_EXISTS',
    `“${basename(file)}” already exists there. Choose another name, or choose to replace it.`,
    { file },
  );
