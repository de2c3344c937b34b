import { useCallback, useMemo, useState } from 'react';
import type { Job, ProjectSummary } from '../../../src/domain';
import { errorHelp } from '../../../src/contract/error-messages';
import { NavigationContext, type Section } from './navigation';
import { TopBar } from './TopBar';
import { Sidebar } from './Sidebar';
import { ProjectNotices } from './ProjectNotices';
import { SectionView } from './SectionView';
import { GeneratePanel } from '../features/generate/GeneratePanel';
import { GENERATE_PANEL_COMBO, GeneratePanelContext } from '../features/generate/generate-context';
import { useLiveGeneration } from '../features/queue/queue-data';
import { ToastProvider, useToasts } from '../ui/Toasts';
import { useShortcut } from '../ui/keyboard';

/** The project workspace: top bar, navigator on the left, the stage in the centre, Generate on the right. */
export function Workspace(props: { project: ProjectSummary }) {
  const [section, setSection] = useState<Section>('results');
  const navigation = useMemo(() => ({ section, go: setSection }), [section]);
  const [generateOpen, setGenerateOpen] = useState(false);
  const panel = useMemo(
    () => ({
      isOpen: generateOpen,
      open: () => setGenerateOpen(true),
      close: () => setGenerateOpen(false),
      toggle: () => setGenerateOpen((open) => !open),
    }),
    [generateOpen],
  );
  useShortcut(GENERATE_PANEL_COMBO, panel.toggle);
  return (
    <ToastProvider>
      <NavigationContext.Provider value={navigation}>
        <GeneratePanelContext.Provider value={panel}>
          <LiveGeneration section={section} go={setSection} />
          <div className="app">
            <TopBar project={props.project} />
            <div className={generateOpen ? 'workspace with-generate' : 'workspace'}>
              <Sidebar />
              <main className="stage" aria-label="Stage">
                <ProjectNotices project={props.project} />
                <SectionView section={section} project={props.project} />
              </main>
              <GeneratePanel project={props.project} />
            </div>
          </div>
        </GeneratePanelContext.Provider>
      </NavigationContext.Provider>
    </ToastProvider>
  );
}

/** Keeps jobs, the queue, credits and the network live, and tells the person when a job finishes or needs them. */
function LiveGeneration(props: { section: Section; go(section: Section): void }) {
  const toasts = useToasts();
  const { section, go } = props;
  const onJob = useCallback(
    (job: Job, before: Job | undefined) => {
      if (section === 'queue') return;
      const name = `${job.label.character} × ${job.label.pose}`;
      const show = { label: 'Show', run: () => go('queue') };
      if (job.state === 'completed' && job.resultId && !before?.resultId) {
        toasts.show({ message: 'Finished', detail: name, tone: 'success', action: show });
      } else if ((job.state === 'failed' || job.state === 'unknown') && before?.state !== job.state) {
        toasts.show({
          message: job.error ? errorHelp[job.error.code].title : 'A job needs you',
          detail: name,
          tone: 'error',
          action: show,
        });
      }
    },
    [section, go, toasts],
  );
  useLiveGeneration(onJob);
  return null;
}
