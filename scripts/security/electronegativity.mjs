#!/usr/bin/env node
/**
 * Security checks, part 1 (issue 9): runs Doyensec's electronegativity over the Electron main-process
 * sources (main/) and over the built app (dist/main + dist/renderer), prints every finding grouped by
 * severity with what was done about it, and exits non-zero if any finding is neither fixed nor justified.
 *
 *   node scripts/security/electronegativity.mjs          (needs `npm run build` first, for dist/)
 *
 * The tool is resolved from the repo's node_modules (devDependency @doyensec/electronegativity), else from
 * ELECTRONEGATIVITY_DIR (the package folder, or a folder whose node_modules holds it).
 *
 * A finding counts as justified when
 *   - the source line carries an `eng-disable <CHECK>` comment (the tool's own annotation; it then drops the
 *     finding itself). This script also scans a copy with the annotations neutralised, so that such findings
 *     are still listed, as "justified in place", with the comment above them as the reason; or
 *   - scripts/security/justified.json lists it: { check, file, reason, lineContains? } (for the bundles in
 *     dist/, where esbuild drops comments). An entry that matches nothing is an error (stale allow-list).
 *
 * How the tool is run, and why:
 *   - programmatically, with the Electron version from package.json (the inputs hold no package.json,
 *     and without it the tool assumes Electron 0.1.0 and its insecure defaults);
 *   - with no network: the tool fetches translations from S3 on every run and Electron's release list
 *     from GitHub for AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK. Its HTTP client (`got`) is replaced by a stub
 *     that refuses, and that check is excluded: it only judges an Electron version found in a package.json
 *     against the live release list, and the inputs hold none (the version is pinned in package.json);
 *   - dist/main and dist/renderer are scanned together (copied to a temp dir), as one app, so the global
 *     checks (CSP, navigation limits, permission handler) see main's header and the renderer's page at
 *     once. The copies are renamed from .cjs/.mjs to .js: the tool lists only .js/.jsx/.ts/.tsx/.html files.
 *     A bundle the tool's JavaScript parser cannot walk (esprima, then Babel + escope, which stops at
 *     class private fields) is re-scanned as .ts, which the tool parses with Babel's TypeScript plugin
 *     (JavaScript is valid TypeScript syntax); the output says which files needed that.
 *   - main/ is scanned as TypeScript source (the checks read the literal code, so they see names and
 *     comments that the bundle loses).
 */
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PACKAGE = '@doyensec/electronegativity';
const TESTED_VERSION = '1.10.3';
const JUSTIFIED_FILE = join(ROOT, 'scripts', 'security', 'justified.json');
const EXCLUDED_CHECKS = ['AvailableSecurityFixesGlobalCheck'];
const SEVERITIES = ['HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL'];
/** What the tool lists (see its util/file.js list_files), plus the extensions esbuild writes. */
const SCANNABLE = /\.(js|cjs|mjs|jsx|ts|tsx|html|htm)$/i;
const NOISE = [/^Could not retrieve updated translations/];

const toPosix = (p) => p.split(sep).join('/');
const rel = (abs) => toPosix(relative(ROOT, abs));

function fail(message, code = 2) {
  console.error(`electronegativity: ${message}`);
  process.exit(code);
}

function locateTool() {
  const candidates = [];
  try {
    candidates.push(dirname(createRequire(join(ROOT, 'package.json')).resolve(`${PACKAGE}/package.json`)));
  } catch {
    // not a devDependency (yet): try the env var
  }
  const fromEnv = process.env.ELECTRONEGATIVITY_DIR;
  if (fromEnv) candidates.push(resolve(fromEnv), resolve(fromEnv, 'node_modules', PACKAGE));
  for (const dir of candidates) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (pkg.name === PACKAGE) return { dir, version: pkg.version };
    } catch {
      // next candidate
    }
  }
  return null;
}

function electronVersion() {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const range = pkg.devDependencies?.electron ?? pkg.dependencies?.electron;
  const version = typeof range === 'string' ? range.replace(/^[~^=v]+/, '') : '';
  if (!/^\d+\.\d+\.\d+/.test(version)) fail(`cannot read the Electron version from package.json (${range}).`);
  return version;
}

