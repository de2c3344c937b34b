/**
 * The skeleton editor's state, as a pure reducer: the skeleton being edited, the selection (a figure, or
 * one of its body joints), and undo and redo. Every change goes through the core's transforms
 * (src/skeleton) and then the core's clamp, so keypoints never leave the canvas. A drag is one undo step:
 * `begin` remembers the skeleton, the moves replace it, `end` records it once.
 */
import type { Keypoint, Skeleton, SkeletonFigure } from '../../../../src/domain/skeleton';
import {
  clampToCanvas,
  deleteKeypoint,
  dropFacePoints,
  figureCentre,
  mirrorFigure,
  moveFigure,
  rotateFigure,
  scaleFigure,
} from '../../../../src/skeleton';

export interface SkeletonSelection {
  figure: number;
  /** A body keypoint's index, or null when the whole figure is selected. */
  joint: number | null;
}

export interface SkeletonEditorState {
  skeleton: Skeleton;
  /** The skeleton as it was opened: where a deleted keypoint is restored to. */
  original: Skeleton;
  past: Skeleton[];
  future: Skeleton[];
  selection: SkeletonSelection | null;
  /** The skeleton when the current drag began (undefined when no drag is running). */
  dragOrigin?: Skeleton | undefined;
}

export type FigureChange =
  | { kind: 'move'; dx: number; dy: number }
  | { kind: 'rotate'; degrees: number }
  | { kind: 'scale'; factor: number }
  | { kind: 'mirror' }
  | { kind: 'dropFace' };

export type SkeletonEditorAction =
  | { type: 'select'; selection: SkeletonSelection | null }
  | { type: 'figure'; figure: number; change: FigureChange }
  | { type: 'moveJoint'; figure: number; joint: number; to: Keypoint }
  | { type: 'nudgeJoint'; figure: number; joint: number; dx: number; dy: number }
  | { type: 'deleteJoint'; figure: number; joint: number }
  | { type: 'restoreJoint'; figure: number; joint: number }
  | { type: 'begin' }
  /** During a drag: the figure moved by (dx, dy) from where it was when the drag began. */
  | { type: 'dragFigure'; figure: number; dx: number; dy: number }
  | { type: 'end' }
  | { type: 'undo' }
  | { type: 'redo' };

const MAX_UNDO = 200;

export function initialEditorState(skeleton: Skeleton): SkeletonEditorState {
  return { skeleton, original: skeleton, past: [], future: [], selection: null };
}

export const canUndo = (s: SkeletonEditorState): boolean => s.past.length > 0;
export const canRedo = (s: SkeletonEditorState): boolean => s.future.length > 0;
/** Unsaved edits: the skeleton differs from the one opened. */
export const isDirty = (s: SkeletonEditorState): boolean =>
  JSON.stringify(s.skeleton) !== JSON.stringify(s.original);

function withFigure(skeleton: Skeleton, index: number, figure: SkeletonFigure): Skeleton {
  return {
    ...skeleton,
    figures: skeleton.figures.map((f, i) => (i === index ? clampToCanvas(figure, skeleton.canvas) : f)),
  };
}

function changed(figure: SkeletonFigure, change: FigureChange): SkeletonFigure {
  switch (change.kind) {
    case 'move':
      return moveFigure(figure, change.dx, change.dy);
    case 'rotate':
      return rotateFigure(figure, change.degrees);
    case 'scale':
      return scaleFigure(figure, change.factor);
    case 'mirror':
      return mirrorFigure(figure);
    case 'dropFace':
      return dropFacePoints(figure);
  }
}

/** Where a deleted keypoint comes back: where it was when the editor opened, else by the neck or centre. */
export function restoredPoint(state: SkeletonEditorState, figure: number, joint: number): Keypoint {
  const now = state.skeleton.figures[figure];
  const was = state.original.figures[figure]?.body[joint];
  if (was) return was;
  const neck = now?.body[1];
  const base = neck ?? (now ? figureCentre(now) : { x: 0, y: 0 });
  // A little apart from the anchor, so the restored point can be grabbed on its own.
  return { x: base.x + 12, y: base.y - 12 };
}

/** One edit: the new skeleton recorded for undo (nothing recorded when it did not change anything). */
function commit(state: SkeletonEditorState, next: Skeleton): SkeletonEditorState {
  if (JSON.stringify(next) === JSON.stringify(state.skeleton)) return state;
  return {
    ...state,
    skeleton: next,
    past: [...state.past.slice(-(MAX_UNDO - 1)), state.skeleton],
    future: [],
  };
}

export function skeletonEditorReducer(
  state: SkeletonEditorState,
  action: SkeletonEditorAction,
): SkeletonEditorState {
  const figureAt = (i: number) => state.skeleton.figures[i];
  switch (action.type) {
    case 'select':
      return { ...state, selection: action.selection };
    case 'figure': {
      const f = figureAt(action.figure);
      if (!f) return state;
      return commit(state, withFigure(state.skeleton, action.figure, changed(f, action.change)));
    }
    case 'moveJoint':
    case 'nudgeJoint':
    case 'deleteJoint':
    case 'restoreJoint': {
      const f = figureAt(action.figure);
      const p = f?.body[action.joint];
      if (!f || p === undefined) return state;
      let next: SkeletonFigure;
      if (action.type === 'deleteJoint') next = deleteKeypoint(f, action.joint);
      else {
        const to =
          action.type === 'moveJoint'
            ? action.to
            : action.type === 'restoreJoint'
              ? restoredPoint(state, action.figure, action.joint)
              : p && { x: p.x + action.dx, y: p.y + action.dy };
        if (!to) return state;
        next = { ...f, body: f.body.map((q, i) => (i === action.joint ? to : q)) };
      }
      const skeleton = withFigure(state.skeleton, action.figure, next);
      // During a drag the moves replace each other; `end` records the drag once.
      if (state.dragOrigin) return { ...state, skeleton };
      return commit(state, skeleton);
    }
    case 'begin':
      return { ...state, dragOrigin: state.skeleton };
    case 'dragFigure': {
      const origin = state.dragOrigin?.figures[action.figure];
      if (!state.dragOrigin || !origin) return state;
      return {
        ...state,
        skeleton: withFigure(state.skeleton, action.figure, moveFigure(origin, action.dx, action.dy)),
      };
    }
    case 'end': {
      const origin = state.dragOrigin;
      if (!origin) return state;
      const ended = { ...state, dragOrigin: undefined, skeleton: origin };
      return commit(ended, state.skeleton);
    }
    case 'undo': {
      const previous = state.past.at(-1);
      if (!previous || state.dragOrigin) return state;
      return {
        ...state,
        skeleton: previous,
        past: state.past.slice(0, -1),
        future: [state.skeleton, ...state.future],
      };
    }
    case 'redo': {
      const [next, ...rest] = state.future;
      if (!next || state.dragOrigin) return state;
      return { ...state, skeleton: next, past: [...state.past, state.skeleton], future: rest };
    }
  }
}
