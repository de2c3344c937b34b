import type { DragEvent } from 'react';
import { getBridge } from '../../bridge/bridge';
import { keys, useBridgeQuery } from '../../bridge/queries';

/**
 * The clipboard and drags out of the window, wherever the app runs:
 *
 * - in the desktop app, main does the OS work through the contract (clipboard.writeText,
 *   clipboard.writeImage, shell.startDrag): the page holds no clipboard permission at all
 *   (main/security.ts), and main checks every file is an image of the open project;
 * - in the browser host, what a browser can do: navigator.clipboard for text and a PNG image, and a
 *   drag that carries the image under the pointer as a download (Chromium's DownloadURL). A browser
 *   cannot hand several files to the OS in one drag; `browserDragNote` says so where it matters.
 */
export type Shell = 'electron' | 'browser';

/** The shell the page runs in, from app.info (cached for the session). */
export function useShell(): Shell | undefined {
  const info = useBridgeQuery(keys.appInfo, () => getBridge().app.info({}));
  return info.data?.shell;
}

/** Puts text on the clipboard: through main in the desktop app, navigator.clipboard in a browser. */
export async function copyText(shell: Shell | undefined, text: string): Promise<void> {
  if (shell === 'electron') {
    const answer = await getBridge().clipboard.writeText({ text });
    if (answer.supported) return;
  }
  await navigator.clipboard.writeText(text);
}

/**
 * Puts a project image on the clipboard as an image (PNG, what other apps paste). In a browser the
 * image is fetched and re-encoded as PNG in the page (the only image type browsers put on the
 * clipboard); the ClipboardItem is given the pending PNG so the click's permission still holds.
 */
export async function copyImage(shell: Shell | undefined, file: string): Promise<void> {
  if (shell === 'electron') {
    const answer = await getBridge().clipboard.writeImage({ file });
    if (answer.supported) return;
  }
  if (typeof ClipboardItem === 'undefined' || !navigator.clipboard?.write)
    throw new Error('This browser cannot put images on the clipboard.');
  await navigator.clipboard.write([new ClipboardItem({ 'image/png': pngOf(getBridge().mediaUrl(file)) })]);
}

async function pngOf(url: string): Promise<Blob> {
  const response = await fetch(url);
  if (!response.ok) throw new Error('The image could not be read.');
  const bitmap = await createImageBitmap(await response.blob());
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('The image could not be drawn.');
    context.drawImage(bitmap, 0, 0);
    return await canvas.convertToBlob({ type: 'image/png' });
  } finally {
    bitmap.close();
  }
}

const MIME_BY_EXTENSION: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
  gif: 'image/gif',
  tif: 'image/tiff',
};

/** What a dragged file is called where it is dropped (its id-named file name: that is what is on disk). */
const fileNameOf = (file: string): string => file.slice(file.lastIndexOf('/') + 1);

/**
 * Starts a drag of project images out of the window, from a `dragstart`. Desktop app: the page's own
 * drag is cancelled and main starts an OS drag of every file (shell.startDrag; main refuses anything
 * that is not an image of the project). Browser: the first file (the one under the pointer) travels as
 * a Chromium download (`DownloadURL`), the only way a page can drop a file on the desktop. Answers how
 * many of the files the drag carries.
 */
export function startDragOut(shell: Shell | undefined, event: DragEvent, files: readonly string[]): number {
  if (files.length === 0) return 0;
  if (shell === 'electron') {
    event.preventDefault();
    void getBridge()
      .shell.startDrag({ files: [...files] })
      .catch((error: unknown) => console.warn('[ccstudio] the drag could not start:', error));
    return files.length;
  }
  const first = files[0]!;
  const extension = first.slice(first.lastIndexOf('.') + 1).toLowerCase();
  const mime = MIME_BY_EXTENSION[extension] ?? 'application/octet-stream';
  const url = new URL(getBridge().mediaUrl(first), window.location.href).href;
  event.dataTransfer.effectAllowed = 'copy';
  event.dataTransfer.setData('DownloadURL', `${mime}:${fileNameOf(first)}:${url}`);
  return 1;
}

/** Said where several results are dragged in a browser, which carries only one. */
export const browserDragNote =
  'In the browser a drag carries one image (the one under the pointer); the desktop app drags them all.';
