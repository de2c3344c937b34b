import { join } from 'node:path';
import { stat } from 'node:fs/promises';
import { z } from 'zod';
import {
  RecentProjectSchema,
  SettingsSchema,
  defaultSettings,
  nowIso,
  type RecentProject,
  type Settings,
} from '../domain';
import { segmindAddressProblem } from '../domain/segmind-address';
import { writeJsonAtomic } from './atomic-write';
import { quarantine, readJsonFile, readJsonValue } from './json-file';

const RecentFileSchema = z.object({ projects: z.array(RecentProjectSchema.omit({ exists: true })) });
const MAX_RECENT = 20;

/**
 * The app's own data folder: settings, recent projects, the job outbox. Not the person's content, and
 * never the API key. Set with CCSTUDIO_USER_DATA so tests and development never touch real data.
 */
export class UserDataStore {
  constructor(readonly dir: string) {}

  get settingsFile(): string {
    return join(this.dir, 'settings.json');
  }
  get recentFile(): string {
    return join(this.dir, 'recent-projects.json');
  }
  get outboxDir(): string {
    return join(this.dir, 'outbox');
  }
  get quarantineDir(): string {
    return join(this.dir, 'quarantine');
  }

  async readSettings(): Promise<Settings> {
    return (
      (await this.scrubKeyFromAddress()) ??
      this.readOrQuarantine(this.settingsFile, SettingsSchema, defaultSettings())
    );
  }

  /**
   * A settings file saved before addresses carrying a key were refused may still hold one (`?key=SG_…`).
   * Quarantining it would keep the key in plain text in another file; instead the address alone is reset
   * to the default and the file rewritten without it. Null when there is nothing of the kind to scrub.
   */
  private async scrubKeyFromAddress(): Promise<Settings | null> {
    // The contained read (readJsonValue): a regular file of a sane size only, opened without waiting, so
    // a named pipe or a device in place of settings.json answers at once (readOrQuarantine then moves it
    // aside) instead of holding this call, and a thread, for ever.
    let raw: unknown;
    try {
      const read = await readJsonValue(this.settingsFile);
      if (!read.ok) return null;
      raw = read.value;
    } catch {
      return null; // a disk error: readOrQuarantine meets it again and says so
    }
    if (typeof raw !== 'object' || raw === null) return null;
    const address = (raw as { segmindBaseUrl?: unknown }).segmindBaseUrl;
    if (typeof address !== 'string' || address === '' || segmindAddressProblem(address) === null) return null;
    const parsed = SettingsSchema.safeParse({ ...raw, segmindBaseUrl: '' });
    if (!parsed.success) return null;
    await writeJsonAtomic(this.settingsFile, parsed.data);
    console.warn(
      '[ccstudio] the Segmind address in settings.json could carry the API key; it was reset to the default',
    );
    return parsed.data;
  }

  async updateSettings(changes: Partial<Settings>): Promise<Settings> {
    const next = SettingsSchema.parse({ ...(await this.readSettings()), ...changes });
    await writeJsonAtomic(this.settingsFile, next);
    return next;
  }

  async recentProjects(): Promise<RecentProject[]> {
    const file = await this.readOrQuarantine(this.recentFile, RecentFileSchema, { projects: [] });
    return Promise.all(
      file.projects.map(async (p) => ({
        ...p,
        exists: (await stat(join(p.path, 'project.json')).catch(() => null)) !== null,
      })),
    );
  }

  async rememberProject(path: string, name: string): Promise<void> {
    const file = await this.readOrQuarantine(this.recentFile, RecentFileSchema, { projects: [] });
    const projects = [
      { path, name, openedAt: nowIso() },
      ...file.projects.filter((p) => p.path !== path),
    ].slice(0, MAX_RECENT);
    await writeJsonAtomic(this.recentFile, { projects });
  }

  async forgetProject(path: string): Promise<void> {
    const file = await this.readOrQuarantine(this.recentFile, RecentFileSchema, { projects: [] });
    await writeJsonAtomic(this.recentFile, { projects: file.projects.filter((p) => p.path !== path) });
  }

  /** A damaged settings file is moved aside (never silently overwritten) and the defaults are used. */
  private async readOrQuarantine<S extends z.ZodType>(
    file: string,
    schema: S,
    fallback: z.output<S>,
  ): Promise<z.output<S>> {
    const read = await readJsonFile(file, schema);
    if (read.ok) return read.value;
    if (!read.missing) {
      await quarantine(this.dir, this.quarantineDir, file, read.reason);
      console.warn(`[ccstudio] ${file} was damaged (${read.reason}); moved to ${this.quarantineDir}`);
    }
    return fallback;
  }
}
