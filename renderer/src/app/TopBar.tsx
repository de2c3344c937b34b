import { ChevronDown, Keyboard, Search, Sparkles } from 'lucide-react';
import type { ProjectSummary } from '../../../src/domain';
import { getBridge } from '../bridge/bridge';
import { keys, useBridgeMutation } from '../bridge/queries';
import { CreditsPill } from '../features/settings/CreditsPill';
import { QueueIndicator } from '../features/queue/QueueIndicator';
import { useAppInfo } from '../features/queue/queue-data';
import { GENERATE_PANEL_COMBO, useGeneratePanel } from '../features/generate/generate-context';
import { comboLabel } from '../ui/keyboard';
import { Kbd } from '../ui/Kbd';
import { commandKey, useCommands } from './commands';

/** Project, Generate, credits, the queue ring and the online dot: the facts the person glances at. */
export function TopBar(props: { project: ProjectSummary; onPalette(): void; onShortcuts(): void }) {
  const bridge = getBridge();
  const info = useAppInfo();
  const panel = useGeneratePanel();
  const close = useBridgeMutation(bridge.projects.close, [keys.currentProject, keys.recentProjects]);
  const online = info.data?.online ?? true;
  useCommands({ 'project.switch': () => close.mutate({}) });
  return (
    <header className="topbar">
      <div className="brand">
        <div className="brand-mark" style={{ width: 24, height: 24, borderRadius: 6 }} aria-hidden>
          <Sparkles size={14} />
        </div>
      </div>
      <button
        className="ghost"
        onClick={() => close.mutate({})}
        title="Switch project"
        aria-label={`Project ${props.project.name}: switch project`}
      >
        <span className="project-name">{props.project.name}</span>
        {props.project.readOnly && <span className="pill warn">Read-only</span>}
        <ChevronDown size={14} />
      </button>
      <div className="spacer" />
      <button
        type="button"
        className="command-field"
        onClick={props.onPalette}
        title={`Every command, with its shortcut (${comboLabel(commandKey('app.palette'))})`}
      >
        <Search size={14} aria-hidden />
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
