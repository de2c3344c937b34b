/**
 * Every command of the app, in one place: its name, its group (as UI.md's Keyboard section groups them)
 * and its keys. The shortcut sheet (?) lists the ones with keys; the command palette (Ctrl/Cmd+K) lists
 * the ones that can run right now. What a command does lives with the feature that owns it: a view
 * registers its handlers with `useCommands` while it is shown, so the palette offers exactly what applies
 * to the current view and selection, under the same name and keys the sheet shows.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { GENERATE_COMBO, GENERATE_PANEL_COMBO } from '../features/generate/generate-context';
import { STACK_KEY } from '../features/results/GalleryCell';
import { UNDO_COMBO } from '../ui/undo';

/** The groups of UI.md's Keyboard section, in its order; "Go to" holds the navigation (no keys). */
export const COMMAND_GROUPS = ['Views', 'Review', 'Zoom', 'Compare', 'Everything else', 'Go to'] as const;
export type CommandGroup = (typeof COMMAND_GROUPS)[number];
/** Where a group's keys work, as UI.md says it. */
export const GROUP_WHERE: Partial<Record<CommandGroup, string>> = {
  Review: 'grid, loupe and every review view',
  Zoom: 'loupe, compare, survey, editors',
  Compare: 'in compare',
};

export interface CommandInfo {
  title: string;
  group: CommandGroup;
  /** Key combos (see keyboard.ts: "Mod+K", "Shift+ArrowLeft", "?"); several are alternatives. */
  keys?: readonly string[];
  /** Where the keys work, when not everywhere ("in the cut editor"). */
  where?: string;
  /** More words the palette matches ("star", "favourite"). */
  keywords?: string;
  /** Listed in the palette only; the sheet shows a combined row instead (the six ratings as one). */
  sheet?: false;
  /** Listed in the sheet only: a key with no single action to run (the arrows, Space+drag). */
  palette?: false;
}

const rating = (n: number): CommandInfo => ({
  title: n === 0 ? 'Clear the rating' : `Rate ${n} star${n === 1 ? '' : 's'}`,
  group: 'Review',
  keys: [String(n)],
  keywords: 'rating stars',
  sheet: false,
});

