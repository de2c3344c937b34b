import {
  ClipboardItem,
  clipboard,
  dialog,
  nativeImage,
  shell,
  type BrowserWindow,
  type OpenDialogOptions,
} from 'electron';
import { AppError } from '../src/domain/errors';
import type { PlatformAdapter } from '../src/services/platform';

const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp'];
/** The drag icon's width in px (the OS shows it under the pointer; 640 px thumbnails would cover the screen). */
export const DRAG_ICON_WIDTH = 96;

/**
 * Native folder and file pickers, "Show in folder", the clipboard and drags out of the window. The
 * clipboard and the drag are done here, in main, for the renderer (through the contract), so the
 * renderer holds no clipboard permission (security.ts). The core has already checked every path is an
 * image inside the open project and made the PNG bytes (src/library/transfer/os-files.ts).
 */
export function createElectronPlatform(getWindow: () => BrowserWindow | null): PlatformAdapter {
  const open = async (options: OpenDialogOptions): Promise<string[]> => {
    const win = getWindow();
    const result =
      win && !win.isDestroyed()
        ? await dialog.showOpenDialog(win, options)
        : await dialog.showOpenDialog(options);
    return result.canceled ? [] : result.filePaths;
  };
  return {
    shell: 'electron',
    pickFolder: async ({ title, forCreate }) => {
      const paths = await open({
        ...(title ? { title } : {}),
        properties: forCreate ? ['openDirectory', 'createDirectory', 'promptToCreate'] : ['openDirectory'],
      });
      return paths[0] ?? null;
    },
    pickFiles: async ({ title, images }) =>
      open({
        ...(title ? { title } : {}),
        properties: ['openFile', 'multiSelections'],
        ...(images ? { filters: [{ name: 'Images', extensions: IMAGE_EXTENSIONS }] } : {}),
      }),
    showInFolder: (absolutePath) => shell.showItemInFolder(absolutePath),
    writeClipboardText: (text) => clipboard.writeText(text),
    // Electron's clipboard is modelled on the W3C one: one item, PNG bytes under 'image/png'.
    writeClipboardImage: (png) =>
      clipboard.write([
        new ClipboardItem({ 'image/png': new Blob([new Uint8Array(png)], { type: 'image/png' }) }),
      ]),
    startDrag: (files, icon) => {
      const win = getWindow();
      if (!win || win.isDestroyed()) throw new AppError('INTERNAL', 'There is no app window to drag from.');
      const full = nativeImage.createFromBuffer(icon);
      // macOS refuses a drag without an icon: an empty one (a thumbnail nativeImage cannot read) is an error.
      if (full.isEmpty()) throw new AppError('INTERNAL', 'The drag could not be started.');
      const small =
        full.getSize().width > DRAG_ICON_WIDTH
          ? full.resize({ width: DRAG_ICON_WIDTH, quality: 'good' })
          : full;
      win.webContents.startDrag({ file: files[0]!, files, icon: small });
    },
  };
}
