/**
 * Storage faults (issue 9): the Nth file operation of each flow fails with ENOSPC, EACCES, EIO or EBUSY,
 * for every N, and afterwards
 *   1. originals are byte-identical: a failed flow leaves every file that was there before as it was
 *      (content hashes; the rebuildable caches in .studio/ may be replaced, whole);
 *   2. no partial file is visible: every JSON under its real name is whole and valid, every image decodes
 *      to the last pixel, every reference leads to a file; a temp file or leftover may remain only where
 *      the product's own reconciliation at open settles it (checked by opening a copy);
 *   3. the error is typed and clear: an AppError whose code says what happened (ENOSPC: DISK_FULL,
 *      EACCES: PERMISSION_DENIED), a message without a stack, and no new "problems" in the app's lists;
 *   4. the app goes on working: with the fault lifted, the same flow succeeds on the same runtime.
 *
 * WHAT IS MOCKED, AND WHY: only the file system calls, and only to count and fail them. The product has
 * no file-system port, so vi.mock puts a counting proxy (fault-injector.ts) in front of `node:fs/promises`,
 * `node:fs` and sharp's `toFile` (libvips writes natively, out of Node's sight). The proxy forwards every
 * call to the real module: real files on a real disk, the real runtime and handlers (dispatchCall, as the
 * UI calls them), real sharp, the Segmind stand-in over real HTTP. It only counts the calls whose paths
 * lie in the case's project (and export) folder, and makes the Nth one throw as Node would.
 * Not covered by it: sharp's reads from a path (none in these flows: they decode buffers; any that
 * happen are reported as `bypassed`), the lock heartbeat, the user-data folder (job outbox).
 *
 * How a fault looks: the call throws an Error with `code`, `errno`, `syscall` and `path`, like Node's. A
 * whole-file write or a copy that hits ENOSPC or EIO first writes half its data (what a full disk leaves);
 * a failing close still releases the descriptor; a failing sharp `toFile` leaves half a file and throws
 * libvips' kind of error, which has no errno code.
 *
 * Each flow is run once counting only (its operation count K), then for N = 1..K on a fresh copy of a
 * prepared project (template.ts), with the codes rotating over N (every code at least once per flow; all
 * four at every N with STORAGE_FAULTS_ALL_CODES=1). Cases run in STORAGE_FAULTS_LANES (3) runtimes side by
 * side; each counts only its own folders. ENOSPC on an operation that only reads is injected too, but
 * its error code is not judged (no disk answers a read that way). Figures are printed at the end.
 *
 *   npx vitest run --config test/reliability/storage-faults/vitest.config.ts
 *
 * Replaying one case: STORAGE_FAULTS_FLOW=<part of a flow's name> STORAGE_FAULTS_N=<N>
 * [STORAGE_FAULTS_CODE=EIO] [STORAGE_FAULTS_KEEP=1: keep and print the case's folders]
 * [STORAGE_FAULTS_OPS=1: list the flow's operations] [STORAGE_FAULTS_PROFILE=1: time each case's phases].
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { filesHoldingKey } from '../common/key-scan';

vi.mock('node:fs/promises', async (importOriginal) => {
  const { wrapFsPromises } = await import('./fault-injector');
  return wrapFsPromises(await importOriginal());
});
vi.mock('node:fs', async (importOriginal) => {
  const { wrapFs } = await import('./fault-injector');
  return wrapFs(await importOriginal());
});
vi.mock('sharp', async (importOriginal) => {
  const { wrapSharp } = await import('./fault-injector');
  const actual = await importOriginal<{ default: unknown }>();
  return { ...actual, default: wrapSharp(actual.default) };
});

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallName } from '../../../src/contract';
import { openProject } from '../../../src/library/project-store';
import { MemoryStore } from '../../../src/secrets/memory-store';
import { dispatchCall } from '../../../src/services/dispatch';
import { createAppRuntime } from '../../../src/services/runtime';
import type { AppRuntime } from '../../../src/services/runtime-types';
import { startSegmindStandIn, type SegmindStandIn } from '../../fakes/segmind-stand-in';
import {
  closeWindow,
  FAULT_CODES,
  openWindow,
  quiet,
  real,
  type FaultCode,
  type OpRecord,
  type Window,
} from './fault-injector';
import { FLOWS, type CaseContext, type Flow, type Outcome, type SoftFailure } from './flows';
import {
  changedOriginals,
  copyTree,
  holdTree,
  inspect,
  isTempName,
  layDown,
  snapshot,
  unsettled,
  type HeldTree,
  type Snapshot,
} from './project-check';
import { buildTemplate, type Template } from './template';

const ALL_CODES = process.env.STORAGE_FAULTS_ALL_CODES === '1';
const ONLY = process.env.STORAGE_FAULTS_FLOW; // a substring of a flow's name, to run just that one
const LANES = Math.max(1, Number(process.env.STORAGE_FAULTS_LANES ?? 3));
/** Replay one case: STORAGE_FAULTS_FLOW=<part of its name> STORAGE_FAULTS_N=<N>. */
const ONLY_N = process.env.STORAGE_FAULTS_N ? Number(process.env.STORAGE_FAULTS_N) : undefined;
/** With STORAGE_FAULTS_N: inject this code instead of the rotation's. */
const ONLY_CODE = FAULT_CODES.find((c) => c === process.env.STORAGE_FAULTS_CODE);
/** Keep each case's folders (printed) instead of removing them: for looking at what a fault left. */
const KEEP = process.env.STORAGE_FAULTS_KEEP === '1';

