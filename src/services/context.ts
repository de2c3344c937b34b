import type { z } from 'zod';
import { AppError, type Settings } from '../domain';
import type { CallSpec } from '../contract';
import type { ProjectHandle } from '../library/project-store';
import type { UserDataStore } from '../library/user-data';
import type { EventBus } from './event-bus';
import type { RuntimeOptions } from './runtime-types';

/** Handlers for one feature's slice of the contract. */
export type HandlersFor<T extends Record<string, CallSpec>> = {
  [K in keyof T]: (input: z.output<T[K]['input']>) => Promise<z.output<T[K]['output']>>;
};

/** What every service needs: the options, the app's data folder, the event bus and the open project. */
export class ServiceContext {
  private current: ProjectHandle | null = null;
  private readonly pending = new Set<Promise<unknown>>();
  private readonly projectListeners = new Set<(project: ProjectHandle | null) => void>();

  constructor(
    readonly options: RuntimeOptions,
    readonly userData: UserDataStore,
    readonly events: EventBus,
    /** Read once at start and kept current by updateSettings, so hot paths (the queue) read it synchronously. */
    public settings: Settings,
  ) {}

  async updateSettings(changes: Partial<Settings>): Promise<Settings> {
    this.settings = await this.userData.updateSettings(changes);
    return this.settings;
  }

  currentProject(): ProjectHandle | null {
    return this.current;
  }

  /** The open project, or NO_PROJECT: every project call starts here. */
  project(): ProjectHandle {
    if (!this.current) throw new AppError('NO_PROJECT', 'Open or create a project first.');
    return this.current;
  }

  /** The open project, checked writable: every mutation starts here. */
  writableProject(): ProjectHandle {
    const project = this.project();
    project.assertWritable();
    return project;
  }

  async setProject(next: ProjectHandle | null): Promise<void> {
    const previous = this.current;
    this.current = next;
    if (previous && previous !== next) await previous.close();
    for (const listener of this.projectListeners) listener(next);
  }

  /** Background work (index warm-up, thumbnail repair) that must finish before the runtime is disposed. */
  background(work: Promise<unknown>): void {
    const tracked = work.catch((error: unknown) =>
      console.error('[ccstudio] background work failed:', (error as Error)?.message),
    );
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
  }

  async settleBackground(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  onProjectChange(listener: (project: ProjectHandle | null) => void): () => void {
    this.projectListeners.add(listener);
    return () => this.projectListeners.delete(listener);
  }
}
