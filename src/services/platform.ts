/**
 * What differs between the Electron shell and the browser host: native dialogs and the OS file manager.
 * Every member is optional; a missing one makes the matching call answer `supported: false`.
 */
export interface PlatformAdapter {
  readonly shell: 'electron' | 'browser';
  pickFolder?(options: { title?: string; forCreate?: boolean }): Promise<string | null>;
  pickFiles?(options: { title?: string; images?: boolean }): Promise<string[]>;
  showInFolder?(absolutePath: string): void;
}
