import { watch, type FSWatcher } from 'node:fs';

/** Past this many changed names between two looks, listing the folder once is cheaper than checking each. */
const MAX_NAMES = 20_000;

/**
 * The names that changed in one folder since the last look, from the operating system's change
 * notifications (fs.watch: inotify, FSEvents, ReadDirectoryChangesW). It lets the refresh made on window
 * focus check only what a sync tool or another program touched, instead of statting a million receipts.
 *
 * Notifications can be missed (a platform without them, an error, a flood of changes): `take()` then
 * says the list is incomplete, and the caller falls back to looking at the whole folder. Our own writes
 * are reported too; checking those costs one stat each.
 */
export class FolderWatch {
  private names = new Set<string>();
  private complete = true;
  private watcher: FSWatcher | null = null;

  constructor(dir: string) {
    try {
      this.watcher = watch(dir, { persistent: false }, (_event, name) => this.note(name));
      this.watcher.on('error', () => this.stop());
    } catch {
      this.complete = false;
    }
  }

  private note(name: string | Buffer | null): void {
    if (name === null) {
      this.complete = false; // the platform did not say which name: anything may have changed
      return;
    }
    if (!this.complete) return;
    this.names.add(name.toString());
    if (this.names.size > MAX_NAMES) {
      this.names.clear();
      this.complete = false;
    }
  }

  /** The changed names since the last take; `complete: false` when some may be missing. */
  take(): { names: Set<string>; complete: boolean } {
    const taken = { names: this.names, complete: this.complete && this.watcher !== null };
    this.names = new Set();
    // Watching again after a flood: from now on the list is complete again (if the watcher still runs).
    this.complete = this.watcher !== null;
    return taken;
  }

  /** Stops watching (the project closed, or the watcher failed: every later take is incomplete). */
  stop(): void {
    this.watcher?.close();
    this.watcher = null;
    this.complete = false;
  }
}
