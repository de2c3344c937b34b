import { open, rm, utimes, stat, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { readRegularFile } from './contained-fs';

interface LockBody {
  pid: number;
  host: string;
  token: string;
  startedAt: string;
}

/** A lock from another machine (a synced folder) is stale once it has not been refreshed for this long. */
const STALE_AFTER_MS = 2 * 60_000;
const HEARTBEAT_MS = 30_000;

export type LockOutcome = { acquired: true; lock: ProjectLock } | { acquired: false; heldBy: string };

/**
 * Stops two app instances from writing one project at once. The lock file names the process holding it;
 * a lock whose process is gone (same machine) or that stopped its heartbeat (another machine) is taken over.
 */
export class ProjectLock {
  private timer: NodeJS.Timeout | undefined;
  private constructor(
    readonly file: string,
    private readonly token: string,
  ) {}

  static async acquire(file: string): Promise<LockOutcome> {
    await mkdir(dirname(file), { recursive: true });
    const body: LockBody = {
      pid: process.pid,
      host: hostname(),
      token: randomBytes(8).toString('hex'),
      startedAt: new Date().toISOString(),
    };
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const handle = await open(file, 'wx', 0o644);
        try {
          await handle.writeFile(JSON.stringify(body));
          await handle.sync();
        } finally {
          await handle.close();
        }
        const lock = new ProjectLock(file, body.token);
        lock.startHeartbeat();
        return { acquired: true, lock };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = await readHolder(file);
        if (holder && !(await isStale(file, holder))) {
          return { acquired: false, heldBy: describeHolder(holder) };
        }
        await rm(file, { force: true });
      }
    }
    return { acquired: false, heldBy: 'another app instance' };
  }

  private startHeartbeat(): void {
    this.timer = setInterval(() => {
      const now = new Date();
      utimes(this.file, now, now).catch(() => undefined);
    }, HEARTBEAT_MS);
    this.timer.unref();
  }

  /** Releases the lock only if it is still ours (a stale-lock takeover by another instance is respected). */
  async release(): Promise<void> {
    clearInterval(this.timer);
    const holder = await readHolder(this.file);
    if (holder?.token === this.token) await rm(this.file, { force: true });
  }
}

/**
 * The lock file's body, or null when it is not a lock this app wrote. Only a regular file of a few KB is
 * read, never through a link in its last step: a pipe, a device or a link in its place is no lock (and is
 * removed like a stale one), and never holds the open waiting.
 */
async function readHolder(file: string): Promise<LockBody | null> {
  try {
    const read = await readRegularFile(file, 64 * 1024, { noFollow: true });
    if (!read.ok) return null;
    const body = JSON.parse(read.bytes.toString('utf8')) as Partial<LockBody>;
    if (typeof body.pid === 'number' && typeof body.host === 'string' && typeof body.token === 'string') {
      return body as LockBody;
    }
    return null;
  } catch {
    return null;
  }
}

async function isStale(file: string, holder: LockBody): Promise<boolean> {
  if (holder.host === hostname()) return !processAlive(holder.pid);
  const info = await stat(file).catch(() => null);
  return !info || Date.now() - info.mtimeMs > STALE_AFTER_MS;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const describeHolder = (holder: LockBody): string =>
  holder.host === hostname()
    ? `another Consistent Character Studio window on this computer (process ${holder.pid})`
    : `Consistent Character Studio on the computer "${holder.host}"`;
