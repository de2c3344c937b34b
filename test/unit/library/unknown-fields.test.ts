import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { keepUnknownFields } from '../../../src/library/unknown-fields';

const Item = z.object({ id: z.string(), name: z.string() });
const Doc = z.object({
  name: z.string(),
  note: z.string().optional(),
  items: z.array(Item).default([]),
  boxes: z.array(z.object({ x: z.number() })).default([]),
  meta: z.object({ rating: z.number() }).default({ rating: 0 }),
  params: z.record(z.string(), z.unknown()),
});

describe('keepUnknownFields', () => {
  it('puts back unknown fields at every level, matching array items by id', () => {
    const raw = {
      name: 'old',
      note: 'dropped on purpose',
      future: { a: 1 },
      items: [
        { id: 'b', name: 'B', colour: 'red' },
        { id: 'a', name: 'A', size: 3 },
      ],
      boxes: [{ x: 1, label: 'left' }],
      meta: { rating: 1, pinned: true },
      params: { seed: 1, extra: 'x' },
    };
    const value = {
      name: 'new',
      items: [
        { id: 'a', name: 'A2' },
        { id: 'c', name: 'C' },
      ],
      boxes: [{ x: 2 }],
      meta: { rating: 4 },
      params: { seed: 2 },
    };
    expect(keepUnknownFields(Doc, raw, value)).toEqual({
      name: 'new',
      future: { a: 1 },
      items: [
        { id: 'a', name: 'A2', size: 3 },
        { id: 'c', name: 'C' },
      ],
      // No ids: positions say nothing about which old box is which, so this app's boxes stand as they are.
      boxes: [{ x: 2 }],
      meta: { rating: 4, pinned: true },
      // A record's keys are all known: what this app saves is the whole record.
      params: { seed: 2 },
    });
  });

  it('answers the value itself when there is nothing to merge with', () => {
    const value = { name: 'n', items: [], boxes: [], meta: { rating: 0 }, params: {} };
    expect(keepUnknownFields(Doc, 'not an object', value)).toBe(value);
    expect(keepUnknownFields(Doc, [1, 2], value)).toBe(value);
  });

  it('carries an unknown field nested 200,000 deep over whole, without walking it', () => {
    const deep: unknown = JSON.parse(`${'['.repeat(200_000)}1${']'.repeat(200_000)}`);
    const merged = keepUnknownFields(
      Doc,
      { name: 'old', params: {}, future: deep },
      { name: 'new', params: {} },
    );
    expect(merged).toMatchObject({ name: 'new' });
    expect((merged as { future: unknown }).future).toBe(deep);
  });
});
