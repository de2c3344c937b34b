import type { ReactNode } from 'react';
import {
  AlertTriangle,
  Images,
  ListTodo,
  PanelLeftClose,
  PanelLeftOpen,
  PersonStanding,
  Settings,
  UserRound,
  Wallet,
} from 'lucide-react';
import { useNavigation, type Section } from './navigation';
import { useCommands } from './commands';
import { NAV, usePaneLayout } from './layout';
import { Splitter } from '../ui/Splitter';
import { CharacterNavItems, PoseLibraryNavItems } from './NavLibraries';
import { isActive, needsAttention, useJobs } from '../features/queue/queue-data';
import {
  ResultsNavItem,
  SavedFilterItems,
  TrashNavItem,
  WorkspaceKeeper,
} from '../features/results/NavExtras';

function NavItem(props: {
  section: Section;
  icon: ReactNode;
  label: string;
  shortcut?: string;
  count?: number;
  badge?: ReactNode;
}) {
  const { section, go } = useNavigation();
  return (
    <button
      className="nav-item"
      aria-current={section === props.section ? 'page' : undefined}
      onClick={() => go(props.section)}
      title={props.shortcut ? `${props.label} (${props.shortcut})` : props.label}
    >
      {props.icon}
      <span>{props.label}</span>
      {props.badge}
      {props.count !== undefined && <span className="count tabular">{props.count}</span>}
    </button>
  );
}

/** The Queue item: how many jobs are running or waiting, and a warning when some need the person. */
function QueueNavItem() {
  const jobs = useJobs();
  const list = jobs.data?.jobs ?? [];
  const active = list.filter(isActive).length;
  const attention = list.filter(needsAttention).length;
  const paused = jobs.data?.state.paused != null;
  const badge =
    attention > 0 || (paused && active > 0) ? (
      <span
        className="count nav-attention tabular"
        title={attention > 0 ? `${attention} need${attention === 1 ? 's' : ''} you` : 'Paused'}
      >
        <AlertTriangle size={12} aria-hidden />
        {attention > 0 ? attention : ''}
        <span className="visually-hidden">{attention > 0 ? `${attention} need you` : 'paused'}</span>
      </span>
    ) : undefined;
  return (
    <NavItem
      section="queue"
      icon={<ListTodo size={16} />}
      label="Queue"
      badge={badge}
      {...(active > 0 ? { count: active } : {})}
    />
  );
}

/** Spend: what the project's runs cost, and its cap. "Go to Spend" in the palette lives with it. */
function SpendNavItem() {
  const { go } = useNavigation();
  useCommands({ 'go.spend': () => go('spend') });
  return <NavItem section="spend" icon={<Wallet size={16} />} label="Spend" />;
}

/**
 * The navigator: the project's content on the left, like Lightroom's Library and Eagle. Resizable by its
 * splitter, collapsible to a rail of icons (by the person, or by itself when the window has no room).
 */
export function Sidebar() {
  const layout = usePaneLayout();
  const { rail, nav } = layout.fitted;
  return (
    <div className={`nav-pane${rail ? ' rail' : ''}`} data-pane="navigator">
      <nav className="nav" id="navigator" aria-label="Navigator">
        <div className="nav-section">Library</div>
        <NavItem section="characters" icon={<UserRound size={16} />} label="Characters" />
        <CharacterNavItems />
        <NavItem section="poses" icon={<PersonStanding size={16} />} label="Poses" />
        <PoseLibraryNavItems />
        <ResultsNavItem icon={<Images size={16} />} />
        <SavedFilterItems />
        <TrashNavItem />
        <WorkspaceKeeper />
        <div className="nav-section">Work</div>
        <QueueNavItem />
        <SpendNavItem />
        <div className="spacer" />
        <NavItem section="settings" icon={<Settings size={16} />} label="Settings" />
        <button
          type="button"
          className="nav-item nav-collapse"
          onClick={layout.toggleNav}
          aria-expanded={!rail}
          aria-controls="navigator"
          aria-label={rail ? 'Expand the navigator' : 'Collapse the navigator'}
          title={rail ? 'Expand the navigator' : 'Collapse the navigator'}
        >
          {rail ? <PanelLeftOpen size={16} aria-hidden /> : <PanelLeftClose size={16} aria-hidden />}
          <span aria-hidden>Collapse</span>
        </button>
      </nav>
      {!rail && (
        <Splitter
          label="Navigator width"
          controls="navigator"
          edge="end"
          value={nav}
          min={NAV.min}
          max={NAV.max}
          onChange={layout.setNavWidth}
          onToggle={layout.toggleNav}
        />
      )}
    </div>
  );
}