/** Replaces the tool's HTTP client with one that refuses; counts the attempts. */
function blockNetwork(toolDir) {
  const attempts = [];
  const requireFromTool = createRequire(join(toolDir, 'dist', 'runner.js'));
  let id;
  try {
    id = requireFromTool.resolve('got');
  } catch {
    return attempts; // a future version without got
  }
  const refuse = (url) => {
    attempts.push(String(url));
    return Promise.reject(new Error('network access is disabled by scripts/security/electronegativity.mjs'));
  };
  refuse.head = refuse;
  refuse.get = refuse;
  refuse.default = refuse;
  requireFromTool.cache[id] = { id, filename: id, loaded: true, exports: refuse, children: [], paths: [] };
  return attempts;
}

async function filesUnder(dir) {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && SCANNABLE.test(e.name))
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .sort();
}

/**
 * Copies the given files into `dir` (relative to the repo root), as .js for .cjs/.mjs (.ts if asked).
 * With `neutralise`, every `eng-disable` becomes `eng-audit` (same length of line, same line numbers).
 * Returns Map(staged absolute path -> original absolute path).
 */
async function stage(dir, files, { neutralise = false, asTs = new Set() } = {}) {
  const map = new Map();
  for (const original of files) {
    let name = rel(original).replace(/\.(cjs|mjs)$/i, '.js');
    if (asTs.has(original)) name = name.replace(/\.js$/i, '.ts');
    const staged = join(dir, ...name.split('/'));
    await mkdir(dirname(staged), { recursive: true });
    let text = await readFile(original, 'utf8');
    if (neutralise) text = text.replace(/eng-disable/g, 'eng-audit');
    await writeFile(staged, text);
    map.set(staged, original);
  }
  return map;
}

async function runTool(run, input, version) {
  const captured = [];
  const log = console.log;
  const warn = console.warn;
  const lang = process.env.LANG;
  console.log = (...args) => captured.push(args.join(' '));
  console.warn = (...args) => captured.push(args.join(' '));
  process.env.LANG = 'en-US'; // the tool's bundled locale
  try {
    return {
      ...(await run({
        input,
        electronVersionOverride: version,
        excludeFromScan: EXCLUDED_CHECKS,
        isRelative: false,
      })),
      messages: captured.filter((line) => !NOISE.some((re) => re.test(line))),
    };
  } finally {
    console.log = log;
    console.warn = warn;
    if (lang === undefined) delete process.env.LANG;
    else process.env.LANG = lang;
  }
}

function lineOf(file, line) {
  if (!file || line < 1) return '';
  try {
    return readFileSync(file, 'utf8').split('\n')[line - 1]?.trim() ?? '';
  } catch {
    return '';
  }
}

/** The comment lines right above a line (the "why" of an in-place annotation). */
function commentAbove(file, line) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const out = [];
  for (let i = line - 2; i >= 0 && out.length < 4; i--) {
    const text = lines[i].trim();
    if (!/^(\/\/|\/\*|\*)/.test(text)) break;
    out.unshift(text.replace(/^(\/\/+|\/\*+|\*+\/?)\s?/, ''));
  }
  return out.join(' ').trim();
}

/**
 * Scans one group of files as one app: the annotated run (what the tool reports, honouring eng-disable)
 * and, if any file has an annotation, the neutralised run (every finding, for the report).
 */
