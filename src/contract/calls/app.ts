import { z } from 'zod';
import { call } from '../define';
import { ProjectSummarySchema, RecentProjectSchema, SettingsSchema } from '../../domain';

const Empty = z.object({}).strict();

/**
 * How this process reaches Segmind, for Settings to show: Electron's network stack with the proxy the OS
 * configures (PAC included), Node's fetch through HTTPS_PROXY where that Node honours it, or a direct
 * connection.
 */
export const ConnectionRouteSchema = z.object({
  kind: z.enum(['system-proxy', 'env-proxy', 'direct']),
  /** "System proxy (Electron)", "HTTPS_PROXY from the environment", "Direct" (with why, when it matters). */
  label: z.string(),
});
export type ConnectionRoute = z.infer<typeof ConnectionRouteSchema>;

/**
 * The Segmind address requests actually go to, and what decided it: CCSTUDIO_SEGMIND_URL in the
 * environment (which overrides the setting while it is set), the setting, or Segmind's own default.
 */
export const SegmindAddressInUseSchema = z.object({
  url: z.string(),
  source: z.enum(['environment', 'settings', 'default']),
});
export type SegmindAddressInUse = z.infer<typeof SegmindAddressInUseSchema>;

export const appCalls = {
  'app.info': call(
    Empty,
    z.object({
      version: z.string(),
      /** 'electron' in the desktop app, 'browser' in the browser host (no native dialogs). */
      shell: z.enum(['electron', 'browser']),
      online: z.boolean(),
      connection: ConnectionRouteSchema,
      segmindAddress: SegmindAddressInUseSchema,
    }),
  ),
  'projects.create': call(
    z.object({ dir: z.string().min(1).max(4096), name: z.string().trim().min(1).max(200) }).strict(),
    ProjectSummarySchema,
  ),
  'projects.open': call(z.object({ dir: z.string().min(1).max(4096) }).strict(), ProjectSummarySchema),
  'projects.close': call(Empty, z.object({ closed: z.boolean() })),
  'projects.current': call(Empty, ProjectSummarySchema.nullable()),
  'projects.recent': call(Empty, z.array(RecentProjectSchema)),
  'projects.forget': call(z.object({ path: z.string() }).strict(), z.array(RecentProjectSchema)),
  'dialogs.pickFolder': call(
    z.object({ title: z.string().max(200).optional(), forCreate: z.boolean().optional() }).strict(),
    /** `supported: false` in the browser host: the UI shows a path field instead. */
    z.object({ supported: z.boolean(), path: z.string().nullable() }),
  ),
  'dialogs.pickFiles': call(
    z.object({ title: z.string().max(200).optional(), images: z.boolean().optional() }).strict(),
    z.object({ supported: z.boolean(), paths: z.array(z.string()) }),
  ),
  'shell.showInFolder': call(z.object({ file: z.string() }).strict(), z.object({ supported: z.boolean() })),
  'settings.get': call(Empty, SettingsSchema),
  'settings.update': call(SettingsSchema.partial().strict(), SettingsSchema),
};
