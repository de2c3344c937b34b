/**
 * The canary-key scan of the reliability suites (issue 9): the API key the suite's app runs with must
 * never be found in any file the app wrote (projects, user data, outbox, exports, logs, quarantine), in
 * any encoding a careless write would use. Each suite scans its folders before removing them and counts
 * what it finds; a single file is a failure.
 */
import { lstat, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Files larger than this are images and databases: still searched, in one read. */
const MAX_READ = 256 * 1024 * 1024;

/** The files under `dir` (links not followed) whose bytes hold `key` as UTF-8/Latin-1 or UTF-16LE. */
export async function filesHoldingKey(dir: string, key: string): Promise<string[]> {
  const needles = [Buffer.from(key, 'utf8'), Buffer.from(key, 'utf16le')];
  const found: string[] = [];
  const walk = async (path: string): Promise<void> => {
    const info = await lstat(path).catch(() => null);
    if (!info) return;
    if (info.isDirectory()) {
      for (const name of await readdir(path).catch(() => [])) await walk(join(path, name));
      return;
    }
    if (!info.isFile() || info.size > MAX_READ) return;
    const bytes = await readFile(path).catch(() => null);
    if (bytes && needles.some((n) => bytes.includes(n))) found.push(path);
  };
  await walk(dir);
  return found;
}

/** True when `text` (a child's output, a log line) holds `key`. */
export const textHoldsKey = (text: string, key: string): boolean => text.includes(key);
