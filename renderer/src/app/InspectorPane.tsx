import type { ReactNode } from 'react';
import { INSPECTOR, usePaneLayout } from './layout';
import { Splitter } from '../ui/Splitter';
import '../ui/layout.css';

/**
 * The inspector on the right of a view: as wide as the person made it (per project), folded while
 * Generate is open or when collapsed. The view gives it a grid column of `var(--inspector-w)`.
 */
export function InspectorPane(props: { label: string; className?: string; children: ReactNode }) {
  const layout = usePaneLayout();
  if (!layout.inspectorShown) return null;
  return (
    <div className="inspector-pane" data-pane="inspector">
      <Splitter
        label="Inspector width"
        controls="inspector"
        edge="start"
        value={layout.fitted.inspector}
        min={INSPECTOR.min}
        max={INSPECTOR.max}
        onChange={layout.setInspectorWidth}
        onToggle={layout.toggleInspector}
      />
      <aside id="inspector" className={`inspector ${props.className ?? ''}`} aria-label={props.label}>
        {props.children}
      </aside>
    </div>
  );
}
