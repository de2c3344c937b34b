import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { MoreHorizontal } from 'lucide-react';
import { MenuButton, type MenuEntry } from './MenuButton';
import './layout.css';

export interface ToolbarItem {
  id: string;
  node: ReactNode;
  /** Stays in the toolbar whatever its width (shrinking if it can). */
  pinned?: boolean;
  /** Among the items that can leave, the lowest leaves first; equal ones leave from the end. */
  priority?: number;
  /** What it becomes in the overflow menu (required unless pinned). */
  menu?: readonly MenuEntry[];
  /** The width it is counted with when fitting, for an item that shrinks (a search field). */
  basis?: number;
  className?: string;
}

const GAP = 8;
const MORE = 28;

/**
 * A toolbar that never clips: items that do not fit leave it, the least important first, and are offered
 * in a "More" menu at its end as menu items. `start` items sit on the left, `end` items on the right.
 */
export function OverflowToolbar(props: {
  className?: string;
  label: string;
  start: readonly ToolbarItem[];
  end: readonly ToolbarItem[];
}) {
  const rootRef = useRef<HTMLDivElement>(null);
  const widths = useRef(new Map<string, number>());
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const all = [...props.start, ...props.end];
  const latest = useRef(all);
  useLayoutEffect(() => {
    latest.current = all;
  });
  const ids = all.map((item) => item.id).join(' ');

  // Measures the items shown and decides which fit (a hidden one keeps its last width), whenever the
  // toolbar or one of its items changes size. Runs in the observer's callback, before paint.
  useLayoutEffect(() => {
    const root = rootRef.current;
    if (!root) return;
    const fit = () => {
      for (const el of root.querySelectorAll<HTMLElement>('[data-toolbar-item]')) {
        if (!el.hidden) widths.current.set(el.dataset.toolbarItem ?? '', el.offsetWidth);
      }
      const items = latest.current;
      const style = getComputedStyle(root);
      const available =
        root.clientWidth - parseFloat(style.paddingLeft || '0') - parseFloat(style.paddingRight || '0');
      const size = (item: ToolbarItem) => item.basis ?? widths.current.get(item.id) ?? 0;
      const next = new Set<string>();
      const total = () => {
        const shown = items.filter((item) => !next.has(item.id));
        // n items and the spacer between the two ends: n gaps.
        const sum = shown.reduce((n, item) => n + size(item), 0) + GAP * shown.length;
        return next.size > 0 ? sum + GAP + MORE : sum;
      };
      const leaving = items
        .map((item, index) => ({ item, index }))
        .filter(({ item }) => !item.pinned)
        .sort((a, b) => (a.item.priority ?? 0) - (b.item.priority ?? 0) || b.index - a.index);
      for (const { item } of leaving) {
        if (total() <= available) break;
        next.add(item.id);
      }
      setHidden((hidden) =>
        next.size === hidden.size && [...next].every((id) => hidden.has(id)) ? hidden : next,
      );
    };
    const observer = new ResizeObserver(fit);
    observer.observe(root);
    for (const el of root.querySelectorAll<HTMLElement>('[data-toolbar-item]')) observer.observe(el);
    return () => observer.disconnect();
  }, [ids]);

  const render = (item: ToolbarItem) => (
    <div
      key={item.id}
      data-toolbar-item={item.id}
      className={`toolbar-item ${item.className ?? ''}`}
      hidden={hidden.has(item.id)}
    >
      {item.node}
    </div>
  );
  const overflow: MenuEntry[] = [];
  for (const item of all) {
    if (!hidden.has(item.id)) continue;
    (item.menu ?? []).forEach((entry, i) =>
      overflow.push({ ...entry, separatorBefore: overflow.length > 0 && (i === 0 || entry.separatorBefore) }),
    );
  }
  return (
    <div
      ref={rootRef}
      className={`toolbar overflow-toolbar ${props.className ?? ''}`}
      role="group"
      aria-label={props.label}
    >
      {props.start.map(render)}
      <div className="spacer" />
      {props.end.map(render)}
      {hidden.size > 0 && (
        <MenuButton
          label={`More of the ${props.label.toLowerCase()}`}
          title="More"
          className="ghost icon"
          rootClassName="toolbar-more"
          entries={overflow}
        >
          <MoreHorizontal size={16} aria-hidden />
        </MenuButton>
      )}
    </div>
  );
}
