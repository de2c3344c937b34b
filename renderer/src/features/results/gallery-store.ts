/**
 * What the gallery shows, outside React so the navigator's saved filters, a character's "Show results" and
 * the gallery itself share it: the filter, the sort, grid or loupe, the thumbnail size, and which saved
 * filter (if any) is active. Reset when another project opens.
 */
import { useSyncExternalStore } from 'react';
import type { ResultFilter, ResultSort } from '../../../../src/contract/calls/workspace';

export type SavedFilterId = 'picks' | 'rated4' | 'lastRun';
export type GalleryView = 'grid' | 'loupe';

export interface GalleryState {
  project: string;
  filter: ResultFilter;
  sort: ResultSort;
  view: GalleryView;
  /** Thumbnail cell size in px. */
  size: number;
  saved: SavedFilterId | null;
  /** A result to bring into view and select when the gallery next renders (from "Show" links). */
  focusId: string | null;
}

export const THUMB_MIN = 112;
export const THUMB_MAX = 320;
const SIZE_KEY = 'ccstudio.gallery.thumbSize';

function storedSize(): number {
  const n = Number(globalThis.localStorage?.getItem(SIZE_KEY));
  return Number.isFinite(n) && n >= THUMB_MIN && n <= THUMB_MAX ? n : 176;
}

let state: GalleryState = {
  project: '',
  filter: {},
  sort: 'newest',
  view: 'grid',
  size: storedSize(),
  saved: null,
  focusId: null,
};
const listeners = new Set<() => void>();

function emit(): void {
  for (const listener of listeners) listener();
}

export function setGallery(patch: Partial<GalleryState>): void {
  state = { ...state, ...patch };
  if (patch.size !== undefined) globalThis.localStorage?.setItem(SIZE_KEY, String(patch.size));
  emit();
}

/** Shows the gallery with this filter (a saved filter's id when it is one). The caller navigates. */
export function openGallery(
  filter: ResultFilter,
  saved: SavedFilterId | null = null,
  focusId: string | null = null,
): void {
  setGallery({ filter, saved, view: 'grid', focusId });
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

/** Starts from an unfiltered grid when another project opens (called by the navigator). */
export function resetGalleryFor(project: string): void {
  if (state.project === project) return;
  state = { ...state, project, filter: {}, saved: null, view: 'grid', focusId: null };
  emit();
}

export function useGallery(): GalleryState {
  return useSyncExternalStore(subscribe, () => state);
}

/** True when the filter narrows anything. */
export const isFiltered = (filter: ResultFilter): boolean =>
  Object.values(filter).some((v) => (Array.isArray(v) ? v.length > 0 : v !== undefined && v !== ''));