export const COMMANDS = {
  // Views
  'view.grid': { title: 'Grid', group: 'Views', keys: ['G'], keywords: 'gallery thumbnails' },
  'view.loupe': { title: 'Loupe: one image', group: 'Views', keys: ['E'], keywords: 'enlarge single' },
  'view.compare': { title: 'Compare two results', group: 'Views', keys: ['C'], keywords: 'side by side' },
  'view.survey': { title: 'Survey 2 to 9 results', group: 'Views', keys: ['N'] },
  'view.toggle': { title: 'Toggle grid and loupe', group: 'Views', keys: [' '], palette: false },
  'view.back': {
    title: 'Back one level: close, or back one view',
    group: 'Views',
    keys: ['Escape'],
    palette: false,
  },
  // Review
  'review.rate': {
    title: 'Rate (0 clears)',
    group: 'Review',
    keys: ['0', '1', '2', '3', '4', '5'],
    palette: false,
  },
  'review.rate0': rating(0),
  'review.rate1': rating(1),
  'review.rate2': rating(2),
  'review.rate3': rating(3),
  'review.rate4': rating(4),
  'review.rate5': rating(5),
  'review.pick': { title: 'Pick', group: 'Review', keys: ['P'], keywords: 'flag keep' },
  'review.reject': { title: 'Reject', group: 'Review', keys: ['X'], keywords: 'flag' },
  'review.unflag': { title: 'Unflag', group: 'Review', keys: ['U'], keywords: 'flag clear' },
  'review.move': {
    title: 'Move between results',
    group: 'Review',
    keys: ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown'],
    palette: false,
  },
  'review.extend': {
    title: 'Extend the selection',
    group: 'Review',
    keys: ['Shift+ArrowLeft', 'Shift+ArrowRight'],
    palette: false,
  },
  'review.selectAll': { title: 'Select all', group: 'Review', keys: ['Mod+A'] },
  'review.clearSelection': { title: 'Clear the selection', group: 'Review', keywords: 'deselect none' },
  'review.trash': {
    title: 'Move to the trash',
    group: 'Review',
    keys: ['Delete', 'Backspace'],
    keywords: 'delete remove',
  },
  'review.stack': {
    title: 'Open or close a stack of cuts',
    group: 'Review',
    keys: [STACK_KEY],
    where: 'grid',
    keywords: 'expand collapse crops',
  },
  'edit.undo': { title: 'Undo', group: 'Review', keys: [UNDO_COMBO] },
  'edit.redo': { title: 'Redo', group: 'Review', keys: ['Mod+Shift+Z'], where: 'cut editor', palette: false },
  // Zoom
  'zoom.toggle': { title: 'Fit or 100% at the pointer', group: 'Zoom', keys: ['Z'] },
  'zoom.in': { title: 'Zoom in', group: 'Zoom', keys: ['+'] },
  'zoom.out': { title: 'Zoom out', group: 'Zoom', keys: ['-'] },
  'zoom.fit': { title: 'Zoom to fit', group: 'Zoom', keys: ['Mod+0'] },
  'zoom.actual': { title: 'Zoom to 100%', group: 'Zoom', keys: ['Mod+1'], keywords: 'actual pixels' },
  'zoom.wheel': { title: 'Zoom at the pointer', group: 'Zoom', keys: ['Wheel'], palette: false },
  'zoom.pan': { title: 'Pan', group: 'Zoom', keys: ['Space+Drag'], palette: false },
  // Compare
  'compare.next': { title: 'Next candidate', group: 'Compare', keys: ['ArrowRight'] },
  'compare.previous': { title: 'Previous candidate', group: 'Compare', keys: ['ArrowLeft'] },
  'compare.selectNext': { title: 'Next select', group: 'Compare', keys: ['Shift+ArrowRight'] },
  'compare.selectPrevious': { title: 'Previous select', group: 'Compare', keys: ['Shift+ArrowLeft'] },
  'compare.swap': { title: 'Swap select and candidate', group: 'Compare', keys: ['Tab'] },
  'compare.makeSelect': { title: 'Make the candidate the select', group: 'Compare', keys: ['Enter'] },
  'compare.side': { title: 'Side by side', group: 'Compare', keys: ['S'], keywords: 'mode' },
  'compare.slider': { title: 'A/B slider', group: 'Compare', keys: ['A'], keywords: 'mode divider' },
  'compare.flip': {
    title: 'Flip (hold to see the other)',
    group: 'Compare',
    keys: ['F'],
    keywords: 'mode blink',
  },
  'compare.difference': { title: 'Difference', group: 'Compare', keys: ['D'], keywords: 'mode diff' },
  'compare.divider': {
    title: 'Move the slider’s divider',
    group: 'Compare',
    keys: ['[', ']'],
    palette: false,
  },
  'compare.link': { title: 'Link or unlink zoom and pan', group: 'Compare', keys: ['L'] },
  // Everything else
  'app.palette': { title: 'Command palette', group: 'Everything else', keys: ['Mod+K'], palette: false },
  'app.shortcuts': {
    title: 'Keyboard shortcuts',
    group: 'Everything else',
    keys: ['?'],
    keywords: 'help keys cheat sheet',
  },
  'generate.run': { title: 'Generate', group: 'Everything else', keys: [GENERATE_COMBO], keywords: 'run' },
  'generate.panel': {
    title: 'Open or close Generate',
    group: 'Everything else',
    keys: [GENERATE_PANEL_COMBO],
    keywords: 'generate panel drawer',
  },
  'app.search': {
    title: 'Search results',
    group: 'Everything else',
    keys: ['Mod+F'],
    keywords: 'find filter text',
  },
  // Go to
  'go.results': { title: 'Go to Results', group: 'Go to', keywords: 'gallery images' },
  'go.picks': { title: 'Show Picks', group: 'Go to', keywords: 'saved filter flagged' },
  'go.rated4': { title: 'Show Rated 4+', group: 'Go to', keywords: 'saved filter stars' },
  'go.lastRun': { title: 'Show the last run', group: 'Go to', keywords: 'saved filter recent' },
  'go.characters': { title: 'Go to Characters', group: 'Go to' },
  'go.poses': { title: 'Go to Poses', group: 'Go to', keywords: 'pose libraries sheets' },
  'go.trash': { title: 'Go to Trash', group: 'Go to', keywords: 'deleted restore' },
  'go.queue': { title: 'Go to Queue', group: 'Go to', keywords: 'jobs running' },
  'go.spend': { title: 'Go to Spend', group: 'Go to', keywords: 'credits cost budget cap balance money' },
  'go.settings': { title: 'Go to Settings', group: 'Go to', keywords: 'preferences api key credits' },
  'characters.new': { title: 'New character…', group: 'Go to', keywords: 'describe create add' },
  'poses.import': { title: 'Import poses…', group: 'Go to', keywords: 'add images folder sheets' },
  'poses.compose': { title: 'Compose a pose sheet…', group: 'Go to', keywords: 'skeleton openpose layout' },
  'results.export': { title: 'Export the selected results…', group: 'Go to', keywords: 'save files' },
  'results.inspector': { title: 'Show or hide the inspector', group: 'Go to', keywords: 'panel receipt' },
  'app.navigator': {
    title: 'Collapse or expand the navigator',
    group: 'Go to',
    keywords: 'sidebar panel left rail',
  },
  'results.captions': { title: 'Captions under the thumbnails', group: 'Go to', keywords: 'names' },
  'results.clearFilters': { title: 'Clear the filters', group: 'Go to', keywords: 'reset all' },
  'project.switch': { title: 'Switch project', group: 'Go to', keywords: 'open close recent' },
} as const satisfies Record<string, CommandInfo>;

