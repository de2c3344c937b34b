/**
 * Security checks (issue 9): the built renderer runs under a Content-Security-Policy with at least
 * script-src 'self', no 'unsafe-eval' anywhere, and object-src 'none'.
 *
 * The app sends its CSP as a response header, not as a meta tag: every app://bundle/ response comes from
 * main/app-protocol.ts with the header, and main/security.ts's onHeadersReceived puts it on again
 * (withCsp). So this checks the policy itself, the real app:// handler serving the real built
 * dist/renderer (the header is on the page and its script), withCsp, that the built main bundle carries
 * the same directives (not a stale build), and the built index.html: a meta CSP, if it ever has one, must
 * meet the same bar, and the page must work under the policy (no inline script or inline handler, which
 * script-src 'self' blocks; scripts only from the bundle itself).
 *
 * Reads dist/: `npm test` builds before the unit tests; alone, run `npm run build` first.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
vi.mock('electron', async () => (await import('../main/electron-fake')).createElectronFake());

import { createAppProtocolHandler } from '../../../main/app-protocol';
import { CONTENT_SECURITY_POLICY, withCsp } from '../../../main/security';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const RENDERER_DIR = join(ROOT, 'dist', 'renderer');

function readBuilt(...path: string[]): string {
  const file = join(ROOT, 'dist', ...path);
  if (!existsSync(file)) {
    throw new Error(
      `dist/${path.join('/')} is missing: run \`npm run build\` first (npm test builds before it tests).`,
    );
  }
  return readFileSync(file, 'utf8');
}

type Policy = Map<string, string[]>;

function parsePolicy(text: string): Policy {
  const policy: Policy = new Map();
  for (const part of text.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (!name) continue;
    // The first occurrence of a directive wins; browsers ignore repeats.
    if (!policy.has(name.toLowerCase())) policy.set(name.toLowerCase(), sources);
  }
  return policy;
}

/** What a policy gets wrong against the bar; empty when it meets it. */
function problemsWith(text: string): string[] {
  const policy = parsePolicy(text);
  const problems: string[] = [];
  const scripts = policy.get('script-src') ?? policy.get('default-src');
  if (!scripts) problems.push('no script-src (and no default-src): scripts from anywhere');
  else {
    if (!scripts.includes("'self'")) problems.push(`script-src lacks 'self': ${scripts.join(' ')}`);
    for (const bad of ["'unsafe-inline'", "'unsafe-eval'", '*', 'data:', 'http:', 'https:']) {
      if (scripts.includes(bad)) problems.push(`script-src allows ${bad}`);
    }
  }
  for (const [name, sources] of policy) {
    if (sources.includes("'unsafe-eval'")) problems.push(`${name} allows 'unsafe-eval'`);
  }
  const objects = policy.get('object-src') ?? policy.get('default-src');
  if (objects?.join(' ') !== "'none'")
    problems.push(`object-src is not 'none': ${objects?.join(' ') ?? '(unset)'}`);
  return problems;
}

const metaPolicies = (html: string): string[] =>
  [...html.matchAll(/<meta\b[^>]*>/gi)]
    .map((m) => m[0])
    .filter((tag) => /http-equiv\s*=\s*["']?content-security-policy/i.test(tag))
    .map((tag) => /content\s*=\s*"([^"]*)"|content\s*=\s*'([^']*)'/i.exec(tag))
    .map((m) => (m ? (m[1] ?? m[2] ?? '') : ''));

describe('the Content-Security-Policy', () => {
  it('meets the bar: script-src self (no inline, no eval), object-src none', () => {
    expect(problemsWith(CONTENT_SECURITY_POLICY)).toEqual([]);
    // The checker itself catches what it should.
    expect(problemsWith("default-src 'self'; script-src 'self' 'unsafe-eval'; object-src 'none'")).toContain(
      "script-src allows 'unsafe-eval'",
    );
    expect(problemsWith("default-src 'self'")).toEqual(["object-src is not 'none': 'self'"]);
    expect(problemsWith("script-src 'self'; style-src 'unsafe-eval'; object-src 'none'")).toEqual([
      "style-src allows 'unsafe-eval'",
    ]);
  });

  it('is on the built page and its script as served by app:// (the real handler, the real dist/renderer)', async () => {
    const html = readBuilt('renderer', 'index.html');
    const handler = createAppProtocolHandler(RENDERER_DIR);
    const page = await handler({ url: 'app://bundle/index.html', method: 'GET' });
    expect(page.status).toBe(200);
    expect(await page.text()).toBe(html);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);

    const scripts = [...html.matchAll(/<script\b[^>]*\bsrc\s*=\s*["']([^"']+)["']/gi)].map((m) => m[1]!);
    expect(scripts.length, 'the built page loads its bundle').toBeGreaterThan(0);
    for (const src of scripts) {
      const res = await handler({ url: new URL(src, 'app://bundle/index.html').toString(), method: 'GET' });
      expect(res.status, src).toBe(200);
      expect(res.headers.get('content-security-policy'), src).toBe(CONTENT_SECURITY_POLICY);
    }
    // A client-side route gets the same page, with the same header.
    const route = await handler({ url: 'app://bundle/results', method: 'GET' });
    expect(route.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });

  it('replaces whatever CSP a response had, in the session hook (withCsp)', () => {
    const headers = withCsp({
      'content-security-policy': ["script-src * 'unsafe-eval'"],
      'CONTENT-SECURITY-POLICY': 'object-src *',
      'content-type': 'text/html',
    });
    const csp = Object.entries(headers).filter(([name]) => name.toLowerCase() === 'content-security-policy');
    expect(csp).toEqual([['Content-Security-Policy', [CONTENT_SECURITY_POLICY]]]);
    expect(headers['content-type']).toEqual(['text/html']);
  });

  it('is what the built main bundle sends (dist/main/main.cjs is not older than main/security.ts)', () => {
    const bundle = readBuilt('main', 'main.cjs');
    for (const directive of CONTENT_SECURITY_POLICY.split('; ')) {
      expect(bundle.includes(directive), `dist/main/main.cjs lacks "${directive}"`).toBe(true);
    }
  });

  it('fits the built index.html: any meta CSP meets the bar; no inline script; scripts only from the bundle', () => {
    const html = readBuilt('renderer', 'index.html');
    // No meta tag today: the header is the policy. One added later must not be weaker.
    for (const meta of metaPolicies(html)) expect(problemsWith(meta), `meta CSP "${meta}"`).toEqual([]);

    const inline = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)].filter(
      ([, attributes, body]) => !/\bsrc\s*=/i.test(attributes!) || body!.trim() !== '',
    );
    expect(
      inline.map((m) => m[0].slice(0, 80)),
      "inline scripts (script-src 'self' blocks them)",
    ).toEqual([]);
    expect(html.match(/\son[a-z]+\s*=/gi) ?? [], 'inline event handlers').toEqual([]);
    const remote = [...html.matchAll(/\b(?:src|href)\s*=\s*["']((?:[a-z][a-z0-9+.-]*:)?\/\/[^"']*)["']/gi)];
    expect(
      remote.map((m) => m[1]),
      'resources from another origin',
    ).toEqual([]);
  });
});
