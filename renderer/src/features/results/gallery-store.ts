/**
 * What the gallery shows, outside React so the navigator's saved filters, a character's "Show results" and
 * the gallery itself share it: the filter, the sort, grid or loupe, the thumbnail size, and which saved
 * filter (if any) is active. Reset when another project opens.
 */
import { useSyncExternalStore } from 'react';
import type { ResultFilter, ResultSort } from '../../../../src/contract/calls/workspace';

export type SavedFilterId = 'picks' | 'rated4' | 'lastRun';
/** The grid, the loupe, and the review views of features/compare (compare, survey, the same pose across results). */
export type GalleryView = 'grid' | 'loupe' | 'compare' | 'survey' | 'pose';

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
  /** Sheets whose stack of cuts is open in the grid (see `listFilter`). Per project, not persisted. */
  expanded: readonly string[];
  /** A caption line (name, stars, flag) under each grid cell. Persisted. */
  captions: boolean;
}

export const THUMB_MIN = 112;
export const THUMB_MAX = 320;
const SIZE_KEY = 'ccstudio.gallery.thumbSize';
const CAPTIONS_KEY = 'ccstudio.gallery.captions';

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
  expanded: [],
  captions: globalThis.localStorage?.getItem(CAPTIONS_KEY) === 'on',
};
const listeners = new Set<() => void>();

function emit(): void {
  for (const listener of listeners) listener();
}

export function setGallery(patch: Partial<GalleryState>): void {
  // The filter is what the person chose; how stacks are laid out is added by `listFilter`, never kept in it
  // (it would count as a filter, and outlive the stacks it names).
  const clean = patch.filter ? { ...patch, filter: withoutStacks(patch.filter) } : patch;
  state = { ...state, ...clean };
  if (patch.size !== undefined) globalThis.localStorage?.setItem(SIZE_KEY, String(patch.size));
  if (patch.captions !== undefined)
    globalThis.localStorage?.setItem(CAPTIONS_KEY, patch.captions ? 'on' : 'off');
  emit();
}

function withoutStacks(filter: ResultFilter): ResultFilter {
  if (filter.stackCuts === undefined && filter.expandedStacks === undefined) return filter;
  const { stackCuts: _stack, expandedStacks: _open, ...rest } = filter;
  return rest;
}

/**
 * What the grid lists, and so what every index into it means (the cursor, Shift ranges, the loupe's
 * steps): the chosen filter with cuts stacked under their sheets and the open stacks opened.
 */
export function listFilter(filter: ResultFilter, expanded: readonly string[]): ResultFilter {
  return {
    ...withoutStacks(filter),
    stackCuts: true,
    ...(expanded.length > 0 ? { expandedStacks: [...expanded].sort() } : {}),
  };
}

/** Opens or closes a sheet's stack. */
export function setStackOpen(sheetId: string, open: boolean): void {
  const has = state.expanded.includes(sheetId);
  if (has === open) return;
  setGallery({
    expanded: open ? [...state.expanded, sheetId] : state.expanded.filter((id) => id !== sheetId),
  });
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
  state = { ...state, project, filter: {}, saved: null, view: 'grid', focusId: null, expanded: [] };
  emit();
}

export function useGallery(): GalleryState {
  return useSyncExternalStore(subscribe, () => state);
}

/** True when the filter narrows anything. */
export const isFiltered = (filter: ResultFilter): boolean =>
  Object.values(withoutStacks(filter)).some((v) =>
    Array.isArray(v) ? v.length > 0 : v !== undefined && v !== '',
  );
