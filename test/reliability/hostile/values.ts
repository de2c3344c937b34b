/**
 * Hostile values for the contract fuzz: arbitrary values of every kind a renderer could send through IPC
 * (structured clone carries undefined, NaN, BigInt, Dates, Maps, typed arrays and cycles, not only JSON),
 * strings aimed at paths, ids, prompts and keys, and edge numbers. All drawn from a seeded Prng.
 */
import type { Prng } from '../common/prng';

export interface Sandbox {
  /** Absolute folders inside the suite's sandbox: the only absolute paths a write may be aimed at. */
  outside: string;
  project: string;
  root: string;
}

export function hostileStrings(s: Sandbox): string[] {
  return [
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '..',
    '.',
    '/',
    '//',
    '../../../../etc/passwd',
    '..\\..\\windows\\system32',
    'results/../../outside/canary.jpg',
    'poses/../../../outside',
    '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '%252e%252e%252f',
    'C:\\Windows\\win.ini',
    '\\\\server\\share\\x',
    'con',
    'NUL.txt',
    'aux:stream',
    '/etc/passwd',
    '/proc/self/environ',
    '/proc/ccstudio-no-such-place/x',
    '/dev/zero',
    '/dev/null',
    `${s.outside}/canary.jpg`,
    `${s.outside}/canary.json`,
    `${s.outside}/pipe.png`,
    `${s.outside}`,
    `${s.outside}/../outside/link-up`,
    `${s.project}`,
    `${s.project}/results`,
    `${s.project}/.studio`,
    `${s.project}/project.json`,
    `${s.root}/cwd/new folder`,
    'relative/folder',
    'x'.repeat(5000),
    'x'.repeat(70_000),
    '💥'.repeat(2000),
    '\ud800',
    '\udfff\ud800',
    '\u202eevil.png',
    'e\u0301',
    '\r\n\t',
    'SG_0123456789abcdef',
    'SG_' + 'a'.repeat(300),
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    '${process.exit(1)}',
    '<img src=x onerror=alert(1)>',
    "'; DROP TABLE results; --",
    'javascript:alert(1)',
    'file:///etc/passwd',
    'http://127.0.0.1:1/',
    'https://evil.example/v1',
    'http://user:pass@127.0.0.1/',
    '0mx2yaaaaaaaaaaaa',
    '0MX2YAAAAAAAAAAAA',
    'a'.repeat(41),
    'abcdefg',
    '00000000',
    'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz',
    '-1',
    '1e309',
    'NaN',
    'true',
    'null',
    '{}',
    '#ggg',
    '#fff',
    'karras',
    'consistent-character-ai-neolemon',
    'original',
    'png',
    'newest',
    'sheet',
  ];
}

export const HOSTILE_NUMBERS: readonly number[] = [
  0,
  -0,
  1,
  -1,
  0.5,
  -0.5,
  2,
  5,
  6,
  20,
  64,
  65,
  100,
  101,
  1000,
  20_000,
  20_001,
  1e308,
  -1e308,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  2 ** 53 + 2,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  Number.EPSILON,
  4898558797,
];

function deep(depth: number, kind: 'array' | 'object'): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = kind === 'array' ? [value] : { a: value };
  return value;
}

function cyclic(): unknown {
  const a: Record<string, unknown> = { name: 'loop' };
  a.self = a;
  a.list = [a];
  return a;
}

/** A value of any kind, `depth` levels at most. */
export function anyValue(rng: Prng, s: Sandbox, depth = 2): unknown {
  const kind = rng.int(0, 21);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return undefined;
    case 2:
      return rng.chance(0.5);
    case 3:
    case 4:
      return rng.pick(HOSTILE_NUMBERS);
    case 5:
    case 6:
    case 7:
      return rng.pick(hostileStrings(s));
    case 8:
      return BigInt(rng.int(-5, 5));
    case 9:
      return new Date(rng.pick([0, Number.NaN, 8.64e15, Date.now()]));
    case 10:
      return rng.pick([
        /x/g,
        new Map([[1, 2]]),
        new Set(['a']),
        new Uint8Array(rng.int(0, 64)),
        new ArrayBuffer(8),
        new Float64Array([Number.NaN]),
      ]);
    case 11:
      return Object.create(null) as object;
    case 12:
      return JSON.parse(
        '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}',
      ) as unknown;
    case 13:
      return deep(rng.pick([50, 1000, 20_000]), rng.chance(0.5) ? 'array' : 'object');
    case 14:
      return cyclic();
    case 15:
      return new Array(rng.pick([0, 1, 65, 1001, 30_000])).fill(rng.pick([1, 'a', null, {}]));
    case 16: {
      const sparse: unknown[] = [];
      sparse[rng.int(1, 5000)] = 'x';
      return sparse;
    }
    case 17:
      return depth <= 0 ? [] : Array.from({ length: rng.int(0, 4) }, () => anyValue(rng, s, depth - 1));
    default: {
      if (depth <= 0) return {};
      const out: Record<string, unknown> = {};
      for (let i = rng.int(0, 4); i > 0; i--)
        out[rng.pick(['id', 'name', 'dir', 'file', 'path', 'ids', 'x', '', '__proto__', 'then'])] = anyValue(
          rng,
          s,
          depth - 1,
        );
      return out;
    }
  }
}

