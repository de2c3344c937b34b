/**
 * Bench: single edits in a big pose library (issue 10, item 2: "pose libraries whose writes are
 * proportional to the change as well").
 *
 * A project with one library of POSES poses (5,000; the CI run 1,000) is written, then EDITS edits are
 * made through the real store, alternating a pose's name and tags with the library's name. Each edit's
 * bytes written are this process's write() bytes (/proc/self/io wchar), folds of the log into
 * library.json included (that is what the mean carries). The reference is what every edit wrote before:
 * library.json whole. Target: at most 64 KB written per edit on average (the results index's target for
 * one change), whatever the library's size.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProject } from '../../src/library/project-store';
import { workspaceFor } from '../../src/library/workspace';
import { makeImage } from '../fixtures-gen/simple-images';
import { median, runWhenMain, writePoseLibraries } from './synthetic-project';

const POSES = Number(process.env.BENCH_POSES ?? 5000);
const EDITS = 120;
const KB = 1024;
const TARGET_BYTES = 64 * KB;

async function bytesWritten(): Promise<number> {
  const io = await readFile('/proc/self/io', 'utf8');
  return Number(/wchar:\s*(\d+)/.exec(io)?.[1] ?? 0);
}

export async function benchPoseLibrary(): Promise<{ lines: string[]; ok: boolean }> {
  const root = await mkdtemp(join(tmpdir(), 'ccstudio-bench-pose-library-'));
  try {
    return await editBigLibrary(root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function editBigLibrary(root: string): Promise<{ lines: string[]; ok: boolean }> {
  const projectDir = join(root, 'project');
  const project = await createProject(projectDir, 'Pose library bench');
  const png = await makeImage('png', 8, 8);
  const poseIds = await writePoseLibraries(projectDir, {
    libraries: 1,
    perLibrary: POSES,
    base: Date.parse('2026-01-01T00:00:00Z'),
    png,
    shape: (p) => ({
      kind: p % 5 === 0 ? 'sheet' : 'single',
      figures: [{ x: 10, y: 20, width: 200, height: 480 }],
      tags: ['standing', `set ${p % 40}`],
      image: { width: 1024, height: 512, sha256: `${p}`.padStart(64, '0') },
    }),
  });
  const ws = workspaceFor(project);
  const { libraries } = await ws.poses.readAll();
  const library = libraries[0];
  if (!library) throw new Error('the bench library did not load');
  const wholeBytes = (await stat(join(projectDir, 'poses', library.id, 'library.json'))).size;

  const bytes: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < EDITS; i++) {
    const before = await bytesWritten();
    const started = performance.now();
    if (i % 3 === 2) await ws.poses.update(library.id, { name: `Library renamed ${i}` });
    else {
      const poseId = poseIds[(i * 7919) % poseIds.length] ?? '';
      await ws.poses.updatePose(poseId, { name: `Pose edited ${i}`, tags: ['edited', `round ${i}`] });
    }
    wall.push(performance.now() - started);
    bytes.push((await bytesWritten()) - before);
  }
  await project.close();
  const mean = bytes.reduce((a, b) => a + b, 0) / bytes.length;
  const ok = mean <= TARGET_BYTES;
  return {
    ok,
    lines: [
      `one edit in a library of ${POSES} poses: written median ${(median(bytes) / KB).toFixed(1)} KB, mean ` +
        `${(mean / KB).toFixed(1)} KB with the log's folds (target ≤ ${TARGET_BYTES / KB} KB; reference, ` +
        `library.json whole as every edit wrote before: ${(wholeBytes / KB).toFixed(0)} KB, ` +
        `${(wholeBytes / mean).toFixed(0)}x more); wall median ${median(wall).toFixed(1)} ms: ${ok ? 'met' : 'NOT met'}`,
    ],
  };
}

runWhenMain(import.meta.url, benchPoseLibrary);
