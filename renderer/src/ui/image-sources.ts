import { useRef, useState, type DragEvent } from 'react';
import { MAX_UPLOAD_BASE64, type ImageSource } from '../../../src/contract/calls/workspace';

declare global {
  interface Window {
    /** Electron's preload: the absolute path of a dropped file ('' for one not on disk). Absent in the browser host. */
    appFiles?: { pathFor(file: File): string };
  }
}

const IMAGE_NAME = /\.(png|jpe?g|jfif|webp|avif|tiff?|gif|heic|heif)$/i;

export interface DroppedSources {
  sources: ImageSource[];
  /** Files that cannot be sent (too large to upload from the browser host), named with the reason. */
  refused: { file: string; reason: string }[];
}

function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('unreadable'));
    reader.readAsDataURL(file);
  });
}

interface FsEntry {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
  fullPath: string;
  file?(success: (file: File) => void, failure: (error: unknown) => void): void;
  createReader?(): {
    readEntries(success: (entries: FsEntry[]) => void, failure: (error: unknown) => void): void;
  };
}

/** The files inside a dropped folder (browser host only: Electron gives the folder's path instead). */
async function filesIn(entry: FsEntry): Promise<{ file: File; name: string }[]> {
  if (entry.isFile && entry.file) {
    const file = await new Promise<File>((resolve, reject) => entry.file?.(resolve, reject));
    return [{ file, name: entry.fullPath.replace(/^\//, '') }];
  }
  if (!entry.isDirectory || !entry.createReader) return [];
  const reader = entry.createReader();
  const all: FsEntry[] = [];
  // readEntries answers in batches until it answers an empty one.
  for (;;) {
    const batch = await new Promise<FsEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    all.push(...batch);
  }
  all.sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
  const out: { file: File; name: string }[] = [];
  for (const child of all) {
    if (child.name.startsWith('.')) continue;
    if (child.isFile && !IMAGE_NAME.test(child.name)) continue;
    out.push(...(await filesIn(child)));
  }
  return out;
}

/**
 * What was dropped, as the contract's image sources: in Electron a path per file or folder (the app
 * reads it, folders are walked there); in the browser host the bytes are uploaded, and dropped folders
 * are walked here.
 */
export async function sourcesFromDrop(data: DataTransfer): Promise<DroppedSources> {
  const out: DroppedSources = { sources: [], refused: [] };
  const picked: { file: File; name: string }[] = [];
  const items = Array.from(data.items ?? []);
  const entries = items
    .map((item) =>
      item.kind === 'file' && 'webkitGetAsEntry' in item ? (item.webkitGetAsEntry() as FsEntry | null) : null,
    )
    .filter((e): e is FsEntry => e !== null);
  const files = Array.from(data.files);
  for (const [i, file] of files.entries()) {
    const path = window.appFiles?.pathFor(file) ?? '';
    if (path) {
      out.sources.push({ path });
      continue;
    }
    const entry = entries[i];
    if (entry?.isDirectory) picked.push(...(await filesIn(entry)));
    else picked.push({ file, name: file.name });
  }
  for (const { file, name } of picked) {
    if (Math.ceil(file.size / 3) * 4 > MAX_UPLOAD_BASE64) {
      out.refused.push({ file: name, reason: 'It is too large to upload here; add it by its path instead.' });
      continue;
    }
    try {
      out.sources.push({ name: name.slice(-255), dataBase64: await readBase64(file) });
    } catch {
      out.refused.push({ file: name, reason: 'It could not be read.' });
    }
  }
  return out;
}

const hasFiles = (event: DragEvent): boolean => Array.from(event.dataTransfer?.types ?? []).includes('Files');

/**
 * Drop target props for an element, and whether files are being dragged over it. `onDrop` receives the
 * dropped sources (already turned into paths or uploads).
 */
export function useFileDrop(onDrop: (dropped: DroppedSources) => void, enabled = true) {
  const [over, setOver] = useState(false);
  const depth = useRef(0);
  const props = {
    onDragEnter: (event: DragEvent) => {
      if (!enabled || !hasFiles(event)) return;
      event.preventDefault();
      depth.current++;
      setOver(true);
    },
    onDragOver: (event: DragEvent) => {
      if (!enabled || !hasFiles(event)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    },
    onDragLeave: (event: DragEvent) => {
      if (!enabled || !hasFiles(event)) return;
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setOver(false);
    },
    onDrop: (event: DragEvent) => {
      if (!enabled || !hasFiles(event)) return;
      event.preventDefault();
      depth.current = 0;
      setOver(false);
      void sourcesFromDrop(event.dataTransfer).then(onDrop);
    },
  };
  return { over, props };
}