interface Finding {
  flow: string;
  n: number;
  code: FaultCode;
  op: string;
  what: string;
}

interface FlowFigures {
  flow: string;
  k: number;
  cases: number;
  fired: number;
  failedTyped: number;
  absorbed: number;
  soft: number;
  notReached: number;
  internal: number;
  codes: Map<string, number>;
  findings: number;
  bypassed: number;
  ms: number;
}

const figures: FlowFigures[] = [];
const findings: Finding[] = [];
const silenced = { warn: 0, error: 0 };
let work = '';
let T: Template;
let held: HeldTree;
let standIn: SegmindStandIn;
const started = Date.now();
const originalConsole = { warn: console.warn, error: console.error };

beforeAll(async () => {
  // The product logs every refused write (console.warn/error, stacks included, which is right for a log):
  // thousands of lines here. Counted, not printed.
  console.warn = () => void silenced.warn++;
  console.error = () => void silenced.error++;
  work = await real().mkdtemp(join(tmpdir(), 'ccstudio-storage-faults-'));
  standIn = await startSegmindStandIn({ credits: 1_000_000 });
  T = await buildTemplate(work, join(work, 'template-user-data'));
  held = await holdTree(T.dir);
}, 120_000);

afterAll(async () => {
  console.warn = originalConsole.warn;
  console.error = originalConsole.error;
  await standIn?.close();
  if (work && !KEEP) await real().rm(work, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  printFigures();
});

function codesFor(n: number, k: number, flowIndex: number): FaultCode[] {
  if (ALL_CODES) return [...FAULT_CODES];
  const codes = [FAULT_CODES[(n - 1 + flowIndex) % FAULT_CODES.length] as FaultCode];
  // Fewer than four operations: the last one also takes the codes the rotation did not reach.
  if (n === k && k < FAULT_CODES.length) {
    for (let i = k; i < FAULT_CODES.length; i++)
      codes.push(FAULT_CODES[(i + flowIndex) % FAULT_CODES.length] as FaultCode);
  }
  return codes;
}

const STACK = /\n\s+at\s|^\w*Error:|ENOSPC|EACCES|EIO|EBUSY/;
const SAYS_MISSING = /missing|not in the project|could not be found|no longer|not found/i;
/** Operations that only read: ENOSPC there is not something a disk answers, so its code is not judged. */
const READS =
  /^(fh\.)?(readFile|read|readv|readdir|stat|lstat|realpath|access|readlink|opendir|createReadStream)$/;

/** Property 3 for one error the person sees (`before`: the project as it was, to tell a fault on a file that exists). */
function errorProblems(
  code: FaultCode,
  fired: OpRecord | undefined,
  error: { code?: string | undefined; message: string },
  before: Snapshot,
): string[] {
  const out: string[] = [];
  const shown = error.code ?? 'a failure without code';
  if (!error.message.trim()) out.push(`${shown} with an empty message`);
  if (STACK.test(error.message))
    out.push(`${shown} message shows raw error text: ${JSON.stringify(error.message.slice(0, 160))}`);
  if (!fired || fired.op === 'sharp.toFile') return out; // sharp's errors carry no errno code
  // A file that is there, which the disk refused to read or write, is not "missing".
  const realistic = !(code === 'ENOSPC' && READS.test(fired.op));
  if (
    realistic &&
    before.has(fired.path) &&
    (error.code === 'NOT_FOUND' || SAYS_MISSING.test(error.message))
  ) {
    out.push(
      `${code} on ${fired.op} of an existing file surfaced as “${error.message.slice(0, 110)}” (${shown}): a storage fault reported as a missing file`,
    );
    return out;
  }
  const expected: Partial<Record<FaultCode, string>> = READS.test(fired.op)
    ? { EACCES: 'PERMISSION_DENIED' }
    : { ENOSPC: 'DISK_FULL', EACCES: 'PERMISSION_DENIED' };
  const want = expected[code];
  if (want && error.code !== undefined && error.code !== want) {
    out.push(
      `${code} on ${fired.op} surfaced as ${error.code} (“${error.message.slice(0, 110)}”), not ${want}`,
    );
  }
  if (
    (code === 'EIO' || code === 'EBUSY') &&
    (error.code === 'DISK_FULL' || error.code === 'PERMISSION_DENIED')
  ) {
    out.push(`${code} surfaced as ${error.code}: a misleading cause`);
  }
  return out;
}

/**
 * What the app itself reports as wrong with the project (its lists' problems and the summary's). Asks
 * every list the UI refetches after an error toast, the trash and the gallery included, since listing can
 * itself act on what a failure left (trash.list drops entries it finds empty).
 */
async function appProblems(ctx: CaseContext): Promise<Set<string>> {
  const out = new Set<string>();
  const lists = [
    ['characters.list', {}],
    ['poses.list', {}],
    ['trash.list', {}],
    ['results.query', { offset: 0, limit: 100 }],
    ['projects.current', {}],
  ] as const;
  for (const [name, input] of lists) {
    const answer = await ctx.call(name, input);
    if (!answer.ok) {
      out.add(`${name} failed: ${answer.error.code} ${answer.error.message}`);
      continue;
    }
    for (const p of (answer.value as { problems?: { file: string; reason: string }[] } | null)?.problems ??
      []) {
      out.add(`${p.file}: ${p.reason}`);
    }
  }
  return out;
}

/**
 * Property 2's last part: opens a copy of the folder as the product does at start (reconcileLeftovers),
 * and answers what is still not settled afterwards (temp files, orphans outside .studio/leftovers).
 */
async function afterReconcile(dir: string): Promise<string[]> {
  const copy = `${dir}-reconciled`;
  await copyTree(dir, copy);
  await real().rm(join(copy, '.studio', 'lock.json'), { force: true }); // our own lock: the copy is not in use
  const handle = await openProject(copy);
  await handle.close();
  const left = unsettled(await inspect(copy));
  await real().rm(copy, { recursive: true, force: true });
  return left;
}

/** Export folders: nothing half written under a real name, no temp file left behind. */
async function exportProblems(
  dir: string,
  before: Snapshot,
): Promise<{ loose: string[]; changed: string[] }> {
  const after = await snapshot(dir);
  const loose: string[] = [];
  for (const [rel, entry] of after) {
    if (entry.kind !== 'f') continue;
    if (isTempName(rel.slice(rel.lastIndexOf('/') + 1)))
      loose.push(`temp file left in the export folder: ${rel}`);
  }
  const whole = await inspect(dir, after); // JSON parses, images decode
  loose.push(...whole.broken.map((b) => `export folder: ${b}`));
  return { loose, changed: changedOriginals(before, after) };
}

interface Lane {
  runtime: AppRuntime;
  userDataDir: string;
  call(name: CallName, input: unknown): Promise<Outcome>;
}

/** One runtime with its own user-data folder (the generation queue's outbox belongs to one runtime). */
async function startLane(flow: Flow, slug: string, index: number): Promise<Lane> {
  const userDataDir = join(work, `user-data-${slug}-${index}`);
  const secrets = new MemoryStore();
  await secrets.set(standIn.key);
  const runtime = await createAppRuntime({
    userDataDir,
    platform: { shell: 'browser' },
    secrets,
    appVersion: 'storage-faults',
    runQueue: flow.generation === true,
    segmindBaseUrl: standIn.url,
  });
  const call = async (name: CallName, input: unknown) => dispatchCall(runtime.handlers, name, input);
  if (flow.generation) await call('settings.update', { requestsPerMinute: 600, concurrency: 1 });
  return { runtime, userDataDir, call };
}

async function runFlow(flow: Flow, flowIndex: number): Promise<void> {
  const t0 = Date.now();
  const slug = flow.name.replace(/[^a-z]+/gi, '-').toLowerCase();
  const fig: FlowFigures = {
    flow: flow.name,
    k: 0,
    cases: 0,
    fired: 0,
    failedTyped: 0,
    absorbed: 0,
    soft: 0,
    notReached: 0,
    internal: 0,
    codes: new Map(),
    findings: 0,
    bypassed: 0,
    ms: 0,
  };
  let seq = 0;
  let baseline = new Set<string>();

  const runCase = async (
    lane: Lane,
    n: number | undefined,
    code: FaultCode,
  ): Promise<{ count: number; ops: OpRecord[] }> => {
    const { runtime, userDataDir, call } = lane;
    const caseRoot = join(work, `${slug}-${++seq}`);
    const dir = join(caseRoot, 'project');
    const exportDir = join(caseRoot, 'export');
    const fs = real();
    const phases: [string, number][] = [];
    let mark = Date.now();
    const phase = (name: string) => {
      const now = Date.now();
      phases.push([name, now - mark]);
      mark = now;
    };
    const ctx: CaseContext = { T, dir, exportDir, userDataDir, runtime, call };
    const window: Window = openWindow(flow.usesExportDir ? [dir, exportDir] : [dir]);
    const found: string[] = [];
    const note = (what: string) => found.push(what);
    let count = 0;
    let ops: OpRecord[] = [];
    let fired: OpRecord | undefined;
    try {
      await layDown(held, dir);
      await fs.mkdir(exportDir);
      await fs.writeFile(join(exportDir, 'keep.txt'), 'the person’s own file\n');
      phase('copy');
      const opened = await call('projects.open', { dir });
      if (!opened.ok) throw new Error(`projects.open failed: ${opened.error.message}`);
      phase('open');
      await quiet(window, 20);
      phase('quiet-open');
      // What the app reports for a fresh copy: the same for every case, so asked in the dry run only.
      if (n === undefined) {
        baseline = await appProblems(ctx);
        await quiet(window, 10);
      }
      const problemsBefore = baseline;
      phase('problems');
      const before = await snapshot(dir);
      const exportBefore = await snapshot(exportDir);
      phase('snapshot');
      window.count = 0;
      window.ops = [];
      window.bypassed = [];
      window.fired = undefined;
      window.code = code;
      window.faultAt = n;

      let outcome: Outcome;
      try {
        outcome = await flow.run(ctx);
      } catch (error) {
        outcome = {
          ok: false,
          error: { code: 'INTERNAL', message: `the flow threw: ${(error as Error).message}` },
        };
        note(`the call threw instead of answering: ${(error as Error).message}`);
      }
      phase('flow');
      await quiet(window, 15);
      phase('quiet-flow');
      window.faultAt = undefined; // the fault is lifted from here on
      count = window.count;
      ops = [...window.ops];
      fired = window.fired;
      fig.bypassed += window.bypassed.length;

      const after = await snapshot(dir);
      const seen = await inspect(dir, after);
      for (const b of seen.broken) note(b);
      let soft: SoftFailure[] = [];
      if (outcome.ok) {
        soft = flow.soft?.(outcome.value) ?? [];
        if (soft.length === 0)
          for (const p of await flow.verify(ctx, outcome.value)) note(`answered ok, but ${p}`);
        for (const s of soft)
          for (const p of errorProblems(code, fired, s, before)) note(`reported failure: ${p}`);
      } else {
        if (n === undefined || !fired)
          note(`failed with no fault injected: ${outcome.error.code} ${outcome.error.message}`);
        for (const p of errorProblems(code, fired, outcome.error, before)) note(p);
        const allowed = new Set(flow.mayChange?.(ctx, outcome.error) ?? []);
        for (const c of changedOriginals(before, after, allowed))
          note(`after ${outcome.error.code}: original ${c}`);
        for (const p of (await flow.afterFailure?.(ctx, outcome)) ?? []) note(p);
      }
      if (flow.usesExportDir) {
        const { loose, changed } = await exportProblems(exportDir, exportBefore);
        for (const l of loose) note(l);
        for (const c of changed) note(`export folder original ${c}`);
      }
      phase('checks');
      if (unsettled(seen).length > 0)
        for (const left of await afterReconcile(dir)) note(`not settled by reconciliation at open: ${left}`);
      phase('reconcile');
      const problemsAfter = await appProblems(ctx);
      for (const p of problemsAfter) if (!problemsBefore.has(p)) note(`the app now reports a problem: ${p}`);
      phase('problems2');

      if (n !== undefined) {
        fig.cases++;
        if (fired) fig.fired++;
        else fig.notReached++;
        if (fired) {
          if (!outcome.ok) {
            fig.failedTyped++;
            fig.codes.set(outcome.error.code, (fig.codes.get(outcome.error.code) ?? 0) + 1);
            if (outcome.error.code === 'INTERNAL') fig.internal++;
          } else if (soft.length > 0) {
            fig.soft++;
            for (const s of soft) {
              fig.codes.set(
                `item:${s.code ?? 'message'}`,
                (fig.codes.get(`item:${s.code ?? 'message'}`) ?? 0) + 1,
              );
              if (s.code === 'INTERNAL') fig.internal++;
            }
          } else fig.absorbed++;
        }
      }

      // Property 4: with the fault lifted, the same flow succeeds on the same runtime.
      if (!outcome.ok || soft.length > 0) {
        const again: Outcome =
          !outcome.ok && flow.retry ? await flow.retry(ctx, outcome) : await flow.run(ctx);
        await quiet(window, 15);
        if (!again.ok) note(`retry with the fault lifted failed: ${again.error.code} ${again.error.message}`);
        else {
          const soft2 = flow.soft?.(again.value) ?? [];
          for (const s of soft2) note(`retry with the fault lifted still reports: ${s.message}`);
          for (const p of await flow.verify(ctx, again.value)) note(`after the retry, ${p}`);
        }
        const later = await inspect(dir);
        for (const b of later.broken) note(`after the retry: ${b}`);
        phase('retry');
      }
    } catch (error) {
      note(`the case broke: ${(error as Error).stack ?? String(error)}`);
    } finally {
      closeWindow(window);
      await call('projects.close', {});
      if (flow.generation) {
        const jobs = await call('jobs.list', {});
        if (jobs.ok)
          for (const job of (jobs.value as { jobs: { id: string; resultId?: string }[] }).jobs)
            if (job.resultId) await call('jobs.dismiss', { id: job.id });
      }
      // The canary-key scan: nothing a case leaves (project, exports, quarantine) may hold the key.
      for (const file of await filesHoldingKey(caseRoot, standIn.key))
        note(`the API key was written to ${file}`);
      if (KEEP) originalConsole.warn(`kept: ${caseRoot} (N=${n ?? 'dry run'} ${code})`);
      else await fs.rm(caseRoot, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 });
      phase('cleanup');
      if (process.env.STORAGE_FAULTS_PROFILE === '1')
        originalConsole.warn(phases.map(([k, v]) => `${k} ${v}`).join(' | '));
    }
    const at = fired
      ? `op ${fired.n} ${fired.op} ${fired.path}`
      : n === undefined
        ? 'dry run'
        : `op ${n} (not reached)`;
    if (
      !(await real()
        .stat(join(T.dir, 'project.json'))
        .catch(() => null))
    ) {
      throw new Error(`storage-faults: the template project was removed from outside the suite (${work})`);
    }
    for (const what of found) findings.push({ flow: flow.name, n: n ?? 0, code, op: at, what });
    fig.findings += found.length;
    return { count, ops };
  };

  const lanes: Lane[] = [];
  try {
    lanes.push(await startLane(flow, slug, 0));
    const dry = await runCase(lanes[0] as Lane, undefined, 'EIO');
    fig.k = dry.count;
    if (process.env.STORAGE_FAULTS_OPS === '1') {
      originalConsole.warn(
        `${flow.name}: ${dry.count} operations\n${dry.ops.map((o) => `  ${o.n} ${o.op} ${o.path}`).join('\n')}`,
      );
    }
    const todo: [number, FaultCode][] = [];
    for (let n = 1; n <= dry.count; n++) {
      if (ONLY_N !== undefined && n !== ONLY_N) continue;
      for (const code of ONLY_CODE ? [ONLY_CODE] : codesFor(n, dry.count, flowIndex)) todo.push([n, code]);
    }
    // Cases run side by side in lanes (a runtime each): each case counts only its own folders.
    while (lanes.length < Math.min(LANES, todo.length)) lanes.push(await startLane(flow, slug, lanes.length));
    const outcomes = await Promise.allSettled(
      lanes.map(async (lane) => {
        for (let next = todo.shift(); next; next = todo.shift()) await runCase(lane, next[0], next[1]);
      }),
    );
    for (const o of outcomes) if (o.status === 'rejected') throw o.reason;
  } finally {
    for (const lane of lanes) await lane.runtime.dispose();
    fig.ms = Date.now() - t0;
    figures.push(fig);
  }
}