async function scanGroup(label, files, ctx) {
  const asTs = new Set();
  const parsedAsTs = [];
  const analysisErrors = [];
  const notes = [];
  const annotated = files.some((f) => readFileSync(f, 'utf8').includes('eng-disable'));

  const once = async (neutralise) => {
    const dir = await mkdtemp(join(ctx.tmp, neutralise ? 'audit-' : 'scan-'));
    const map = await stage(dir, files, { neutralise, asTs });
    const result = await runTool(ctx.run, dir, ctx.electron);
    return { map, result };
  };

  let scan = await once(false);
  const unparsed = scan.result.errors.filter((e) => !e.tolerable && scan.map.has(e.file));
  if (unparsed.length > 0) {
    for (const e of unparsed) {
      const original = scan.map.get(e.file);
      asTs.add(original);
      parsedAsTs.push(`${rel(original)} (the tool's JavaScript walk stopped: ${e.message})`);
    }
    scan = await once(false);
  }
  for (const e of scan.result.errors) {
    const where = scan.map.has(e.file) ? rel(scan.map.get(e.file)) : e.file;
    if (e.tolerable) notes.push(`${where}: parsed with a warning: ${e.message}`);
    else analysisErrors.push(`${where}: could not be analysed: ${e.message}`);
  }
  notes.push(...scan.result.messages.map((m) => `tool said: ${m}`));

  const toFinding = (map) => (issue) => {
    const original = map.get(issue.file);
    const file = original ? rel(original) : issue.file; // "N/A" for app-wide global findings
    const line = issue.location?.line ?? 0;
    return {
      id: issue.id,
      severity: issue.severity?.name ?? 'INFORMATIONAL',
      confidence: issue.confidence?.name ?? '',
      manualReview: Boolean(issue.manualReview),
      file,
      line,
      column: issue.location?.column ?? 0,
      text: original ? lineOf(original, line) : '',
      description: issue.description,
      url: issue.shortenedURL,
      group: label,
    };
  };
  const reported = scan.result.issues.map(toFinding(scan.map));
  let all = reported;
  if (annotated) {
    const audit = await once(true);
    all = audit.result.issues.map(toFinding(audit.map));
  }
  const key = (f) => `${f.id}|${f.file}|${f.line}|${f.column}`;
  const reportedKeys = new Set(reported.map(key));
  const allKeys = new Set(all.map(key));
  const findings = [
    ...all.map((f) => ({ ...f, inPlace: !reportedKeys.has(key(f)) })),
    ...reported.filter((f) => !allKeys.has(key(f))).map((f) => ({ ...f, inPlace: false })),
  ];
  for (const f of findings) {
    if (!f.inPlace) continue;
    const abs = join(ROOT, ...f.file.split('/'));
    f.reason = commentAbove(abs, f.line) || '(no comment above the annotation)';
  }
  return { label, files, findings, parsedAsTs, analysisErrors, notes, checks: scan.result };
}

function loadJustified() {
  if (!existsSync(JUSTIFIED_FILE)) return [];
  const data = JSON.parse(readFileSync(JUSTIFIED_FILE, 'utf8'));
  const entries = Array.isArray(data) ? data : data.justified;
  if (!Array.isArray(entries)) fail(`${rel(JUSTIFIED_FILE)}: expected { "justified": [ ... ] }.`);
  entries.forEach((e, i) => {
    for (const field of ['check', 'file', 'reason']) {
      if (typeof e[field] !== 'string' || e[field].trim() === '') {
        fail(`${rel(JUSTIFIED_FILE)}: entry ${i} needs a non-empty "${field}".`);
      }
    }
  });
  return entries.map((e) => ({ ...e, used: 0 }));
}

const matches = (entry, f) =>
  entry.check === f.id &&
  entry.file === f.file &&
  (!entry.lineContains || f.text.includes(entry.lineContains));

