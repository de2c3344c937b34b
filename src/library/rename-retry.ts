import { rename as fsRename } from 'node:fs/promises';

/**
 * The rename at the heart of writeFileAtomic, retried briefly on Windows only.
 *
 * Why: on Windows a rename over a file that another process has open without FILE_SHARE_DELETE fails
 * with EPERM, EBUSY or EACCES. Sync clients (OneDrive, Dropbox), virus scanners and the search indexer
 * open files for a few milliseconds right after they change, which is exactly when the app writes the
 * next version. The hold is brief, so a short retry succeeds where failing would lose the person's edit.
 * Elsewhere a rename over an open file succeeds, so those codes mean a real permission problem and
 * fail at once; so does every other code on Windows.
 *
 * The promise to the caller is unchanged: the target is the old file or the new one, never half. The
 * temp file is only renamed, never rewritten, so a retry repeats nothing but the rename.
 */
export const RENAME_RETRY_CODES: ReadonlySet<string> = new Set(['EPERM', 'EBUSY', 'EACCES']);
/** Total time spent waiting before the last error is thrown: long enough for a scanner, short for a person. */
export const RENAME_RETRY_BUDGET_MS = 1_000;
const FIRST_DELAY_MS = 10;

export interface RenameRetryDeps {
  readonly platform: NodeJS.Platform;
  readonly rename: (from: string, to: string) => Promise<void>;
  readonly sleep: (ms: number) => Promise<void>;
  readonly budgetMs: number;
}

const defaultDeps = (): RenameRetryDeps => ({
  platform: process.platform,
  rename: fsRename,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  budgetMs: RENAME_RETRY_BUDGET_MS,
});

/** rename(from, to); on win32, EPERM/EBUSY/EACCES are retried with doubling pauses for up to budgetMs. */
export async function renameWithRetry(
  from: string,
  to: string,
  deps: Partial<RenameRetryDeps> = {},
): Promise<void> {
  const { platform, rename, sleep, budgetMs } = { ...defaultDeps(), ...deps };
  let waited = 0;
  let delay = FIRST_DELAY_MS;
  for (;;) {
    try {
      await rename(from, to);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException | null)?.code;
      const retryable = platform === 'win32' && code !== undefined && RENAME_RETRY_CODES.has(code);
      if (!retryable || waited >= budgetMs) throw error;
      const pause = Math.min(delay, budgetMs - waited);
      await sleep(pause);
      waited += pause;
      delay *= 2;
    }
  }
}
