import type { ReactNode } from 'react';
import { Images, ListTodo, PersonStanding, Settings, UserRound } from 'lucide-react';
import { useNavigation, type Section } from './navigation';

function NavItem(props: { section: Section; icon: ReactNode; label: string; shortcut?: string; count?: number }) {
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
      {props.count !== undefined && <span className="count tabular">{props.count}</span>}
    </button>
  );
}

/** The navigator: the project's content on the left, like Lightroom's Library and Eagle. */
export function Sidebar() {
  return (
    <nav className="nav" aria-label="Navigator">
      <div className="nav-section">Library</div>
      <NavItem section="characters" icon={<UserRound size={16} />} label="Characters" />
      <NavItem section="poses" icon={<PersonStanding size={16} />} label="Poses" />
      <NavItem section="results" icon={<Images size={16} />} label="Results" />
      <div className="nav-section">Work</div>
      <NavItem section="queue" icon={<ListTodo size={16} />} label="Queue" />
      <div className="spacer" />
      <NavItem section="settings" icon={<Settings size={16} />} label="Settings" />
    </nav>
  );
}
