/**
 * Segmind allows a number of requests a minute (5 on free accounts, 50 on paid ones). A sliding window over
 * the last minute's POSTs says when the next one may leave, so the queue never earns a 429 on its own.
 */
export class RateLimiter {
  private readonly sent: number[] = [];

  constructor(
    private readonly perMinute: () => number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until another request may leave (0: now). */
  waitMs(): number {
    const now = this.now();
    while (this.sent.length > 0 && now - this.sent[0]! >= 60_000) this.sent.shift();
    if (this.sent.length < this.perMinute()) return 0;
    return 60_000 - (now - this.sent[this.sent.length - this.perMinute()]!);
  }

  /** Counts a request about to leave; returns its slot, for `release`. */
  record(): number {
    const at = this.now();
    this.sent.push(at);
    return at;
  }

  /** Gives a slot back: the request provably never left (offline, no key), so Segmind did not count it. */
  release(slot: number): void {
    const index = this.sent.indexOf(slot);
    if (index !== -1) this.sent.splice(index, 1);
  }
}
