import { describe, expect, it } from 'vitest';
import { validateKeyShape } from '../../../src/secrets/secret-store';

describe('validateKeyShape', () => {
  it('accepts SG_ + 16 hex digits, trimming a pasted newline', () => {
    expect(validateKeyShape('  SG_0123456789abcdef\n')).toEqual({
      ok: true,
      key: 'SG_0123456789abcdef',
      shape: 'segmind',
    });
    expect(validateKeyShape('SG_0123456789ABCDEF')).toMatchObject({ ok: true, shape: 'segmind' });
  });

  it('accepts other printable shapes with a warning that does not repeat the key', () => {
    const result = validateKeyShape('SG_0123456789abcdef0123');
    expect(result).toMatchObject({ ok: true, shape: 'unusual' });
    if (result.ok && result.shape === 'unusual') expect(result.warning).not.toContain('0123456789abcdef0123');
    expect(validateKeyShape('sk-live-abcdefgh')).toMatchObject({ ok: true, shape: 'unusual' });
  });

  it('refuses what cannot go into an HTTP header, and never echoes it', () => {
    for (const bad of [
      '',
      '   ',
      'SG_1',
      'SG_0123\n456789abcdef',
      'SG_0123 456789abcdef',
      'SG_0123456789abcdé',
      'x'.repeat(257),
    ]) {
      const result = validateKeyShape(bad);
      expect(result.ok).toBe(false);
      if (!result.ok && bad.trim().length > 0) expect(result.reason).not.toContain(bad.trim());
    }
  });
});
