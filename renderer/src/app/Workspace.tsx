import { useMemo, useState } from 'react';
import type { ProjectSummary } from '../../../src/domain';
import { NavigationContext, type Section } from './navigation';
import { TopBar } from './TopBar';
import { Sidebar } from './Sidebar';
import { ProjectNotices } from './ProjectNotices';
import { SectionView } from './SectionView';

/** The project workspace: top bar, navigator on the left, the stage in the centre. */
export function Workspace(props: { project: ProjectSummary }) {
  const [section, setSection] = useState<Section>('results');
  const navigation = useMemo(() => ({ section, go: setSection }), [section]);
  return (
    <NavigationContext.Provider value={navigation}>
      <div className="app">
        <TopBar project={props.project} />
        <div className="workspace">
          <Sidebar />
          <main className="stage" aria-label="Stage">
            <ProjectNotices project={props.project} />
            <SectionView section={section} />
          </main>
        </div>
      </div>
    </NavigationContext.Provider>
  );
}
