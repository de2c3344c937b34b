import type { ReactNode } from 'react';

/** Every list's empty state: what this place is for, and the one button that starts it. */
export function EmptyState(props: {
  icon: ReactNode;
  title: string;
  children: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div className="empty" role="status">
      <div className="empty-icon" aria-hidden>
        {props.icon}
      </div>
      <h2>{props.title}</h2>
      <p>{props.children}</p>
      {props.action}
    </div>
  );
}
