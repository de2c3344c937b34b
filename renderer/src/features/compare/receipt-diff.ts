/**
 * What differs between two results' receipts, field by field: the compare view's panel lists only these
 * rows and counts the rest as "the same". Pure, so the rules can be read and tested in one place.
 */
import type { Result } from '../../../../src/domain';
import type { ResultSummary } from '../../../../src/contract/calls/workspace';
import { getModel } from '../../../../src/models';

export interface DiffRow {
  /** Stable key ("seed", "param:steps"). */
  key: string;
  label: string;
  select: string;
  candidate: string;
}

export interface ReceiptDiff {
  rows: DiffRow[];
  /** How many compared fields hold the same value in both. */
  same: number;
}

/** The parts of a result the panel compares. */
export interface Comparable {
  result: Result;
  summary: ResultSummary;
}

const NONE = '—';

function show(value: unknown): string {
  if (value === undefined || value === null || value === '') return NONE;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function paramLabel(modelId: string, name: string): string {
  const field = getModel(modelId)?.fields.find((f) => f.name === name);
  if (field) return field.label;
  // A parameter this build's registry does not describe: its request name, made readable.
  const words = name.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export interface DiffFormat {
  credits(n: number): string;
  duration(ms: number): string;
  /** The day a result was made: results of one session are "the same" here, a different day is not. */
  date(iso: string): string;
}

interface Fact {
  label: string;
  /** As the person reads it. */
  value: string;
  /** What is compared, when it is coarser than the text (durations to the second: 0.1 s is noise). */
  compareAs?: string;
}

/** The facts both sides compare, each formatted for reading (so equal text means equal for the person). */
function facts(c: Comparable, format: DiffFormat): Map<string, Fact> {
  const { result, summary } = c;
  const headers = result.receipt.response.headers;
  const seedUsed = headers.seed ?? result.receipt.request.seed;
  const out = new Map<string, Fact>();
  out.set('character', { label: 'Character', value: summary.characterName ?? 'Deleted character' });
  out.set('pose', { label: 'Pose', value: summary.poseName ?? 'Deleted pose' });
  out.set('model', { label: 'Model', value: getModel(result.modelId)?.name ?? result.modelId });
  for (const [name, value] of Object.entries(result.receipt.request)) {
    // The sheet is compared as the pose; the seed sent as "Seed used" (what Segmind actually used).
    if (name === 'image' || name === 'seed') continue;
    out.set(`param:${name}`, { label: paramLabel(result.modelId, name), value: show(value) });
  }
  out.set('seed', { label: 'Seed used', value: show(seedUsed) });
  out.set('cost', {
    label: 'Cost',
    value: headers.cost === undefined ? NONE : `${format.credits(headers.cost)} credits`,
  });
  const durationMs = result.receipt.timings.durationMs;
  out.set('duration', {
    label: 'Duration',
    value: format.duration(durationMs),
    compareAs: String(Math.round(durationMs / 1000)),
  });
  out.set('date', { label: 'Made', value: format.date(result.createdAt) });
  return out;
}

export function diffReceipts(select: Comparable, candidate: Comparable, format: DiffFormat): ReceiptDiff {
  const a = facts(select, format);
  const b = facts(candidate, format);
  const rows: DiffRow[] = [];
  let same = 0;
  // In the select's order, then anything only the candidate has (another model's parameters).
  const keys = [...a.keys(), ...[...b.keys()].filter((k) => !a.has(k))];
  for (const key of keys) {
    const left = a.get(key);
    const right = b.get(key);
    const compared = (f: Fact | undefined) => f?.compareAs ?? f?.value ?? NONE;
    if (compared(left) === compared(right)) same += 1;
    else
      rows.push({
        key,
        label: left?.label ?? right?.label ?? key,
        select: left?.value ?? NONE,
        candidate: right?.value ?? NONE,
      });
  }
  return { rows, same };
}
