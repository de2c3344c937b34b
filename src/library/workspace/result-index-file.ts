import type { CutFrom } from './result-types';
import type { Flag, Result } from '../../domain';

/**
 * `.studio/index.json`: a cache of every result's summary, so a project with 10,000 results opens
 * without reading 10,000 receipts. It is never the truth (each results/<id>.json is) and can always be
 * rebuilt from the receipts. Written compact (no indentation) through writeFileAtomic.
 *
 * Each entry also records its receipt's mtime and size (`m`, `s`) and the creation time as epoch ms
 * (`t`, for sorting without parsing dates); the file records the results folder's mtime.
 *
 * Checking the cache on open, cheapest first:
 * 1. results/'s mtime equals the recorded one: no file was added, removed or renamed there since the
 *    index was written (atomic writes rename, so a rewritten receipt counts too), and the cache is used
 *    as it is, without listing 20,000 files. Trusted only where mtimes have sub-second precision
 *    (ext4, APFS, NTFS, tmpfs): on a file system with whole-second times (FAT, HFS+, some network
 *    shares) a change in the same second could hide, so there step 2 always runs.
 * 2. Otherwise one listing of results/: ids whose receipt appeared are read, ids whose receipt went
 *    are dropped, and every kept receipt is stat'ed: those whose mtime or size moved are read again.
 * A receipt edited in place by another program (no rename) is only noticed by `results.refresh` or a
 * rebuild. The thumbnail path is derived from the id (`.studio/thumbs/<id>.webp`), so it is not stored.
 */
export interface IndexEntry {
  id: string;
  file: string;
  width: number;
  height: number;
  createdAt: string;
  t: number;
  modelId: string;
  characterId: string;
  poseId: string;
  rating: number;
  flag: Flag;
  tags: string[];
  /** The seed Segmind used (x-seed-used), else the one sent; null when unknown or random. */
  seed: number | null;
  cost: number | null;
  cutFrom?: CutFrom;
  /** The batch that made it; absent for a single run (and for a cut, which no batch made). */
  batchId?: string;
  /** The words the receipt sent (its prompts), lower case, for search; absent when there are none. */
  text?: string;
  m: number;
  s: number;
}

export const INDEX_FORMAT = 'ccstudio-results-index';
export const INDEX_VERSION = 1;

export interface IndexFile {
  format: typeof INDEX_FORMAT;
  version: typeof INDEX_VERSION;
  /** results/'s mtime when the index was written: unchanged means no file was added, removed or renamed. */
  dirMtimeMs: number;
  count: number;
  entries: IndexEntry[];
  /** Ids whose image file was missing from results/ when the index was written. */
  missing: string[];
}

const ID = /^[a-z0-9]{8,40}$/;
const FLAGS = new Set(['none', 'pick', 'reject']);
/** A result's image is a plain file directly in results/ (never a path leading elsewhere). */
export const RESULT_FILE = /^results\/(?!\.\.?$)[^/\\]+$/;
export const isResultFile = (file: string): boolean => RESULT_FILE.test(file);

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string';

/**
 * A hand-written check, about 50x cheaper than the zod schema over 10,000 entries: it is what keeps
 * opening a big project fast. Anything off (one field of one entry) and the whole cache is rebuilt.
 */
export function isIndexEntry(v: unknown): v is IndexEntry {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  if (!isStr(e.id) || !ID.test(e.id)) return false;
  if (!isStr(e.file) || !RESULT_FILE.test(e.file) || !isStr(e.createdAt) || !isStr(e.modelId)) return false;
  if (!isStr(e.characterId) || !isStr(e.poseId)) return false;
  if (!isNum(e.width) || !isNum(e.height) || !isNum(e.t) || !isNum(e.m) || !isNum(e.s)) return false;
  if (!isNum(e.rating) || e.rating < 0 || e.rating > 5) return false;
  if (!isStr(e.flag) || !FLAGS.has(e.flag)) return false;
  if (!Array.isArray(e.tags) || !e.tags.every(isStr)) return false;
  if (e.seed !== null && !isNum(e.seed)) return false;
  if (e.cost !== null && !isNum(e.cost)) return false;
  if (e.batchId !== undefined && (!isStr(e.batchId) || !ID.test(e.batchId))) return false;
  if (e.text !== undefined && !isStr(e.text)) return false;
  if (e.cutFrom !== undefined) {
    const c = e.cutFrom as Record<string, unknown> | null;
    if (typeof c !== 'object' || c === null || !isStr(c.resultId) || !isNum(c.figureIndex)) return false;
  }
  return true;
}

/** The cache, or null when it is missing, unparsable, of another version or not the expected shape. */
export function parseIndexFile(text: string | null): IndexFile | null {
  if (text === null) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null) return null;
  const file = raw as Record<string, unknown>;
  if (file.format !== INDEX_FORMAT || file.version !== INDEX_VERSION) return null;
  if (!isNum(file.dirMtimeMs) || !Array.isArray(file.entries) || file.count !== file.entries.length)
    return null;
  if (!Array.isArray(file.missing) || !file.missing.every(isStr)) return null;
  for (const entry of file.entries) if (!isIndexEntry(entry)) return null;
  return file as unknown as IndexFile;
}

export function seedUsed(result: Result): number | null {
  const fromHeader = result.receipt.response.headers.seed;
  if (fromHeader !== undefined && fromHeader >= 0) return fromHeader;
  const sent = result.receipt.request.seed;
  return typeof sent === 'number' && Number.isSafeInteger(sent) && sent >= 0 ? sent : null;
}

/** The summary of one receipt, with the receipt file's mtime and size. */
export function entryOf(result: Result, stat: { mtimeMs: number; size: number }): IndexEntry {
  const entry: IndexEntry = {
    id: result.id,
    file: result.file,
    width: result.width,
    height: result.height,
    createdAt: result.createdAt,
    t: Date.parse(result.createdAt),
    modelId: result.modelId,
    characterId: result.characterId,
    poseId: result.poseId,
    rating: result.review.rating,
    flag: result.review.flag,
    tags: result.review.tags,
    seed: seedUsed(result),
    // A cut costs nothing: its parent's receipt (and cost) is only copied for reference.
    // A run's further pictures repeat its receipt's cost: it is counted once, on the first.
    cost: result.cutFrom || result.outputIndex ? 0 : (result.receipt.response.headers.cost ?? null),
    m: stat.mtimeMs,
    s: stat.size,
  };
  if (result.cutFrom) entry.cutFrom = result.cutFrom;
  else if (result.batchId) entry.batchId = result.batchId;
  const text = searchTextOf(result.receipt.request);
  if (text) entry.text = text;
  return entry;
}

/** How much of a receipt's prompts search looks at: far more than any prompt the models take. */
const MAX_SEARCH_TEXT = 4000;

/**
 * The words a request sent that a person searches by: every text field named like a prompt
 * (prompt, negative_prompt, and the other models' variants), in lower case. The prompt is composed
 * from the character's description and style words, so those are found too, as they were sent.
 */
export function searchTextOf(request: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(request))
    if (/prompt/i.test(key) && typeof value === 'string' && value.trim()) parts.push(value.trim());
  return parts.join('\n').toLowerCase().slice(0, MAX_SEARCH_TEXT);
}

/** Whole-second (or 2 s) timestamps cannot tell two changes in one second apart. */
export const hasFineMtime = (mtimeMs: number): boolean => mtimeMs % 1000 !== 0;
