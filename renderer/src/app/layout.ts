/**
 * The window's panes: the navigator on the left, the stage, the inspector (inside the results and poses
 * views) and Generate on the right. The person's sizes are kept per project in localStorage (the window is
 * the renderer's; the project folder is not told); what is drawn is fitted to the window so that panes
 * never overlap and the stage keeps room for two grid columns: the inspector folds while Generate is
 * open, then the inspector and the navigator shrink to their minimum, then the navigator becomes a rail.
 */
import { createContext, useCallback, useContext, useEffect, useState } from 'react';
import type { Section } from './navigation';

export interface PaneSizes {
  navWidth: number;
  navCollapsed: boolean;
  inspectorWidth: number;
  inspectorCollapsed: boolean;
}

export const NAV = { min: 180, max: 400, default: 240, rail: 48 } as const;
export const INSPECTOR = { min: 260, max: 520, default: 320 } as const;
/** The least the stage keeps beside the panes (two grid columns, or a list and two pose columns). */
export const STAGE_MIN = 520;
/** Generate's width: narrower in a small window. */
export const generateWidth = (windowWidth: number): number => (windowWidth < 1200 ? 340 : 384);

const DEFAULTS: PaneSizes = {
  navWidth: NAV.default,
  navCollapsed: false,
  inspectorWidth: INSPECTOR.default,
  inspectorCollapsed: false,
};

const clamp = (n: number, min: number, max: number) => Math.min(max, Math.max(min, Math.round(n)));
export const storageKey = (projectId: string): string => `ccstudio.layout.${projectId}`;

export function readSizes(projectId: string): PaneSizes {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(storageKey(projectId)) ?? 'null');
    if (!raw || typeof raw !== 'object') return DEFAULTS;
    const r = raw as Partial<Record<keyof PaneSizes, unknown>>;
    const num = (v: unknown, d: number, min: number, max: number) =>
      typeof v === 'number' && Number.isFinite(v) ? clamp(v, min, max) : d;
    return {
      navWidth: num(r.navWidth, NAV.default, NAV.min, NAV.max),
      navCollapsed: r.navCollapsed === true,
      inspectorWidth: num(r.inspectorWidth, INSPECTOR.default, INSPECTOR.min, INSPECTOR.max),
      inspectorCollapsed: r.inspectorCollapsed === true,
    };
  } catch {
    return DEFAULTS;
  }
}

/** What is drawn, in CSS px, for a window width and the person's sizes. */
export interface FittedPanes {
  nav: number;
  /** The navigator shows icons only: collapsed by the person, or for want of room. */
  rail: boolean;
  /** 0 when folded (collapsed, or Generate is open). */
  inspector: number;
  generate: number;
}

export function fitPanes(
  sizes: PaneSizes,
  windowWidth: number,
  generateOpen: boolean,
  hasInspector: boolean,
  allowRail = true,
): FittedPanes {
  const generate = generateOpen ? generateWidth(windowWidth) : 0;
  let nav = sizes.navCollapsed ? NAV.rail : sizes.navWidth;
  let rail = sizes.navCollapsed;
  let inspector = sizes.inspectorCollapsed || generateOpen ? 0 : sizes.inspectorWidth;
  const counted = () => (hasInspector ? inspector : 0);
  const short = () => STAGE_MIN - (windowWidth - generate - nav - counted());
  if (short() > 0 && inspector > INSPECTOR.min) inspector = Math.max(INSPECTOR.min, inspector - short());
  if (short() > 0 && !rail && nav > NAV.min) nav = Math.max(NAV.min, nav - short());
  if (short() > 0 && !rail && allowRail) {
    nav = NAV.rail;
    rail = true;
  }
  return { nav, rail, inspector, generate };
}

export interface PaneLayout {
  sizes: PaneSizes;
  fitted: FittedPanes;
  /** The inspector is drawn (not collapsed, and Generate is closed). */
  inspectorShown: boolean;
  setNavWidth(width: number): void;
  toggleNav(): void;
  setInspectorWidth(width: number): void;
  /** Shows or hides the inspector; showing it while Generate is open closes Generate. */
  toggleInspector(): void;
}

export const PaneLayoutContext = createContext<PaneLayout>({
  sizes: DEFAULTS,
  fitted: { nav: NAV.default, rail: false, inspector: INSPECTOR.default, generate: 0 },
  inspectorShown: true,
  setNavWidth: () => undefined,
  toggleNav: () => undefined,
  setInspectorWidth: () => undefined,
  toggleInspector: () => undefined,
});
export const usePaneLayout = (): PaneLayout => useContext(PaneLayoutContext);

function useWindowWidth(): number {
  const [width, setWidth] = useState(() => window.innerWidth);
  useEffect(() => {
    const onResize = () => setWidth(window.innerWidth);
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);
  return width;
}

/** The workspace's pane layout for one project: its remembered sizes, fitted to the window. */
export function usePaneLayoutState(
  projectId: string,
  section: Section,
  generate: { isOpen: boolean; close(): void },
): PaneLayout {
  const [stored, setStored] = useState(() => ({ projectId, sizes: readSizes(projectId) }));
  const sizes = stored.projectId === projectId ? stored.sizes : readSizes(projectId);
  if (stored.projectId !== projectId) setStored({ projectId, sizes });
  const windowWidth = useWindowWidth();
  const update = useCallback(
    (change: (s: PaneSizes) => Partial<PaneSizes>) =>
      setStored((current) => {
        const base = current.projectId === projectId ? current.sizes : readSizes(projectId);
        const next = { ...base, ...change(base) };
        localStorage.setItem(storageKey(projectId), JSON.stringify(next));
        return { projectId, sizes: next };
      }),
    [projectId],
  );
  const [navOverride, setNavOverride] = useState(false);
  const hasInspector = section === 'results' || section === 'poses';
  const fitted = fitPanes(sizes, windowWidth, generate.isOpen, hasInspector, !navOverride);
  return {
    sizes,
    fitted,
    inspectorShown: fitted.inspector > 0,
    setNavWidth: (width) => update(() => ({ navWidth: clamp(width, NAV.min, NAV.max), navCollapsed: false })),
    toggleNav: () => {
      // A rail drawn for want of room opens when the person asks, the stage giving way.
      if (fitted.rail && !sizes.navCollapsed) setNavOverride(true);
      else {
        if (!fitted.rail) setNavOverride(false);
        update((s) => ({ navCollapsed: !s.navCollapsed }));
      }
    },
    setInspectorWidth: (width) =>
      update(() => ({
        inspectorWidth: clamp(width, INSPECTOR.min, INSPECTOR.max),
        inspectorCollapsed: false,
      })),
    toggleInspector: () => {
      if (generate.isOpen) {
        generate.close();
        update(() => ({ inspectorCollapsed: false }));
      } else update((s) => ({ inspectorCollapsed: !s.inspectorCollapsed }));
    },
  };
}
