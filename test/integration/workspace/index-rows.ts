/**
 * A project whose results index holds exactly the given rows, as the app would have left it (complete,
 * in agreement with the results folder's time), so opening it takes the fast path and every query reads
 * these rows through the real SQL. For tests of the queries themselves; no receipts are written.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { openProject, type ProjectHandle } from '../../../src/library/project-store';
import { workspaceFor, type Workspace } from '../../../src/library/workspace';
import type { IndexEntry } from '../../../src/library/workspace/result-index-file';
import { ResultsIndexDb } from '../../../src/library/workspace/results-index-db';
import { newProject } from './support';

export async function projectWithRows(
  tempDir: () => Promise<string>,
  entries: readonly IndexEntry[],
): Promise<{ project: ProjectHandle; ws: Workspace; dir: string }> {
  const { project, dir } = await newProject(tempDir);
  await project.close();
  const results = await stat(join(dir, 'results'));
  const { db } = await ResultsIndexDb.open(join(dir, '.studio', 'results-index.sqlite'), { readOnly: false });
  db.beginRebuild();
  db.apply({ put: entries.map((entry) => ({ entry, imageMissing: false })) });
  db.finishRebuild(results.mtimeMs);
  db.close();
  const opened = await openProject(dir);
  const ws = workspaceFor(opened);
  const report = await ws.results.load();
  if (report.mode !== 'cache' || report.listed) throw new Error('the seeded index was not taken as it is');
  return { project: opened, ws, dir };
}

/**
 * Makes index entries one after another, each `stepMs` after the last from `base`: ids result0001,
 * result0002, … with seed `seedFrom + n`; `over` sets any field (a given createdAt is kept).
 */
export function entryMaker(options: {
  base: number;
  stepMs: number;
  seedFrom: number;
  width: number;
  height: number;
}): (over?: Partial<IndexEntry>) => IndexEntry {
  let n = 0;
  return (over = {}) => {
    n++;
    const createdAt = over.createdAt ?? new Date(options.base + n * options.stepMs).toISOString();
    return {
      id: `result${String(n).padStart(4, '0')}`,
      file: `results/result${n}.jpg`,
      width: options.width,
      height: options.height,
      createdAt,
      t: Date.parse(createdAt),
      modelId: 'v1',
      characterId: 'charmira1',
      poseId: 'posewalk1',
      rating: 0,
      flag: 'none',
      tags: [],
      seed: options.seedFrom + n,
      cost: 0.13,
      m: 0,
      s: 0,
      ...over,
    };
  };
}
