import { mkdir, readFile, readdir } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import sharp from 'sharp';
import { AppError, isAppError, type Result } from '../../domain';
import {
  embedParameters,
  formatA1111Parameters,
  makeContactSheet,
  sniffFormat,
  type ContactSheetItem,
} from '../../images';
import { writeFileAtomic, writeJsonAtomic } from '../atomic-write';
import { resolveContainedFile } from '../contained-path';
import { isEnvironmentError, writeRefused } from './fs-utils';
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
  failed: { id: string; message: string }[];
  cancelled: boolean;
}

function checkedDir(dir: string): string {
  if (!isAbsolute(dir)) throw new AppError('INVALID_INPUT', 'Choose a folder to export into (a full path).');
  return resolve(dir);
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
  await mkdir(dir, { recursive: true }).catch((error: unknown) => {
    throw isEnvironmentError(error)
      ? writeRefused(error, 'the export folder', 'Nothing was exported')
      : error;
  });
  const taken = new Set((await readdir(dir)).map((n) => n.normalize('NFC').toLowerCase()));
  const cat = await ws.catalog();
  const out: ExportResult = { dir, files: [], failed: [], cancelled: false };
  const unique = [...new Set(ids)];
  control.onProgress?.(0, unique.length, 0);

  for (const [i, id] of unique.entries()) {
    if (control.signal?.aborted) {
      out.cancelled = true;
      break;
    }
    try {
      const result = await ws.results.get(id);
      const characterName =
        cat.characters.get(result.characterId)?.name ?? cat.trashed.get(result.characterId)?.name ?? null;
      const poseName = cat.poses.get(result.poseId)?.name ?? cat.trashed.get(result.poseId)?.name ?? null;
      const source = await resolveContainedFile(ws.project.root, result.file, { encoded: false }).catch(
        () => {
          throw new AppError('NOT_FOUND', 'Its image is missing from the project folder.');
        },
      );
      let bytes: Uint8Array = await readFile(source);
      const sniffed = sniffFormat(bytes);
      if (sniffed.kind !== 'image') throw unreadableImage();
      let format: 'png' | 'jpeg';
      if (options.format === 'original' && (sniffed.format === 'jpeg' || sniffed.format === 'png')) {
        format = sniffed.format;
      } else {
        bytes = await sharp(bytes, { pages: 1 })
          .png()
          .toBuffer()
          .catch(() => {
            throw unreadableImage();
          });
        format = 'png';
      }
      const embedded = embedParameters(bytes, parametersText(result, characterName, poseName), { format });
      const ext = format === 'png' ? 'png' : 'jpg';
      const stem = uniqueStem(
        humanStem(result, characterName, poseName),
        options.includeReceipt ? [ext, 'json'] : [ext],
        taken,
      );
      const file = join(dir, `${stem}.${ext}`);
      await writeFileAtomic(file, embedded);
      const record: ExportResult['files'][number] = { id, file, name: `${stem}.${ext}` };
      if (options.includeReceipt) {
        record.receiptFile = join(dir, `${stem}.json`);
        await writeJsonAtomic(record.receiptFile, result);
      }
      out.files.push(record);
    } catch (error) {
      if (isEnvironmentError(error)) {
        throw writeRefused(
          error,
          'the export',
          `${out.files.length} file(s) were exported before it stopped; the project is unchanged`,
        );
      }
      out.failed.push({
        id,
        message: isAppError(error)
          ? error.message
          : 'It could not be exported because of an unexpected error.',
      });
      if (!isAppError(error)) console.error('[ccstudio] export failed:', error);
    }
    control.onProgress?.(i + 1, unique.length, out.failed.length);
  }
  return out;
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

/** One PNG grid of results with captions, written atomically to `file` (".png" added when missing). */
export async function writeContactSheet(
  ws: Workspace,
  ids: readonly string[],
  options: { file: string; columns: number; cellSize: number; background?: string | undefined },
): Promise<{ file: string; width: number; height: number; count: number }> {
  if (!isAbsolute(options.file))
    throw new AppError('INVALID_INPUT', 'Choose where to save the contact sheet (a full path).');
  const file = /\.png$/i.test(options.file) ? resolve(options.file) : `${resolve(options.file)}.png`;
  await ws.results.load();
  const cat = await ws.catalog();
  const items: ContactSheetItem[] = [];
  for (const id of new Set(ids)) {
    const summary = ws.results.summary(id, cat);
    if (!summary) continue;
    const path = join(ws.project.root, ...summary.file.split('/'));
    items.push({ file: path, caption: captionFor(summary.characterName, summary.poseName, summary.rating) });
  }
  if (items.length === 0)
    throw new AppError('NOT_FOUND', 'None of those results is in the project any more.');
  const sheet = await makeContactSheet(items, {
    columns: options.columns,
    cellSize: options.cellSize,
    ...(options.background ? { background: options.background } : {}),
  });
  try {
    await mkdir(resolve(file, '..'), { recursive: true });
    await writeFileAtomic(file, sheet.png);
  } catch (error) {
    throw isEnvironmentError(error)
      ? writeRefused(error, 'the contact sheet', 'The project is unchanged')
      : error;
  }
  return { file, width: sheet.width, height: sheet.height, count: items.length };
}
