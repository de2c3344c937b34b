/**
 * The cut editor's state as a pure reducer: the boxes (in the result image's pixels), which one is
 * selected, and an undo history. Pure so every gesture (drag, handle, keys, the number fields) goes
 * through the same clamping rules and one undo step per gesture, whatever produced it.
 */
import type { Box } from '../../../../src/domain/pose';

export interface Size {
  width: number;
  height: number;
}

/** The smallest box the editor keeps, in image pixels: anything smaller is a slip of the pointer. */
export const MIN_BOX = 8;

export type Handle = 'n' | 's' | 'e' | 'w' | 'ne' | 'nw' | 'se' | 'sw';
export const HANDLES: readonly Handle[] = ['nw', 'n', 'ne', 'e', 'se', 's', 'sw', 'w'];

export interface EditorState {
  image: Size;
  boxes: Box[];
  selected: number | null;
  /** Earlier box lists (undo) and undone ones (redo). */
  past: Box[][];
  future: Box[][];
  /** The boxes the editor opened with: "Reset" goes back to them, and Save knows whether they changed. */
  initial: Box[];
  /**
   * A pointer gesture in progress: 'armed' from pointer-down until the boxes first change (a click that
   * moves nothing makes no undo step), then 'active' until pointer-up (a whole drag is one undo step).
   */
  gesture: 'idle' | 'armed' | 'active';
}

export type EditorAction =
  /** A pointer gesture starts and ends: everything between is one undo step. */
  | { type: 'begin' }
  | { type: 'end' }
  | { type: 'select'; index: number | null }
  /** Moves box `index` to `origin` + (dx, dy), kept inside the image (drag and arrow keys). */
  | { type: 'move'; index: number; origin: Box; dx: number; dy: number }
  /** Drags one handle of box `index` by (dx, dy) from `origin`. */
  | { type: 'resize'; index: number; origin: Box; handle: Handle; dx: number; dy: number }
  /** Replaces box `index` (the number fields), clamped. */
  | { type: 'set'; index: number; box: Box }
  /** Adds a box and selects it. */
  | { type: 'add'; box: Box }
  | { type: 'delete'; index: number }
  | { type: 'reset' }
  | { type: 'undo' }
  | { type: 'redo' };

export function initialState(image: Size, boxes: readonly Box[]): EditorState {
  const clamped = boxes.map((b) => clampBox(b, image)).filter((b): b is Box => b !== undefined);
  return {
    image,
    boxes: clamped,
    selected: clamped.length > 0 ? 0 : null,
    past: [],
    future: [],
    initial: clamped,
    gesture: 'idle',
  };
}

/** A box made whole pixels, at least MIN_BOX (or the image) on each side, and inside the image. */
export function clampBox(box: Box, image: Size): Box | undefined {
  const width = Math.min(image.width, Math.max(Math.min(MIN_BOX, image.width), Math.round(box.width)));
  const height = Math.min(image.height, Math.max(Math.min(MIN_BOX, image.height), Math.round(box.height)));
  if (!Number.isFinite(width) || !Number.isFinite(height)) return undefined;
  const x = Math.min(image.width - width, Math.max(0, Math.round(box.x)));
  const y = Math.min(image.height - height, Math.max(0, Math.round(box.y)));
  return { x, y, width, height };
}

/**
 * One handle dragged: the edges it names follow the pointer, the opposite edges stay. An edge cannot
 * cross its opposite (the box keeps MIN_BOX) nor leave the image.
 */
