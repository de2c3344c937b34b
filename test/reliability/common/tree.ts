/**
 * A cheap snapshot of a folder tree for "did anything get written": every entry's path, type, size, inode
 * and mtime (lstat, links not followed), no hashing. The app writes only by creating, renaming and
 * removing files (atomic writes), each of which changes an inode or a folder's mtime, so two equal
 * snapshots mean nothing was written, not even a temp file written and removed again.
 */
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export type Snapshot = Map<string, string>;

/** `ignoreMtimeOf`: paths whose mtime may move by itself (the lock files' heartbeat touches them). */
export async function snapshotTree(
  root: string,
  ignoreMtimeOf: (rel: string) => boolean = () => false,
): Promise<Snapshot> {
  const out: Snapshot = new Map();
  // Every entry of a folder at once: the walk is bound by the file system's latency, not by work.
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(join(root, rel)).catch(() => [] as string[]);
    await Promise.all(
      entries.map(async (name) => {
        const path = rel ? `${rel}/${name}` : name;
        const info = await lstat(join(root, path)).catch(() => null);
        if (!info) return;
        const kind = info.isSymbolicLink() ? 'l' : info.isDirectory() ? 'd' : info.isFile() ? 'f' : 'o';
        const mtime = ignoreMtimeOf(path) ? '' : String(info.mtimeMs);
        out.set(path, `${kind} ${info.size} ${info.ino} ${mtime}`);
        if (kind === 'd') await walk(path);
      }),
    );
  };
  const top = await lstat(root);
  out.set('.', `d ${top.ino} ${ignoreMtimeOf('.') ? '' : top.mtimeMs}`);
  await walk('');
  return out;
}

/** What changed between two snapshots, as short lines ("+ a/b", "- a/c", "~ a/d"); empty when nothing. */
export function diffTrees(before: Snapshot, after: Snapshot): string[] {
  const changes: string[] = [];
  for (const [path, sig] of after) {
    const was = before.get(path);
    if (was === undefined) changes.push(`+ ${path}`);
    else if (was !== sig) changes.push(`~ ${path}`);
  }
  for (const path of before.keys()) if (!after.has(path)) changes.push(`- ${path}`);
  return changes.sort();
}

export function sameTree(a: Snapshot, b: Snapshot): boolean {
  if (a.size !== b.size) return false;
  for (const [path, sig] of a) if (b.get(path) !== sig) return false;
  return true;
}
