import type { Handlers } from '../contract';
import type { EventBus } from './event-bus';
import type { PlatformAdapter } from './platform';
import type { SecretStore } from '../secrets/secret-store';
import type { SegmindTransport } from './runtime-network';

export interface RuntimeOptions {
  /** The app's own data (settings, recent projects, the job outbox). Never the person's content. */
  userDataDir: string;
  platform: PlatformAdapter;
  secrets: SecretStore;
  appVersion: string;
  /** Overrides the Segmind base URL from settings (CCSTUDIO_SEGMIND_URL). */
  segmindBaseUrl?: string;
  /**
   * How Segmind requests leave the process. Electron's main injects net.fetch (the OS proxy); without it,
   * Node's fetch (runtime-network.ts). createAppRuntime fills it in, so services always find one here.
   */
  segmindTransport?: SegmindTransport;
  /**
   * Whether this process sends queued jobs (default true). The CLI runs the queue only for `generate`, so
   * `ccstudio key status` never sends anything. Only one process owns the outbox at a time.
   */
  runQueue?: boolean;
}

/** The app's services, shared by Electron's main process, the browser host and the CLI. */
export interface AppRuntime {
  readonly handlers: Handlers;
  readonly events: EventBus;
  /** The root of the open project, for the media protocol's containment check; null when none is open. */
  projectRoot(): string | null;
  dispose(): Promise<void>;
}