/** JSON text of anything (BigInt, cycles and all), as a string-typed hostile value. */
function asText(value: unknown): string {
  try {
    return (
      JSON.stringify(value ?? null, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) ?? 'null'
    );
  } catch {
    return String(value);
  }
}

/** A plain copy of a template (templates are JSON-like), safe to mutate. */
export const clone = <T>(value: T): T => structuredClone(value);

type Container = Record<string, unknown> | unknown[];
interface Slot {
  parent: Container | null;
  key: string | number;
  value: unknown;
}

/** Every place in a JSON-like value (the root is the slot with parent null). */
function slots(root: unknown): Slot[] {
  const out: Slot[] = [{ parent: null, key: '', value: root }];
  const visit = (value: unknown, depth: number) => {
    if (depth > 6 || value === null || typeof value !== 'object') return;
    // Into plain objects and arrays only: a Map, a Date or a typed array is one hostile value as it is.
    const proto: unknown = Object.getPrototypeOf(value);
    if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return;
    if (Array.isArray(value)) {
      value.forEach((v, i) => {
        out.push({ parent: value, key: i, value: v });
        visit(v, depth + 1);
      });
      return;
    }
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out.push({ parent: value as Record<string, unknown>, key: k, value: v });
      visit(v, depth + 1);
    }
  };
  visit(root, 0);
  return out;
}

const ID_KEYS = /(^id$|Id$|^ids$|Ids$|^imageId$|^resultId$)/;
const PATH_KEYS = /^(dir|file|path)$/;

/**
 * One mutation of `input` (a valid input of some call): a field replaced by a hostile value of a kind
 * chosen for its name (paths get paths, ids get ids), removed, duplicated, an extra field added, or the
 * whole input swapped. `ids` are real ids of other kinds from the project, for cross-kind confusion.
 */
export function mutate(rng: Prng, s: Sandbox, input: unknown, ids: readonly string[]): unknown {
  let root: unknown;
  try {
    root = clone(input);
  } catch {
    return [input, anyValue(rng, s, 1)]; // too deep to copy: wrap it instead
  }
  const places = slots(root);
  const slot = rng.pick(places);
  const replace = (next: unknown): unknown => {
    if (!slot.parent) return next;
    (slot.parent as Record<string | number, unknown>)[slot.key] = next;
    return root;
  };
  const keyName = typeof slot.key === 'string' ? slot.key : '';
  const strategy = rng.int(0, 11);
  switch (strategy) {
    case 0:
    case 1:
      if (PATH_KEYS.test(keyName)) return replace(rng.pick(hostileStrings(s)));
      if (ID_KEYS.test(keyName)) {
        const asList = Array.isArray(slot.value);
        const id = rng.chance(0.5) && ids.length ? rng.pick(ids) : rng.pick(hostileStrings(s));
        return replace(asList ? [id] : id);
      }
      return replace(anyValue(rng, s));
    case 2:
      if (typeof slot.value === 'string') return replace(rng.pick(hostileStrings(s)));
      if (typeof slot.value === 'number') return replace(rng.pick(HOSTILE_NUMBERS));
      return replace(anyValue(rng, s, 1));
    case 3:
      if (slot.parent && !Array.isArray(slot.parent)) {
        delete slot.parent[slot.key as string];
        return root;
      }
      return replace(undefined);
    case 4: {
      const target = places.filter(
        (p) => p.value !== null && typeof p.value === 'object' && !Array.isArray(p.value),
      );
      const obj = (target.length ? rng.pick(target).value : root) as Record<string, unknown>;
      if (obj === null || typeof obj !== 'object') return replace({ extra: 1 });
      obj[rng.pick(['extra', '__proto__', 'constructor', 'then', 'toJSON', 'key', 'dir'])] = anyValue(
        rng,
        s,
        1,
      );
      return root;
    }
    case 5:
      if (Array.isArray(slot.value) && slot.value.length > 0) {
        return replace(new Array(rng.pick([2, 65, 1001, 10_001, 20_001])).fill(slot.value[0]));
      }
      return replace([slot.value]);
    case 6:
      if (typeof slot.value === 'string')
        return replace(slot.value.repeat(rng.pick([2, 100, 5000])).slice(0, 300_000));
      if (typeof slot.value === 'number') return replace(String(slot.value));
      return replace(asText(slot.value));
    case 7:
      return replace(
        slot.value === null || slot.value === undefined
          ? 0
          : typeof slot.value === 'object'
            ? String(slot.value)
            : { value: slot.value },
      );
    case 8:
      return rng.chance(0.5) ? [root] : asText(root);
    case 9:
      if (typeof slot.value === 'number') return replace(slot.value + rng.pick([-1, 1, 0.5, 1e6]));
      return replace(rng.pick(HOSTILE_NUMBERS));
    case 10:
      // A real id of another kind where this one belongs.
      if (ids.length) return replace(rng.pick(ids));
      return replace(anyValue(rng, s));
    default:
      return anyValue(rng, s, 3);
  }
}
