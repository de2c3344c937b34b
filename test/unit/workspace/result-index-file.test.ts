import { describe, expect, it } from 'vitest';
import {
  entryOf,
  hasFineMtime,
  isIndexEntry,
  parseIndexFile,
  type IndexEntry,
} from '../../../src/library/workspace/result-index-file';
import type { Result } from '../../../src/domain';

const entry = (over: Partial<IndexEntry> = {}): IndexEntry => ({
  id: 'abcdefgh12',
  file: 'results/abcdefgh12.jpg',
  width: 10,
  height: 10,
  createdAt: '2025-01-01T00:00:00.000Z',
  t: Date.parse('2025-01-01T00:00:00.000Z'),
  modelId: 'm',
  characterId: 'character1',
  poseId: 'posepose1',
  rating: 3,
  flag: 'pick',
  tags: ['a'],
  seed: 42,
  cost: 0.13,
  m: 1700000000000.5,
  s: 1234,
  ...over,
});

const file = (entries: unknown[], over: object = {}) =>
  JSON.stringify({
    format: 'ccstudio-results-index',
    version: 1,
    dirMtimeMs: 1.5,
    count: entries.length,
    entries,
    missing: [],
    ...over,
  });

describe('the index file', () => {
  it('accepts a well-formed cache', () => {
    expect(
      parseIndexFile(
        file([
          entry(),
          entry({
            id: 'abcdefgh13',
            cutFrom: { resultId: 'abcdefgh12', figureIndex: 0, box: { x: 0, y: 0, width: 1, height: 1 } },
          }),
        ]),
      )?.count,
    ).toBe(2);
  });

  it.each([
    ['missing', null],
    ['not JSON', '{"format":'],
    ['another format', file([], { format: 'x' })],
    ['a newer version', file([], { version: 2 })],
    ['a count that disagrees', file([entry()], { count: 2 })],
    ['no missing list', file([], { missing: undefined })],
  ])('is rebuilt when %s', (_why, text) => {
    expect(parseIndexFile(text as string | null)).toBeNull();
  });

  it.each([
    ['a bad id', { id: '../x' }],
    ['an image path outside results/', { file: 'results/../../etc/passwd' }],
    ['an image path in a subfolder', { file: 'results/a/b.jpg' }],
    ['an image path elsewhere', { file: '/etc/passwd' }],
    ['a rating out of range', { rating: 6 }],
    ['an unknown flag', { flag: 'maybe' }],
    ['a tag that is not text', { tags: [1] }],
    ['a seed that is text', { seed: '42' }],
    ['no mtime', { m: undefined }],
  ])('distrusts the whole cache for one entry with %s', (_why, over) => {
    expect(isIndexEntry({ ...entry(), ...over })).toBe(false);
    expect(parseIndexFile(file([entry({ id: 'abcdefgh99' }), { ...entry(), ...over }]))).toBeNull();
  });

  it('records the seed used (header first), and no cost for cuts', () => {
    const result = (headers: object, request: object, cut = false) =>
      ({
        id: 'abcdefgh12',
        file: 'results/abcdefgh12.jpg',
        width: 1,
        height: 1,
        createdAt: '2025-01-01T00:00:00.000Z',
        modelId: 'm',
        characterId: 'character1',
        poseId: 'posepose1',
        review: { rating: 0, flag: 'none', tags: [] },
        receipt: { request, response: { headers } },
        ...(cut
          ? { cutFrom: { resultId: 'abcdefgh11', figureIndex: 0, box: { x: 0, y: 0, width: 1, height: 1 } } }
          : {}),
      }) as unknown as Result;
    const stat = { mtimeMs: 1, size: 2 };
    expect(entryOf(result({ seed: 4898558797, cost: 0.2 }, { seed: -1 }), stat)).toMatchObject({
      seed: 4898558797,
      cost: 0.2,
    });
    expect(entryOf(result({}, { seed: 7 }), stat)).toMatchObject({ seed: 7, cost: null });
    expect(entryOf(result({}, { seed: -1 }), stat)).toMatchObject({ seed: null });
    expect(entryOf(result({ cost: 0.13 }, {}, true), stat)).toMatchObject({ cost: 0 });
  });

  it('trusts only sub-second folder times', () => {
    expect(hasFineMtime(1700000000123.456)).toBe(true);
    expect(hasFineMtime(1700000001000)).toBe(false);
  });
});