async function main() {
  const started = Date.now();
  const tool = locateTool();
  if (!tool) {
    fail(
      `${PACKAGE} is not installed: add it as a devDependency (npm ci), or point ELECTRONEGATIVITY_DIR ` +
        `at an installed copy (e.g. /tmp/eneg/node_modules/${PACKAGE}).`,
    );
  }
  const mainDir = join(ROOT, 'main');
  const distMain = join(ROOT, 'dist', 'main');
  const distRenderer = join(ROOT, 'dist', 'renderer');
  for (const needed of [
    join(distMain, 'main.cjs'),
    join(distMain, 'preload.cjs'),
    join(distRenderer, 'index.html'),
  ]) {
    if (!existsSync(needed)) fail(`${rel(needed)} is missing: run \`npm run build\` first.`);
  }

  const electron = electronVersion();
  const attempts = blockNetwork(tool.dir);
  const runnerModule = createRequire(join(tool.dir, 'package.json'))(join(tool.dir, 'dist', 'runner.js'));
  const run = runnerModule.default ?? runnerModule;

  const tmp = await mkdtemp(join(tmpdir(), 'ccs-electronegativity-'));
  const ctx = { run, electron, tmp };
  let groups;
  try {
    groups = [
      await scanGroup('main/ (TypeScript sources)', await filesUnder(mainDir), ctx),
      await scanGroup(
        'dist/main + dist/renderer (the built app)',
        [...(await filesUnder(distMain)), ...(await filesUnder(distRenderer))],
        ctx,
      ),
    ];
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }

  const justified = loadJustified();
  const findings = groups.flatMap((g) => g.findings);
  for (const f of findings) {
    if (f.inPlace) {
      f.status = 'justified in place';
      continue;
    }
    const entry = justified.find((e) => matches(e, f));
    if (entry) {
      entry.used++;
      f.status = `justified (${rel(JUSTIFIED_FILE)})`;
      f.reason = entry.reason;
    } else {
      f.status = 'OPEN';
    }
  }

  const versionNote =
    tool.version === TESTED_VERSION ? '' : ` (this script was written against ${TESTED_VERSION})`;
  console.log(`electronegativity ${tool.version}${versionNote} from ${tool.dir}`);
  console.log(
    `Electron ${electron} assumed (package.json); network disabled; excluded: ${EXCLUDED_CHECKS.join(', ')}`,
  );
  for (const g of groups) {
    console.log(
      `\nscanned ${g.label}: ${g.files.length} files, ${g.checks.atomicChecks} atomic + ${g.checks.globalChecks} global checks`,
    );
    for (const p of g.parsedAsTs) console.log(`  parsed as TypeScript: ${p}`);
    for (const n of g.notes) console.log(`  note: ${n}`);
    for (const e of g.analysisErrors) console.log(`  ERROR: ${e}`);
  }

  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0]));
  for (const severity of SEVERITIES) {
    const inSeverity = findings
      .filter((f) => f.severity === severity)
      .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.id.localeCompare(b.id));
    counts[severity] = inSeverity.length;
    if (inSeverity.length === 0) continue;
    console.log(`\n${severity} (${inSeverity.length})`);
    for (const f of inSeverity) {
      const where = f.file === 'N/A' ? 'whole app' : `${f.file}:${f.line}:${f.column}`;
      const review = f.manualReview ? ', review required' : '';
      console.log(`  [${f.status}] ${f.id}  ${where}  (${f.confidence}${review}; ${f.group})`);
      console.log(`      ${f.description} ${f.url ?? ''}`.trimEnd());
      if (f.text) console.log(`      line: ${f.text.length > 140 ? `${f.text.slice(0, 140)}…` : f.text}`);
      if (f.reason) console.log(`      why: ${f.reason}`);
    }
  }

  const stale = justified.filter((e) => e.used === 0);
  for (const e of stale) {
    console.log(
      `\nSTALE: ${rel(JUSTIFIED_FILE)} justifies ${e.check} in ${e.file}` +
        `${e.lineContains ? ` (line containing "${e.lineContains}")` : ''}, which no longer is a finding: remove it.`,
    );
  }
  const open = findings.filter((f) => f.status === 'OPEN');
  const analysisErrors = groups.flatMap((g) => g.analysisErrors);
  const inPlace = findings.filter((f) => f.inPlace).length;
  console.log(
    `\nfindings by severity: high ${counts.HIGH}, medium ${counts.MEDIUM}, low ${counts.LOW}, informational ${counts.INFORMATIONAL}`,
  );
  console.log(
    `justified in place: ${inPlace}, in ${rel(JUSTIFIED_FILE)}: ${findings.length - inPlace - open.length}, open: ${open.length}` +
      `; network requests refused: ${attempts.length}; ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  if (open.length > 0 || stale.length > 0 || analysisErrors.length > 0) {
    console.log(
      'FAIL: fix each open finding, or justify it (an `eng-disable <CHECK>` comment on the line, with the why ' +
        `in a comment above, or an entry in ${rel(JUSTIFIED_FILE)}); remove stale entries; every file must be analysed.`,
    );
    process.exit(1);
  }
  console.log('OK: every finding is fixed or justified.');
}

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
