import { ChevronDown, Sparkles } from 'lucide-react';
import type { ProjectSummary } from '../../../src/domain';
import { getBridge } from '../bridge/bridge';
import { keys, useBridgeMutation, useBridgeQuery } from '../bridge/queries';

/** Project, credits and the online dot: the facts the person glances at. */
export function TopBar(props: { project: ProjectSummary }) {
  const bridge = getBridge();
  const info = useBridgeQuery(keys.appInfo, () => bridge.app.info({}));
  const close = useBridgeMutation(bridge.projects.close, [keys.currentProject, keys.recentProjects]);
  const online = info.data?.online ?? true;
  return (
    <header className="topbar">
      <div className="brand">
        <div className="brand-mark" style={{ width: 24, height: 24, borderRadius: 6 }} aria-hidden>
          <Sparkles size={14} />
        </div>
      </div>
      <button className="ghost" onClick={() => close.mutate({})} title="Switch project" aria-label={`Project ${props.project.name}: switch project`}>
        <span className="project-name">{props.project.name}</span>
        {props.project.readOnly && <span className="pill warn">Read-only</span>}
        <ChevronDown size={14} />
      </button>
      <div className="spacer" />
      <span className="pill tabular" title="Segmind credits">
        Credits —
      </span>
      <span className="pill" role="status" aria-label={online ? 'Online' : 'Offline'}>
        <span className={online ? 'dot' : 'dot offline'} aria-hidden /> {online ? 'Online' : 'Offline'}
      </span>
    </header>
  );
}