export type CommandId = keyof typeof COMMANDS;
export const commandInfo = (id: CommandId): CommandInfo => COMMANDS[id];
/** The first of a command's combos, for binding one key to it and for tooltips. */
export const commandKey = (id: CommandId): string => (COMMANDS[id] as CommandInfo).keys?.[0] ?? '';

/** Handlers for some commands; a missing (or undefined) one means "not available right now". */
export type CommandHandlers = Partial<Record<CommandId, (() => void) | undefined>>;

/** Every mounted `useCommands`, in the order they mounted: a later one wins for the same command. */
const owners = new Map<symbol, () => CommandHandlers>();

/**
 * Registers what some commands do while the calling component is shown (and `enabled`). The handlers are
 * read when a command runs, so they always see the component's latest state.
 */
export function useCommands(handlers: CommandHandlers, enabled = true): void {
  const ref = useRef(handlers);
  useLayoutEffect(() => {
    ref.current = handlers;
  });
  const [token] = useState(() => Symbol('commands'));
  useEffect(() => {
    if (!enabled) return;
    owners.set(token, () => ref.current);
    return () => {
      owners.delete(token);
    };
  }, [enabled, token]);
}

export interface RunnableCommand extends CommandInfo {
  id: CommandId;
  run(): void;
}

/** The commands that can run now, in the registry's order (the palette's list before anything is typed). */
export function runnableCommands(): RunnableCommand[] {
  const found = new Map<CommandId, () => void>();
  for (const read of owners.values()) {
    for (const [id, run] of Object.entries(read()) as [CommandId, (() => void) | undefined][]) {
      if (run) found.set(id, run);
    }
  }
  const out: RunnableCommand[] = [];
  for (const id of Object.keys(COMMANDS) as CommandId[]) {
    const info: CommandInfo = COMMANDS[id];
    const run = found.get(id);
    if (run && info.palette !== false) out.push({ ...info, id, run });
  }
  return out;
}

/** The sheet's content: every command with keys, grouped as UI.md groups them. */
export function shortcutGroups(): { group: CommandGroup; commands: (CommandInfo & { id: CommandId })[] }[] {
  return COMMAND_GROUPS.map((group) => ({
    group,
    commands: (Object.keys(COMMANDS) as CommandId[])
      .map((id) => ({ ...(COMMANDS[id] as CommandInfo), id }))
      .filter((c) => c.group === group && c.keys && c.keys.length > 0 && c.sheet !== false),
  })).filter((g) => g.commands.length > 0);
}

/**
 * Requests a view answers when it is shown: a command run from elsewhere ("Import poses…" from the grid)
 * goes to the view and asks; the view does it at once if it is ready, or as soon as it is.
 */
export type Intent = 'poses.import' | 'characters.new' | 'results.search' | 'settings.key';
const waiting = new Set<Intent>();
const intentListeners = new Map<Intent, Set<() => void>>();

export function requestIntent(intent: Intent): void {
  const listeners = intentListeners.get(intent);
  if (listeners && listeners.size > 0) for (const listener of listeners) listener();
  else waiting.add(intent);
}

export function useIntent(intent: Intent, handler: () => void, ready = true): void {
  const ref = useRef(handler);
  useLayoutEffect(() => {
    ref.current = handler;
  });
  useEffect(() => {
    if (!ready) return;
    const listener = () => ref.current();
    let set = intentListeners.get(intent);
    if (!set) intentListeners.set(intent, (set = new Set()));
    set.add(listener);
    if (waiting.delete(intent)) listener();
    return () => {
      set.delete(listener);
    };
  }, [intent, ready]);
}
