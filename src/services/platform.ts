/**
 * What differs between the Electron shell and the browser host: native dialogs and the OS file manager.
 * Every member is optional; a missing one makes the matching call answer `supported: false`.
 */
export interface PlatformAdapter {
  readonly shell: 'electron' | 'browser';
  pickFolder?(options: { title?: string; forCreate?: boolean }): Promise<string | null>;
  pickFiles?(options: { title?: string; images?: boolean }): Promise<string[]>;
  showInFolder?(absolutePath: string): void;
  /** Puts text on the OS clipboard. */
  writeClipboardText?(text: string): Promise<void>;
  /** Puts an image (PNG bytes) on the OS clipboard. */
  writeClipboardImage?(png: Buffer): Promise<void>;
  /**
   * Starts an OS drag of these files (absolute paths the core has checked are inside the open project)
   * from the app window; `icon` is PNG bytes (non-empty: macOS refuses a drag without one).
   */
  startDrag?(files: string[], icon: Buffer): void;
}
