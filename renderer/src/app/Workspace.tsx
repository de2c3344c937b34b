import { useCallback, useEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import type { Job, ProjectSummary } from '../../../src/domain';
import { errorHelp } from '../../../src/contract/error-messages';
import { NavigationContext, type Section } from './navigation';
import { TopBar } from './TopBar';
import { Sidebar } from './Sidebar';
import { ProjectNotices } from './ProjectNotices';
import { StatusBanners } from './StatusBanners';
import { SectionView } from './SectionView';
import { GeneratePanel } from '../features/generate/GeneratePanel';
import { GENERATE_PANEL_COMBO, GeneratePanelContext } from '../features/generate/generate-context';
import { useLiveGeneration } from '../features/queue/queue-data';
import { ToastProvider, useToasts } from '../ui/Toasts';
import { useShortcut } from '../ui/keyboard';
import { commandKey, requestIntent, useCommands } from './commands';
import { CommandPalette } from './CommandPalette';
import { ShortcutSheet } from './ShortcutSheet';
import { PaneLayoutContext, usePaneLayoutState } from './layout';

const HISTORY_MAX = 20;

/** The project workspace: top bar, navigator on the left, the stage in the centre, Generate on the right. */
export function Workspace(props: { project: ProjectSummary }) {
  const [section, setSection] = useState<Section>('results');
  // The sections visited before this one: Esc with nothing else to back out of goes back one.
  const history = useRef<Section[]>([]);
  const go = useCallback(
    (next: Section) => {
      if (next !== section) history.current = [...history.current.slice(1 - HISTORY_MAX), section];
      setSection(next);
    },
    [section],
  );
  const navigation = useMemo(() => ({ section, go }), [section, go]);
  const [generateOpen, setGenerateOpen] = useState(false);
  const [paletteOpen, setPaletteOpen] = useState(false);
  const [sheetOpen, setSheetOpen] = useState(false);
  const panel = useMemo(
    () => ({
      isOpen: generateOpen,
      open: () => setGenerateOpen(true),
      close: () => setGenerateOpen(false),
      toggle: () => setGenerateOpen((open) => !open),
    }),
    [generateOpen],
  );
  const layout = usePaneLayoutState(props.project.id, section, panel);
  useShortcut(GENERATE_PANEL_COMBO, panel.toggle);
  useShortcut(commandKey('app.palette'), () => setPaletteOpen(true));
  useShortcut(commandKey('app.shortcuts'), () => setSheetOpen(true));
  const focusSearch = () => {
    go('results');
    requestIntent('results.search');
  };
  useShortcut(commandKey('app.search'), focusSearch, { inInputs: true });
  useBackOutFallback(() => {
    if (generateOpen) setGenerateOpen(false);
    else {
      const previous = history.current.at(-1);
      if (!previous) return false;
      history.current = history.current.slice(0, -1);
      setSection(previous);
    }
    return true;
  });
  useCommands({
    'go.results': () => go('results'),
    'go.characters': () => go('characters'),
    'go.poses': () => go('poses'),
    'go.trash': () => go('trash'),
    'go.queue': () => go('queue'),
    'go.settings': () => go('settings'),
    'characters.new': props.project.readOnly
      ? undefined
      : () => {
          go('characters');
          requestIntent('characters.new');
        },
    'poses.import': props.project.readOnly
      ? undefined
      : () => {
          go('poses');
          requestIntent('poses.import');
        },
    'generate.panel': panel.toggle,
    'app.navigator': layout.toggleNav,
    'app.shortcuts': () => setSheetOpen(true),
    'app.search': focusSearch,
  });
  // Toasts sit beside the navigator (primitives.css): they are outside the workspace, so they are told
  // its width on the document.
  const navWidth = layout.fitted.nav;
  useEffect(() => {
    const root = document.documentElement.style;
    root.setProperty('--toast-left', `${navWidth}px`);
    return () => {
      root.removeProperty('--toast-left');
    };
  }, [navWidth]);

  return (
    <ToastProvider>
      <NavigationContext.Provider value={navigation}>
        <GeneratePanelContext.Provider value={panel}>
          <PaneLayoutContext.Provider value={layout}>
            <LiveGeneration section={section} go={go} />
            <div className="app">
              <TopBar
                project={props.project}
                onPalette={() => setPaletteOpen(true)}
                onShortcuts={() => setSheetOpen(true)}
              />
              <div
                className={generateOpen ? 'workspace with-generate' : 'workspace'}
                style={
                  {
                    '--nav-w': `${layout.fitted.nav}px`,
                    '--inspector-w': `${layout.fitted.inspector}px`,
                    '--generate-w': `${layout.fitted.generate || 384}px`,
                  } as CSSProperties
                }
              >
                <Sidebar />
                <main className="stage" aria-label="Stage" data-pane="stage">
                  <StatusBanners section={section} />
                  <ProjectNotices project={props.project} />
                  <SectionView section={section} project={props.project} />
                </main>
                <GeneratePanel project={props.project} />
              </div>
            </div>
            <CommandPalette open={paletteOpen} onClose={() => setPaletteOpen(false)} />
            <ShortcutSheet
              open={sheetOpen}
              onClose={() => setSheetOpen(false)}
              onPalette={() => {
                setSheetOpen(false);
                setPaletteOpen(true);
              }}
            />
          </PaneLayoutContext.Provider>
        </GeneratePanelContext.Provider>
      </NavigationContext.Provider>
    </ToastProvider>
  );
}

/** Keeps jobs, the queue, credits and the network live, and tells the person when a job finishes or needs them. */
function LiveGeneration(props: { section: Section; go(section: Section): void }) {
  const toasts = useToasts();
  const { section, go } = props;
  // Runs finishing close together (a batch) share one toast that counts them, rather than one each.
  const finished = useRef({ count: 0, at: 0 });
  const onJob = useCallback(
    (job: Job, before: Job | undefined) => {
      if (section === 'queue') return;
      const name = `${job.label.character} × ${job.label.pose}`;
      const show = { label: 'Show', run: () => go('queue') };
      if (job.state === 'completed' && job.resultId && !before?.resultId) {
        const now = Date.now();
        const recent = now - finished.current.at < 6_000;
        finished.current = { count: recent ? finished.current.count + 1 : 1, at: now };
        const { count } = finished.current;
        toasts.show({
          key: 'finished',
          message: count === 1 ? 'Finished' : `Finished ${count} runs`,
          detail: count === 1 ? name : `The latest: ${name}`,
          tone: 'success',
          action: show,
        });
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

/**
 * The last step of Esc: when no dialog, popover, field, panel or view took it (each backs out of its own
 * level first and marks the key handled), `back` runs: it closes Generate or returns to the section before.
 * Checked after the key has gone through every listener, whatever order they were added in.
 */
function useBackOutFallback(back: () => boolean): void {
  const ref = useRef(back);
  useEffect(() => {
    ref.current = back;
  });
  useEffect(() => {
    const listener = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.isComposing || event.ctrlKey || event.metaKey || event.altKey)
        return;
      if (document.querySelector('dialog[open]')) return;
      const target = event.target;
      if (
        target instanceof HTMLElement &&
        target.closest('input, textarea, select, [contenteditable="true"]')
      )
        return;
      window.setTimeout(() => {
        if (!event.defaultPrevented && !document.querySelector('dialog[open]')) ref.current();
      }, 0);
    };
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);
}
