/**
 * Security checks (issue 9): no API key, and none of the canary keys the leak tests use, is ever part of
 * the build output. The leak tests (test/integration/segmind/key-never-leaks.test.ts,
 * test/integration/generation/key-never-leaks.test.ts) prove a key given at run time reaches nothing but
 * the x-api-key header; this proves none was baked in at build time: every file under dist/ (bundles,
 * source maps, the renderer's assets) and, when present, every file under test-results/ (screenshots and
 * the logs beside them) is searched, as UTF-8/Latin-1 and as UTF-16, for
 *   - anything shaped like a Segmind key (SEGMIND_KEY_PATTERN, "SG_" + 16 hex: this also covers the
 *     random canary of the generation test, and the fixed keys every other test types in);
 *   - every canary literal written in the tests ("SG_" + 16 hex, or "canary-..."), harvested from test/.
 *
 * Reads dist/: `npm test` builds before the unit tests; alone, run `npm run build` first. test-results/
 * is not in git: on a fresh clone (CI) only dist/ is searched.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SEGMIND_KEY_PATTERN } from '../../../src/secrets/secret-store';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');

function filesUnder(dir: string, test: (name: string) => boolean = () => true): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** SEGMIND_KEY_PATTERN without its anchors: a key anywhere in a text. */
const KEY_SHAPE = new RegExp(SEGMIND_KEY_PATTERN.source.replace(/^\^/, '').replace(/\$$/, ''), 'gi');

/** The canary literals in the tests: quoted "SG_" + 16 hex, and quoted "canary-..." names. */
function harvestCanaries(): string[] {
  const found = new Set<string>();
  for (const file of filesUnder(join(ROOT, 'test'), (name) => /\.(ts|tsx|js|mjs|cjs)$/.test(name))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/['"`](SG_[0-9a-fA-F]{16}|canary-[A-Za-z0-9_-]{3,})['"`]/g))
      found.add(m[1]!);
  }
  return [...found].sort();
}

const CANARIES = harvestCanaries();

/** What of the needles is in these bytes, read as UTF-8/Latin-1 and as UTF-16LE at both alignments. */
function canariesIn(bytes: Buffer): string[] {
  const hits = new Set<string>();
  const texts = [bytes.toString('latin1'), bytes.toString('utf16le'), bytes.subarray(1).toString('utf16le')];
  for (const text of texts) {
    for (const m of text.matchAll(KEY_SHAPE)) hits.add(m[0]);
    for (const canary of CANARIES) if (text.includes(canary)) hits.add(canary);
  }
  return [...hits];
}

describe('canary keys never appear in build output', () => {
  it('knows the canaries the leak tests use, and finds them in every encoding', () => {
    expect(CANARIES).toEqual(expect.arrayContaining(['SG_0badc0de5ca1ab1e', 'canary-7f3a9e-Q']));
    expect(canariesIn(Buffer.from('x canary-7f3a9e-Q y', 'utf16le'))).toEqual(['canary-7f3a9e-Q']);
    expect(canariesIn(Buffer.from('\0key="SG_0badc0de5ca1ab1e"', 'utf16le'))).toEqual([
      'SG_0badc0de5ca1ab1e',
    ]);
    // The generation test's canary is random: the shape catches any such key.
    expect(canariesIn(Buffer.from('{"k":"SG_9f8e7d6c5b4a3210"}'))).toEqual(['SG_9f8e7d6c5b4a3210']);
    // What the app legitimately ships about keys is not a key.
    expect(canariesIn(Buffer.from('/^SG_[0-9a-f]{16}$/i "SG_…" SG_[redacted]'))).toEqual([]);
  });

  it('is in no file under dist/', () => {
    const dist = join(ROOT, 'dist');
    if (!existsSync(join(dist, 'renderer', 'index.html')) || !existsSync(join(dist, 'main', 'main.cjs'))) {
      throw new Error(
        'dist/ is missing or incomplete: run `npm run build` first (npm test builds before it tests).',
      );
    }
    const files = filesUnder(dist);
    expect(
      files.some((f) => f.endsWith('.map')),
      'source maps are searched too',
    ).toBe(true);
    const leaks = files
      .map((file) => ({ file: relative(ROOT, file), found: canariesIn(readFileSync(file)) }))
      .filter((r) => r.found.length > 0);
    expect(leaks).toEqual([]);
  });

  it('is in no file under test-results/ (screenshots and the logs beside them), when there are any', () => {
    const files = filesUnder(join(ROOT, 'test-results'));
    const leaks = files
      .map((file) => ({ file: relative(ROOT, file), found: canariesIn(readFileSync(file)) }))
      .filter((r) => r.found.length > 0);
    expect(leaks).toEqual([]);
  });
});
