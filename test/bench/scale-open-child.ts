/**
 * Child of test/bench/scale.ts: opens a project to its first gallery page in a fresh process and prints
 * { ms, rssMb, mode } as JSON, so the resident memory is the app's alone and no cache is warm in-process.
 */
import { openProject } from '../../src/library/project-store';
import { workspaceFor } from '../../src/library/workspace';

const projectDir = process.argv[2];
if (!projectDir) throw new Error('usage: scale-open-child.ts <project folder>');
const started = performance.now();
const handle = await openProject(projectDir);
const ws = workspaceFor(handle);
const [report, cat] = await Promise.all([ws.results.load(), ws.catalog()]);
const page = await ws.results.query(
  { filter: { stackCuts: true }, sort: 'newest', offset: 0, limit: 200 },
  cat,
);
const ms = performance.now() - started;
if (page.items.length === 0) throw new Error('the first page is empty');
const rssMb = process.memoryUsage().rss / 1024 / 1024;
await ws.results.settled();
await handle.close();
console.log(JSON.stringify({ ms, rssMb, mode: report.mode }));
