import { join } from 'node:path';
import { makeThumbnails } from '../../images';
import { listDir } from './fs-utils';
import { THUMB_SIZE, thumbPathFor } from './paths';
import type { TaskControl } from './task-control';
import {
  findSmallThumbnails,
  isThumbCacheCurrent,
  markThumbCacheCurrent,
  type WantedThumb,
} from './thumbnail-size';
import type { Workspace } from './workspace';

/**
 * Makes the thumbnails missing from the cache (a project synced without `.studio/`, a cleared cache,
 * results copied in by hand), for results, poses and reference images, and remakes those smaller than
 * THUMB_SIZE (a project from before the grid's thumbnails grew from 256 to 640 px: checked once, then
 * a marker says the cache is current). One listing of the thumbs folder decides what is missing, so a
 * complete, current cache costs almost nothing. Answers how many were made.
 */
export async function repairThumbnails(
  ws: Workspace,
  control: TaskControl = {},
): Promise<{ made: number; failed: number }> {
  if (ws.project.readOnly) return { made: 0, failed: 0 };
  const layout = ws.project.layout;
  const [have, current, { characters }, { libraries }] = await Promise.all([
    listDir(layout.thumbsDir).then((names) => new Set(names)),
    isThumbCacheCurrent(layout),
    ws.characters.readAll(),
    ws.poses.readAll(),
    ws.results.load(),
  ]);
  // Built from the index's list, not spread into another: a million arguments overflow the stack.
  const wanted: WantedThumb[] = ws.results.presentImages();
  for (const l of libraries) for (const p of l.poses) wanted.push(p.image);
  for (const c of characters) for (const i of c.referenceImages) wanted.push(i);
  const missing = wanted.filter((w) => !have.has(`${w.id}.webp`));
  const small = current
    ? []
    : await findSmallThumbnails(
        layout,
        wanted.filter((w) => have.has(`${w.id}.webp`)),
        control.signal,
      );
  const todo = [...missing, ...small];
  if (todo.length === 0) {
    if (!current && !control.signal?.aborted) await markThumbCacheCurrent(layout);
    return { made: 0, failed: 0 };
  }

  let made = 0;
  let failed = 0;
  control.onProgress?.(0, todo.length, 0);
  // In batches, so a cancel (the project closing) stops within one batch.
  for (let i = 0; i < todo.length; i += 16) {
    if (control.signal?.aborted) break;
    const batch = todo.slice(i, i + 16);
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
    control.onProgress?.(made + failed, todo.length, failed);
  }
  // Only a pass that went through marks the cache (a cancelled one is checked again next time). An image
  // that failed stays without a thumbnail, so the listing above finds it again: no need to rescan sizes.
  if (!current && made + failed === todo.length) await markThumbCacheCurrent(layout);
  return { made, failed };
}
