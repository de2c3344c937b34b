import { connect } from 'node:net';

/**
 * Whether Segmind can be reached. The app learns it is offline when a request provably never left
 * (no connection could be made); it then probes, by default with a plain TCP connection, which costs
 * nothing and sends nothing, and reports when the network is back so queued jobs go out. A process whose
 * requests go through a proxy passes `canReach` to probe along that route instead (a direct connection
 * may never succeed behind a company firewall).
 */
export class NetworkMonitor {
  private online = true;
  private watching = false;
  private disposed = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<(online: boolean) => void>();

  constructor(
    private readonly baseUrl: () => string,
    private readonly probeEveryMs = 5_000,
    private readonly canReach: (baseUrl: string) => Promise<boolean> = canConnect,
  ) {}

  isOnline(): boolean {
    return this.online;
  }

  onChange(listener: (online: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Keeps probing while online too, so a lost network is noticed within seconds rather than at the next
   * paid request (and the person sees it before they press Generate). A probe costs nothing: a TCP
   * connection that sends no bytes, or a HEAD without the key along a proxy route.
   */
  watch(): void {
    this.watching = true;
    this.schedule();
  }

  /** Called when a request failed before it left: start probing until a connection succeeds. */
  reportUnreachable(): void {
    this.set(false);
    this.schedule();
  }

  /** Called when any request got an answer. */
  reportReachable(): void {
    this.set(true);
  }

  /** Probes now (used at start-up and by tests). */
  async probe(): Promise<boolean> {
    const reachable = await this.canReach(this.baseUrl());
    this.set(reachable);
    if (!reachable || this.watching) this.schedule();
    return reachable;
  }

  dispose(): void {
    this.watching = false;
    this.disposed = true;
    clearTimeout(this.timer);
    this.listeners.clear();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (this.disposed) return;
    this.timer = setTimeout(() => void this.probe(), this.probeEveryMs);
    this.timer.unref();
  }

  private set(online: boolean): void {
    if (online === this.online) return;
    this.online = online;
    if (online && !this.watching) clearTimeout(this.timer);
    for (const listener of this.listeners) listener(online);
  }
}

function canConnect(baseUrl: string, timeoutMs = 3_000): Promise<boolean> {
  const url = new URL(baseUrl);
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port, timeout: timeoutMs });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}
