import { dialog, shell, type BrowserWindow, type OpenDialogOptions } from 'electron';
import type { PlatformAdapter } from '../src/services/platform';

const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp'];

/** Native folder and file pickers and "Show in folder", attached to the app window when there is one. */
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
  };
}