export function resizeBox(origin: Box, handle: Handle, dx: number, dy: number, image: Size): Box {
  let left = origin.x;
  let top = origin.y;
  let right = origin.x + origin.width;
  let bottom = origin.y + origin.height;
  if (handle.includes('w')) left = Math.min(right - MIN_BOX, Math.max(0, Math.round(left + dx)));
  if (handle.includes('e')) right = Math.max(left + MIN_BOX, Math.min(image.width, Math.round(right + dx)));
  if (handle.includes('n')) top = Math.min(bottom - MIN_BOX, Math.max(0, Math.round(top + dy)));
  if (handle.includes('s')) bottom = Math.max(top + MIN_BOX, Math.min(image.height, Math.round(bottom + dy)));
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/** The box spanned by two points of a drag on empty image, clamped to the image. */
export function boxFromDrag(a: { x: number; y: number }, b: { x: number; y: number }, image: Size): Box {
  const left = Math.max(0, Math.min(a.x, b.x));
  const top = Math.max(0, Math.min(a.y, b.y));
  const right = Math.min(image.width, Math.max(a.x, b.x));
  const bottom = Math.min(image.height, Math.max(a.y, b.y));
  return {
    x: Math.round(left),
    y: Math.round(top),
    width: Math.round(right - left),
    height: Math.round(bottom - top),
  };
}

/**
 * Where the Add button puts a new box: the size of the selected box (or a quarter of the image's height,
 * as a standing figure's proportions), in the middle of the view, nudged until it overlaps no other box
 * when there is room, so it can be seen and grabbed at once.
 */
export function newBoxNear(state: EditorState, centre: { x: number; y: number }): Box {
  const like = state.selected !== null ? state.boxes[state.selected] : undefined;
  const height = like?.height ?? Math.round(state.image.height / 4);
  const width = like?.width ?? Math.round(height / 2);
  const base = clampBox({ x: centre.x - width / 2, y: centre.y - height / 2, width, height }, state.image);
  if (!base) return { x: 0, y: 0, width: MIN_BOX, height: MIN_BOX };
  const step = Math.max(MIN_BOX, Math.round(width / 4));
  for (let k = 0; k < 40; k++) {
    const dx = (k % 2 === 0 ? 1 : -1) * Math.ceil(k / 2) * step;
    const candidate = clampBox({ ...base, x: base.x + dx }, state.image);
    if (candidate && !state.boxes.some((b) => intersects(b, candidate))) return candidate;
  }
  return base;
}

export function intersects(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** Pairs of boxes that overlap (1-based numbers, as the person sees them): their crops may share pixels. */
export function overlappingPairs(boxes: readonly Box[]): [number, number][] {
  const pairs: [number, number][] = [];
  boxes.forEach((a, i) =>
    boxes.forEach((b, j) => {
      if (j > i && intersects(a, b)) pairs.push([i + 1, j + 1]);
    }),
  );
  return pairs;
}

const sameBoxes = (a: readonly Box[], b: readonly Box[]): boolean =>
  a.length === b.length &&
  a.every((x, i) => {
    const y = b[i];
    return !!y && x.x === y.x && x.y === y.y && x.width === y.width && x.height === y.height;
  });

export const isDirty = (state: EditorState): boolean => !sameBoxes(state.boxes, state.initial);

const HISTORY = 100;

/** The boxes change: the previous list becomes an undo step, except inside a gesture that made one. */
function withBoxes(state: EditorState, boxes: Box[], selected: number | null): EditorState {
  if (sameBoxes(boxes, state.boxes)) return { ...state, selected };
  const step = state.gesture !== 'active';
  const past = step ? [...state.past, state.boxes].slice(-HISTORY) : state.past;
  const gesture = state.gesture === 'idle' ? 'idle' : 'active';
  return { ...state, boxes, selected, past, future: [], gesture };
}

export function editorReducer(state: EditorState, action: EditorAction): EditorState {
  const replace = (index: number, box: Box | undefined): Box[] =>
    box ? state.boxes.map((b, i) => (i === index ? box : b)) : state.boxes;
  switch (action.type) {
    case 'begin':
      return { ...state, gesture: 'armed' };
    case 'end':
      return { ...state, gesture: 'idle' };
    case 'select':
      return { ...state, selected: action.index !== null && state.boxes[action.index] ? action.index : null };
    case 'move': {
      const moved = clampBox(
        { ...action.origin, x: action.origin.x + action.dx, y: action.origin.y + action.dy },
        state.image,
      );
      return withBoxes(state, replace(action.index, moved), action.index);
    }
    case 'resize': {
      const resized = resizeBox(action.origin, action.handle, action.dx, action.dy, state.image);
      return withBoxes(state, replace(action.index, resized), action.index);
    }
    case 'set':
      return withBoxes(state, replace(action.index, clampBox(action.box, state.image)), action.index);
    case 'add': {
      const box = clampBox(action.box, state.image);
      if (!box) return state;
      return withBoxes(state, [...state.boxes, box], state.boxes.length);
    }
    case 'delete': {
      if (!state.boxes[action.index]) return state;
      const boxes = state.boxes.filter((_, i) => i !== action.index);
      const selected = boxes.length === 0 ? null : Math.min(action.index, boxes.length - 1);
      return withBoxes(state, boxes, selected);
    }
    case 'reset':
      return withBoxes(state, state.initial, state.initial.length > 0 ? 0 : null);
    case 'undo': {
      const previous = state.past.at(-1);
      if (!previous) return state;
      return {
        ...state,
        boxes: previous,
        past: state.past.slice(0, -1),
        future: [state.boxes, ...state.future],
        selected:
          state.selected !== null && previous[state.selected] ? state.selected : previous.length ? 0 : null,
      };
    }
    case 'redo': {
      const next = state.future[0];
      if (!next) return state;
      return {
        ...state,
        boxes: next,
        past: [...state.past, state.boxes],
        future: state.future.slice(1),
        selected: state.selected !== null && next[state.selected] ? state.selected : next.length ? 0 : null,
      };
    }
  }
}