function printFigures(): void {
  const lines: string[] = ['', 'storage faults: figures'];
  const pad = (s: string | number, w: number) => String(s).padEnd(w);
  lines.push(
    `  ${pad('flow', 46)}${pad('K', 5)}${pad('faults', 8)}${pad('failed', 8)}${pad('absorbed', 10)}${pad('per-item', 10)}${pad('INTERNAL', 10)}${pad('findings', 10)}time`,
  );
  for (const f of figures) {
    lines.push(
      `  ${pad(f.flow, 46)}${pad(f.k, 5)}${pad(f.fired, 8)}${pad(f.failedTyped, 8)}${pad(f.absorbed, 10)}${pad(f.soft, 10)}${pad(f.internal, 10)}${pad(f.findings, 10)}${(f.ms / 1000).toFixed(1)} s`,
    );
    lines.push(
      `      codes seen: ${[...f.codes].map(([c, k]) => `${c} ${k}`).join(', ') || '-'}${f.notReached ? `; ${f.notReached} N not reached` : ''}${f.bypassed ? `; ${f.bypassed} sharp reads bypassed the proxy` : ''}`,
    );
  }
  const injected = figures.reduce((s, f) => s + f.fired, 0);
  const failedCases = new Set(findings.filter((x) => x.n > 0).map((x) => `${x.flow}|${x.n}|${x.code}`)).size;
  const dryRunFailures = findings.filter((x) => x.n === 0).length;
  lines.push(
    `  flows ${figures.length}, faults injected ${injected}, survived ${injected - failedCases}, failures ${failedCases}` +
      ` (${findings.length} findings${dryRunFailures ? `, ${dryRunFailures} in runs without a fault` : ''}), ${((Date.now() - started) / 1000).toFixed(0)} s; product log lines silenced: ${silenced.warn} warn, ${silenced.error} error`,
  );
  if (findings.length > 0) {
    lines.push('  findings (flow / N / code / the operation that failed: what):');
    const seen = new Map<string, number>();
    for (const f of findings) {
      const key = `${f.flow}|${f.what.replace(/[a-z0-9]{16,40}/g, '<id>').replace(/[0-9a-f]{12}\.tmp/g, '<x>.tmp')}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
      if ((seen.get(key) ?? 0) <= 3) lines.push(`    ${f.flow} / N=${f.n} / ${f.code} / ${f.op}: ${f.what}`);
    }
    for (const [key, times] of seen)
      if (times > 3) lines.push(`    (${times} times in all: ${key.split('|')[1]})`);
  }
  originalConsole.warn(lines.join('\n'));
}

describe('storage faults', () => {
  for (const [index, flow] of FLOWS.entries()) {
    const selected = !ONLY || flow.name.includes(ONLY);
    it.skipIf(!selected)(
      flow.name,
      async () => {
        await runFlow(flow, index);
        const mine = findings.filter((f) => f.flow === flow.name);
        expect(
          mine.map((f) => `N=${f.n} ${f.code} (${f.op}): ${f.what}`),
          `${flow.name}: every fault leaves the originals, no partial file, a clear error and a working app`,
        ).toEqual([]);
      },
      600_000,
    );
  }
  // After every flow: the runtime's user data (settings, the job outbox with its paid images and
  // received.json records) and everything else the suite wrote, searched for the key.
  it('never writes the API key anywhere (user data, outbox, projects, exports)', async () => {
    expect(await filesHoldingKey(work, standIn.key)).toEqual([]);
  });
});
