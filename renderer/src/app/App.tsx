import { getBridge } from '../bridge/bridge';
import { keys, useBridgeQuery } from '../bridge/queries';
import { ProjectPicker } from '../features/projects/ProjectPicker';
import { Workspace } from './Workspace';

export function App() {
  const current = useBridgeQuery(keys.currentProject, () => getBridge().projects.current({}));
  if (current.isPending) return <div className="empty" aria-busy="true" />;
  if (!current.data) return <ProjectPicker />;
  return <Workspace project={current.data} />;
}
