/**
 * Checks form values against a model's field specs and turns them into the values the request carries.
 * Messages are written to sit under the field in a form ("Enter a whole number from 1 to 100.").
 *
 * Forms hand over text, so numbers may arrive as numeric strings; they are converted here, once. Values
 * that are not parameters of the model are reported rather than dropped: a misspelt key would otherwise
 * be silently replaced by the server's default on a paid request.
 */
import { enumTables } from './enums';
import type {
  BooleanFieldSpec,
  EnumFieldSpec,
  FloatFieldSpec,
  IntFieldSpec,
  ModelParams,
  ModelSpec,
  ParamFieldSpec,
  ParamValue,
  StringFieldSpec,
} from './field-spec';
import { isParamField } from './field-spec';

export interface ParamIssue {
  readonly field: string;
  readonly message: string;
}

export type ValidateParamsResult =
  | { readonly ok: true; readonly values: ModelParams }
  | { readonly ok: false; readonly issues: readonly ParamIssue[] };

type FieldCheck = { value: ParamValue } | { message: string } | { absent: true };

export function validateParams(
  model: ModelSpec,
  values: Readonly<Record<string, unknown>>,
): ValidateParamsResult {
  const issues: ParamIssue[] = [];
  const out: ModelParams = {};
  const known = new Set<string>();

  for (const field of model.fields) {
    known.add(field.name);
    if (!isParamField(field)) {
      if (Object.hasOwn(values, field.name)) {
        issues.push({
          field: field.name,
          message: `${field.label} comes from the chosen picture, not from a value.`,
        });
      }
      continue;
    }
    const raw = Object.hasOwn(values, field.name) ? values[field.name] : undefined;
    const check = checkField(field, raw);
    if ('value' in check) out[field.name] = check.value;
    else if ('message' in check) issues.push({ field: field.name, message: check.message });
    else if (field.required) issues.push({ field: field.name, message: `${field.label} is required.` });
    else out[field.name] = field.default; // optional: send the default so the receipt shows what was used
  }

  for (const key of Object.keys(values)) {
    if (!known.has(key))
      issues.push({ field: key, message: `${model.name} has no setting called “${key}”.` });
  }

  return issues.length > 0 ? { ok: false, issues } : { ok: true, values: out };
}

function checkField(field: ParamFieldSpec, raw: unknown): FieldCheck {
  switch (field.type) {
    case 'string':
      return checkString(field, raw);
    case 'int':
      return checkInt(field, raw);
    case 'float':
      return checkFloat(field, raw);
    case 'enum':
      return checkEnum(field, raw);
    case 'boolean':
      return checkBoolean(field, raw);
  }
}

/** A JSON boolean, or the text a form or a command line hands over ("true"/"false"). */
function checkBoolean(field: BooleanFieldSpec, raw: unknown): FieldCheck {
  if (raw === undefined || raw === null || raw === '') return { absent: true };
  if (typeof raw === 'boolean') return { value: raw };
  if (raw === 'true' || raw === 'false') return { value: raw === 'true' };
  return { message: `${field.label} must be on or off.` };
}

function checkString(field: StringFieldSpec, raw: unknown): FieldCheck {
  if (raw === undefined || raw === null) return { absent: true };
  if (typeof raw !== 'string') return { message: `${field.label} must be text.` };
  // An all-blank prompt is as good as none; the text itself is sent as written.
  if (raw.trim() === '')
    return field.required ? { message: `${field.label} cannot be empty.` } : { absent: true };
  return { value: raw };
}

/** Numbers, or text that is plainly a decimal number (no hex, no "Infinity", no empty string). */
const NUMERIC_TEXT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function toNumber(raw: unknown): number | 'absent' | 'not-a-number' {
  if (raw === undefined || raw === null) return 'absent';
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : 'not-a-number';
  if (typeof raw === 'string') {
    const text = raw.trim();
    if (text === '') return 'absent';
    return NUMERIC_TEXT.test(text) ? Number(text) : 'not-a-number';
  }
  return 'not-a-number';
}

function checkInt(field: IntFieldSpec, raw: unknown): FieldCheck {
  const n = toNumber(raw);
  if (n === 'absent') return { absent: true };
  if (field.special !== undefined && n === field.special.value) return { value: n };
  const expected = describeRange(field, 'a whole number');
  if (n === 'not-a-number' || !Number.isInteger(n)) return { message: expected };
  // Beyond 2^53 a number can no longer be told from its neighbours, so the value would change on the way.
  if (!Number.isSafeInteger(n)) return { message: `${field.label} is too large. ${expected}` };
  if ((field.min !== undefined && n < field.min) || (field.max !== undefined && n > field.max)) {
    return { message: expected };
  }
  return { value: n };
}

function checkFloat(field: FloatFieldSpec, raw: unknown): FieldCheck {
  const n = toNumber(raw);
  if (n === 'absent') return { absent: true };
  const expected = describeRange(field, 'a number');
  if (n === 'not-a-number') return { message: expected };
  if ((field.min !== undefined && n < field.min) || (field.max !== undefined && n > field.max)) {
    return { message: expected };
  }
  return { value: n };
}

function checkEnum(field: EnumFieldSpec, raw: unknown): FieldCheck {
  if (raw === undefined || raw === null || raw === '') return { absent: true };
  const allowed: readonly string[] = enumTables[field.table];
  if (typeof raw !== 'string' || !allowed.includes(raw)) {
    return { message: `Choose one of the listed values for ${field.label.toLowerCase()}.` };
  }
  return { value: raw };
}

function describeRange(field: IntFieldSpec | FloatFieldSpec, kind: string): string {
  const fmt = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 6 });
  const { min, max } = field;
  let text: string;
  if (min !== undefined && max !== undefined) text = `Enter ${kind} from ${fmt(min)} to ${fmt(max)}`;
  else if (min !== undefined) text = `Enter ${kind} of at least ${fmt(min)}`;
  else if (max !== undefined) text = `Enter ${kind} of at most ${fmt(max)}`;
  else text = `Enter ${kind}`;
  const special = field.type === 'int' ? field.special : undefined;
  return special !== undefined ? `${text}, or ${special.value} for ${special.meaning}.` : `${text}.`;
}
