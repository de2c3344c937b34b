import { useState, useSyncExternalStore } from 'react';
import { ZOOM_STEP, ZoomGroup, type ZoomState } from './zoom-group';
import type { CommandHandlers } from '../../app/commands';

/** One zoom group for the lifetime of a view (compare, survey, loupe...). */
export function useZoomGroup(): ZoomGroup {
  const [group] = useState(() => new ZoomGroup());
  return group;
}

export function useZoomState(group: ZoomGroup): ZoomState {
  return useSyncExternalStore(group.subscribe, group.getState);
}

/**
 * The zoom keys of UI.md, the same in every view that zooms: Z fit/100% at the pointer, + and -, Ctrl/Cmd+0
 * fit, Ctrl/Cmd+1 100%; `linking` adds L. Spread into a useKeyMap table. Digits never zoom: they rate.
 */
export function zoomKeys(group: ZoomGroup, linking = false): Record<string, () => void> {
  const keys: Record<string, () => void> = {
    z: () => group.toggleFit(),
    '+': () => group.zoomBy(ZOOM_STEP),
    '=': () => group.zoomBy(ZOOM_STEP),
    '-': () => group.zoomBy(1 / ZOOM_STEP),
    'Mod+0': () => group.fit(),
    'Mod+1': () => group.actualSize(),
  };
  if (linking) keys.l = () => group.toggleLinked();
  return keys;
}

/** The zoom keys as palette commands (same names and keys in the shortcut sheet). */
export function zoomCommands(group: ZoomGroup, linking = false): CommandHandlers {
  return {
    'zoom.toggle': () => group.toggleFit(),
    'zoom.in': () => group.zoomBy(ZOOM_STEP),
    'zoom.out': () => group.zoomBy(1 / ZOOM_STEP),
    'zoom.fit': () => group.fit(),
    'zoom.actual': () => group.actualSize(),
    ...(linking ? { 'compare.link': () => group.toggleLinked() } : {}),
  };
}
