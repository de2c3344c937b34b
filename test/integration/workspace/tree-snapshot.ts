import { createHash } from 'node:crypto';
import { lstat, readFile, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Every entry under `dir` with what it is and its content's hash (a link: its target), sorted: two
 * snapshots are equal exactly when nothing in the folder was added, removed or changed.
 */
export async function treeSnapshot(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (relative: string): Promise<void> => {
    const entries = await readdir(join(dir, relative), { withFileTypes: true });
    for (const entry of entries) {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      const full = join(dir, path);
      const info = await lstat(full);
      if (info.isSymbolicLink()) out.push(`${path} -> ${await readlink(full)}`);
      else if (info.isDirectory()) {
        out.push(`${path}/`);
        await walk(path);
      } else
        out.push(
          `${path} ${createHash('sha256')
            .update(await readFile(full))
            .digest('hex')}`,
        );
    }
  };
  await walk('');
  return out.sort();
}
