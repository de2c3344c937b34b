import { join } from 'node:path';
import { makeThumbnails } from '../../images';
import { listDir } from './fs-utils';
import { THUMB_SIZE, thumbPathFor } from './paths';
import type { TaskControl } from './task-control';
import type { Workspace } from './workspace';

/**
 * Makes the thumbnails missing from the cache (a project synced without `.studio/`, a cleared cache,
 * results copied in by hand), for results, poses and reference images. One listing of the thumbs folder
 * decides what is missing, so a complete cache costs almost nothing. Answers how many were made.
 */
export async function repairThumbnails(
  ws: Workspace,
  control: TaskControl = {},
): Promise<{ made: number; failed: number }> {
  if (ws.project.readOnly) return { made: 0, failed: 0 };
  const layout = ws.project.layout;
  const [have, { characters }, { libraries }] = await Promise.all([
    listDir(layout.thumbsDir).then((names) => new Set(names)),
    ws.characters.readAll(),
    ws.poses.readAll(),
    ws.results.load(),
  ]);
  const wanted: { id: string; file: string }[] = [];
  for (const e of ws.results.allEntries())
    if (!ws.results.isImageMissing(e.id)) wanted.push({ id: e.id, file: e.file });
  for (const l of libraries) for (const p of l.poses) wanted.push({ id: p.image.id, file: p.image.file });
  for (const c of characters) for (const i of c.referenceImages) wanted.push({ id: i.id, file: i.file });
  const missing = wanted.filter((w) => !have.has(`${w.id}.webp`));
  if (missing.length === 0) return { made: 0, failed: 0 };

  let made = 0;
  let failed = 0;
  control.onProgress?.(0, missing.length, 0);
  // In batches, so a cancel (the project closing) stops within one batch.
  for (let i = 0; i < missing.length; i += 16) {
    if (control.signal?.aborted) break;
    const batch = missing.slice(i, i + 16);
    const outcomes = await makeThumbnails(
      batch.map((m) => ({
        input: join(ws.project.root, ...m.file.split('/')),
        out: thumbPathFor(layout, m.id),
        size: THUMB_SIZE,
      })),
      2,
    );
    for (const o of outcomes)
      if (o.ok) made++;
      else failed++;
    control.onProgress?.(made + failed, missing.length, failed);
  }
  return { made, failed };
}
