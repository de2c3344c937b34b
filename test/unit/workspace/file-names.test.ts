import { describe, expect, it } from 'vitest';
import { humanStem, sanitizeFileName, uniqueStem } from '../../../src/library/workspace';
import { localDate } from '../../../src/library/workspace/export';
import type { Result } from '../../../src/domain';

describe('sanitizeFileName: safe on Windows, macOS and Linux', () => {
  it.each([
    ['Mira: the pilot?', 'Mira the pilot'],
    ['a/b\\c|d*e"f<g>h', 'a b c d e f g h'],
    ['tab\there\nnewline\u0000nul', 'tab here newline nul'],
    ['  .hidden  ', 'hidden'],
    ['ends with dots...', 'ends with dots'],
    ['CON', '_CON'],
    ['lpt1.txt', '_lpt1.txt'],
    ['com1 - figure', 'com1 - figure'],
    ['', 'untitled'],
    ['???', 'untitled'],
    ['Läufer – 走る', 'Läufer – 走る'],
  ])('%j -> %j', (input, expected) => {
    expect(sanitizeFileName(input)).toBe(expected);
  });

  it('normalises to NFC, so the same name from macOS and Linux is one name', () => {
    expect(sanitizeFileName('Cafe\u0301')).toBe('Caf\u00e9');
  });

  it('caps the length in UTF-8 bytes without splitting a character', () => {
    const long = '走'.repeat(200); // 3 bytes each
    const name = sanitizeFileName(long);
    expect(Buffer.byteLength(name, 'utf8')).toBeLessThanOrEqual(180);
    expect(name).toBe('走'.repeat(60));
    expect(sanitizeFileName('a'.repeat(300))).toHaveLength(180);
  });
});

describe('uniqueStem', () => {
  it('adds (2), (3)... until every extension is free, case-insensitively, and reserves them', () => {
    const taken = new Set(['mira.jpg', 'mira (2).json']);
    expect(uniqueStem('Mira', ['jpg', 'json'], taken)).toBe('Mira (3)');
    expect(uniqueStem('MIRA', ['png'], taken)).toBe('MIRA');
    expect(uniqueStem('mira', ['png'], taken)).toBe('mira (2)');
    expect(taken.has('mira (3).json')).toBe(true);
  });
});

describe('humanStem', () => {
  const result = (over: Partial<Result>): Result =>
    ({
      id: 'abcdefgh12',
      createdAt: '2025-01-31T12:00:00.000Z',
      receipt: { request: { seed: 12 }, response: { headers: { seed: 4898558797 } } },
      ...over,
    }) as unknown as Result;

  it('names character, pose, local date and the seed used', () => {
    expect(humanStem(result({}), 'Mira', 'Arms up')).toBe(
      `Mira - Arms up - ${localDate('2025-01-31T12:00:00.000Z')} - seed 4898558797`,
    );
  });
  it('says which figure a cut is and copes with unknown names', () => {
    const cut = result({
      cutFrom: { resultId: 'abcdefgh13', figureIndex: 2, box: { x: 0, y: 0, width: 1, height: 1 } },
    });
    expect(humanStem(cut, null, null)).toMatch(
      /^Unknown character - Unknown pose - .* - seed 4898558797 - figure 3$/,
    );
  });
});
