/**
 * Commits gathered into batches, so that importing n poses does not rewrite library.json n times (each
 * rewrite is the whole library: a thousand poses wrote the file a thousand times, 429 MB in all).
 *
 * What a caller is promised: `add(value)` resolves once a `write` that included the value has succeeded,
 * or rejects with that write's error; values are written in the order they were added, one write at a
 * time. Until then the value is in no file: the caller keeps whatever the value names (an image) held
 * in flight, so that a crash meanwhile leaves it to the reconciliation at open (reconcile-leftovers.ts),
 * which moves it aside as unrecorded.
 *
 * When a batch is written: as soon as any of these holds.
 * - Nothing else is under way (`idle`): the last files of an import are not kept waiting.
 * - It holds half as many as the list held after the last write (at least `minSize`): the writes grow
 *   with the list, so all of them together write about three times the final list, not n times.
 * - `maxBytes` of input wait in it: what waits is bounded whatever the files' sizes.
 * - Its first value has waited `interval` ms, or twenty times as long as the last write took when that
 *   is more (the writes then take at most about 5% of the time): a slow import still lands, while a
 *   long list is not rewritten every second.
 */
export interface BatchPolicy {
  minSize: number;
  maxBytes: number;
  interval: number;
}

export const DEFAULT_BATCH_POLICY: BatchPolicy = {
  minSize: 64,
  maxBytes: 64 * 1024 * 1024,
  interval: 2000,
};

interface Waiting<V> {
  value: V;
  written: () => void;
  failed: (error: unknown) => void;
}

export class CommitBatches<V> {
  private waiting: Waiting<V>[] = [];
  private waitingBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private writes: Promise<void> = Promise.resolve();
  private writeQueued = false;
  private watchingIdle = false;
  private lastWriteMs = 0;

  /**
   * `write` stores a batch and answers how long the list is now; `idle` resolves when nothing else is
   * under way (CommitTurn.idle); `listed` is how long the list is to begin with.
   */
  constructor(
    private readonly write: (values: V[]) => Promise<number>,
    private readonly idle: () => Promise<void>,
    private listed = 0,
    private readonly policy: BatchPolicy = DEFAULT_BATCH_POLICY,
  ) {}

  /** Adds a value (`bytes`: the input it stands for); resolves once it is written. */
  add(value: V, bytes = 0): Promise<void> {
    return new Promise<void>((written, failed) => {
      this.waiting.push({ value, written, failed });
      this.waitingBytes += bytes;
      const size = Math.max(this.policy.minSize, Math.ceil(this.listed / 2));
      if (this.waiting.length >= size || this.waitingBytes >= this.policy.maxBytes) {
        this.flush();
        return;
      }
      this.timer ??= setTimeout(() => this.flush(), Math.max(this.policy.interval, this.lastWriteMs * 20));
      if (!this.watchingIdle) {
        this.watchingIdle = true;
        void this.idle().then(() => {
          this.watchingIdle = false;
          this.flush();
        });
      }
    });
  }

  /** Writes what waits, after the write under way (if any); what is added meanwhile joins it. */
  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.writeQueued) return;
    this.writeQueued = true;
    this.writes = this.writes.then(async () => {
      this.writeQueued = false;
      const batch = this.waiting;
      this.waiting = [];
      this.waitingBytes = 0;
      if (batch.length === 0) return;
      const started = performance.now();
      try {
        this.listed = await this.write(batch.map((w) => w.value));
        for (const w of batch) w.written();
      } catch (error) {
        for (const w of batch) w.failed(error);
      }
      this.lastWriteMs = performance.now() - started;
    });
  }
}
