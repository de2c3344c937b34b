import { ChevronDown, Command, FolderOpen, FolderPlus, Keyboard, LogOut, Sparkles } from 'lucide-react';
import type { ProjectSummary } from '../../../src/domain';
import { getBridge } from '../bridge/bridge';
import { keys, useBridgeMutation, useBridgeQuery } from '../bridge/queries';
import { MenuButton, type MenuEntry } from '../ui/MenuButton';
import { useNativeDialogs } from '../ui/ImportSources';
import { CreditsPill } from '../features/settings/CreditsPill';
import { QueueIndicator } from '../features/queue/QueueIndicator';
import { useOnline } from '../features/queue/queue-data';
import { SearchField } from '../features/results/SearchField';
import { GENERATE_PANEL_COMBO, useGeneratePanel } from '../features/generate/generate-context';
import { comboLabel } from '../ui/keyboard';
import { Kbd } from '../ui/Kbd';
import { commandKey, useCommands } from './commands';

/** Project, search, Generate, credits, the queue ring and the online dot: the facts the person glances at. */
export function TopBar(props: { project: ProjectSummary; onPalette(): void; onShortcuts(): void }) {
  const bridge = getBridge();
  const panel = useGeneratePanel();
  const close = useBridgeMutation(bridge.projects.close, [keys.currentProject, keys.recentProjects]);
  const online = useOnline();
  useCommands({ 'project.switch': () => close.mutate({}) });
  return (
    <header className="topbar">
      <div className="brand">
        <div className="brand-mark" style={{ width: 24, height: 24, borderRadius: 6 }} aria-hidden>
          <Sparkles size={14} />
        </div>
      </div>
      <ProjectSwitcher project={props.project} onClose={() => close.mutate({})} />
      <div className="spacer" />
      <SearchField />
      <button
        type="button"
        className="command-field"
        onClick={props.onPalette}
        title={`Every command, with its shortcut (${comboLabel(commandKey('app.palette'))})`}
      >
        {/* Not a magnifier: the search field beside it is the one that searches. */}
        <Command size={14} aria-hidden />
        <span className="command-field-text">Commands</span>
        <Kbd combo={commandKey('app.palette')} />
      </button>
      <button
        type="button"
        className="ghost icon"
        onClick={props.onShortcuts}
        aria-label="Keyboard shortcuts"
        title={`Keyboard shortcuts (${comboLabel(commandKey('app.shortcuts'))})`}
      >
        <Keyboard size={16} />
      </button>
      <QueueIndicator />
      <CreditsPill />
      <span
        className="pill"
        role="status"
        aria-label={online ? 'Online' : 'Offline'}
        title={
          online
            ? 'Segmind can be reached'
            : 'Segmind cannot be reached: jobs wait and go out when the network is back'
        }
      >
        <span className={online ? 'dot' : 'dot offline'} aria-hidden /> {online ? 'Online' : 'Offline'}
      </span>
      <button
        className={panel.isOpen ? 'on topbar-generate' : 'primary topbar-generate'}
        onClick={panel.toggle}
        aria-expanded={panel.isOpen}
        title={`${panel.isOpen ? 'Close' : 'Open'} Generate (${comboLabel(GENERATE_PANEL_COMBO)})`}
      >
        <Sparkles size={16} aria-hidden /> Generate <Kbd combo={GENERATE_PANEL_COMBO} />
      </button>
    </header>
  );
}

/**
 * The project name with its switcher: the recent projects (one click opens one), Open… and New… (the
 * native folder dialog in the desktop app; the project screen's forms in the browser), and Close.
 */
function ProjectSwitcher(props: { project: ProjectSummary; onClose(): void }) {
  const bridge = getBridge();
  const native = useNativeDialogs();
  const recent = useBridgeQuery(keys.recentProjects, () => bridge.projects.recent({}));
  const open = useBridgeMutation(bridge.projects.open, [keys.currentProject, keys.recentProjects]);
  const others = (recent.data ?? []).filter((p) => p.path !== props.project.path).slice(0, 8);
  const openFolder = async () => {
    const picked = await bridge.dialogs.pickFolder({ title: 'Open a project folder' });
    if (picked.path) open.mutate({ dir: picked.path });
  };
  const entries: MenuEntry[] = [
    ...others.map((p) => ({
      id: `recent-${p.path}`,
      label: p.name,
      hint: p.exists ? undefined : 'missing',
      disabled: !p.exists,
      onSelect: () => open.mutate({ dir: p.path }),
    })),
    {
      id: 'open',
      label: 'Open…',
      icon: <FolderOpen size={14} />,
      separatorBefore: others.length > 0,
      onSelect: native ? () => void openFolder() : props.onClose,
    },
    { id: 'new', label: 'New…', icon: <FolderPlus size={14} />, onSelect: props.onClose },
    {
      id: 'close',
      label: 'Close project',
      icon: <LogOut size={14} />,
      separatorBefore: true,
      onSelect: props.onClose,
    },
  ];
  return (
    <MenuButton
      label={`Project ${props.project.name}: switch project`}
      title="Switch project"
      className="ghost"
      align="start"
      entries={entries}
      header={others.length > 0 ? 'Recent projects' : undefined}
    >
      <span className="project-name">{props.project.name}</span>
      {props.project.readOnly && <span className="pill warn">Read-only</span>}
      <ChevronDown size={14} aria-hidden />
    </MenuButton>
  );
}
