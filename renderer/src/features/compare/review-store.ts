/**
 * What the review views show, outside React so the grid, the inspector, the queue and the keyboard can open
 * them: the compare view's select and candidate, its mode and which side the review keys act on; the
 * survey's images; the same-pose view's sheet and figure; and a pending "Compare with…" that waits for the
 * person to click the other result. Opening a view also switches the gallery to it.
 */
import { useSyncExternalStore } from 'react';
import { setGallery } from '../results/gallery-store';

export type CompareMode = 'side' | 'slider' | 'flip' | 'difference';
export type CompareSide = 'select' | 'candidate';

export interface ReviewViewsState {
  compare: {
    selectId: string;
    candidateId: string;
    mode: CompareMode;
    /** The side rating and flags apply to. */
    focus: CompareSide;
    /** The A/B slider's divider, 0..1 from the left. */
    divider: number;
    /** Flip mode: true while the candidate is shown in place of the select. */
    flipped: boolean;
  } | null;
  survey: { ids: string[]; focusId: string | null } | null;
  samePose: { poseId: string; figure: number } | null;
  /** "Compare with…" was chosen on this result: the next result clicked in the grid is the candidate. */
  choosingFor: string | null;
}

/** Survey shows at most this many images (3x3). */
export const SURVEY_MAX = 9;

let state: ReviewViewsState = { compare: null, survey: null, samePose: null, choosingFor: null };
const listeners = new Set<() => void>();

function set(patch: Partial<ReviewViewsState>): void {
  state = { ...state, ...patch };
  for (const listener of listeners) listener();
}

export const getReviewViews = (): ReviewViewsState => state;

export function useReviewViews(): ReviewViewsState {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => state,
  );
}

export function openCompare(selectId: string, candidateId: string): void {
  const previous = state.compare;
  set({
    compare: {
      selectId,
      candidateId,
      mode: previous?.mode ?? 'side',
      focus: 'candidate',
      divider: previous?.divider ?? 0.5,
      flipped: false,
    },
    choosingFor: null,
  });
  setGallery({ view: 'compare' });
}

export function updateCompare(patch: Partial<NonNullable<ReviewViewsState['compare']>>): void {
  if (state.compare) set({ compare: { ...state.compare, ...patch } });
}

export function openSurvey(ids: readonly string[]): void {
  const unique = [...new Set(ids)].slice(0, SURVEY_MAX);
  if (unique.length < 2) return;
  set({ survey: { ids: unique, focusId: unique[0] ?? null }, choosingFor: null });
  setGallery({ view: 'survey' });
}

export function updateSurvey(patch: Partial<NonNullable<ReviewViewsState['survey']>>): void {
  if (state.survey) set({ survey: { ...state.survey, ...patch } });
}

export function openSamePose(poseId: string, figure = 0): void {
  set({ samePose: { poseId, figure }, choosingFor: null });
  setGallery({ view: 'pose' });
}

export function chooseCompareFor(id: string | null): void {
  set({ choosingFor: id });
}

/** Another project opened: nothing of the last one's review views survives. */
export function resetReviewViews(): void {
  state = { compare: null, survey: null, samePose: null, choosingFor: null };
  for (const listener of listeners) listener();
}
