import { AlertTriangle } from 'lucide-react';
import type { ProjectSummary } from '../../../src/domain';

/** Read-only reasons and damaged files moved to quarantine, named so the person can act on them. */
export function ProjectNotices(props: { project: ProjectSummary }) {
  const { readOnlyReason, problems } = props.project;
  if (!readOnlyReason && problems.length === 0) return null;
  return (
    <div className="stack" style={{ padding: 12, gap: 8 }}>
      {readOnlyReason && (
        <div className="notice warn" role="status">
          <AlertTriangle size={16} color="var(--amber)" aria-hidden />
          <div>
            <div className="notice-title">Read-only</div>
            <div className="secondary">{readOnlyReason}</div>
          </div>
        </div>
      )}
      {problems.length > 0 && (
        <div className="notice warn" role="status">
          <AlertTriangle size={16} color="var(--amber)" aria-hidden />
          <div>
            <div className="notice-title">
              {problems.length === 1 ? 'One file was damaged' : `${problems.length} files were damaged`} and
              moved aside
            </div>
            <ul className="secondary" style={{ margin: '4px 0 0', paddingLeft: 16 }}>
              {problems.map((p) => (
                <li key={p.file}>
                  <code>{p.file}</code>: {p.reason}
                  {p.quarantinedAs && (
                    <>
                      {' '}
                      (kept as <code>{p.quarantinedAs}</code>)
                    </>
                  )}
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}
    </div>
  );
}
