import { useState, type FormEvent } from 'react';
import { FolderOpen, FolderPlus, Sparkles, X, AlertTriangle } from 'lucide-react';
import { getBridge } from '../../bridge/bridge';
import { keys, useBridgeMutation, useBridgeQuery } from '../../bridge/queries';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { FolderField } from './FolderField';

/** The first screen: create a project, open one by folder, or pick a recent one. */
export function ProjectPicker() {
  const bridge = getBridge();
  const recent = useBridgeQuery(keys.recentProjects, () => bridge.projects.recent({}));
  const invalidate = [keys.currentProject, keys.recentProjects];
  const create = useBridgeMutation(bridge.projects.create, invalidate);
  const open = useBridgeMutation(bridge.projects.open, invalidate);
  const forget = useBridgeMutation(bridge.projects.forget, [keys.recentProjects]);
  const [createDir, setCreateDir] = useState('');
  const [name, setName] = useState('');
  const [openDir, setOpenDir] = useState('');
  const error = create.error ?? open.error;

  const submitCreate = (event: FormEvent) => {
    event.preventDefault();
    open.reset();
    create.mutate({ dir: createDir.trim(), name: name.trim() || 'Untitled project' });
  };
  const submitOpen = (event: FormEvent) => {
    event.preventDefault();
    create.reset();
    open.mutate({ dir: openDir.trim() });
  };

  return (
    <main className="picker">
      <div className="picker-card">
        <div className="brand-block">
          <div className="brand-mark" aria-hidden>
            <Sparkles size={20} />
          </div>
          <div>
            <h1>Consistent Character Studio</h1>
            <div className="secondary">
              The same character, drawn again and again in new poses. Your projects stay on your disk.
            </div>
          </div>
        </div>

        <div className="stack">
          <form className="stack" onSubmit={submitCreate} aria-labelledby="create-heading">
            <h2 id="create-heading">New project</h2>
            <label className="field">
              <span>Project name</span>
              <input
                value={name}
                onChange={(e) => setName(e.target.value)}
                placeholder="The Lighthouse Keeper"
              />
            </label>
            <FolderField
              label="Folder (an empty or new folder)"
              value={createDir}
              onChange={setCreateDir}
              forCreate
            />
            <div>
              <button className="primary" type="submit" disabled={!createDir.trim() || create.isPending}>
                <FolderPlus size={16} /> Create project
              </button>
            </div>
          </form>
          <form className="stack" onSubmit={submitOpen} aria-labelledby="open-heading">
            <h2 id="open-heading">Open a project</h2>
            <FolderField label="Project folder" value={openDir} onChange={setOpenDir} />
            <div>
              <button type="submit" disabled={!openDir.trim() || open.isPending}>
                <FolderOpen size={16} /> Open project
              </button>
            </div>
          </form>
          {error && <ErrorNotice error={error} />}
        </div>

        <section className="stack" aria-labelledby="recent-heading">
          <h2 id="recent-heading">Recent projects</h2>
          {recent.data && recent.data.length === 0 && (
            <p className="secondary">
              Projects you create or open appear here, so you can come back to them in one click.
            </p>
          )}
          <ul
            className="recent-list"
            style={{ listStyle: 'none', margin: 0, padding: 0 }}
            aria-label="Recent projects"
          >
            {recent.data?.map((project) => (
              <li key={project.path} className="row">
                <button
                  className="recent-item"
                  style={{ flex: 1 }}
                  disabled={!project.exists || open.isPending}
                  onClick={() => open.mutate({ dir: project.path })}
                  title={project.exists ? `Open ${project.path}` : 'This folder is gone or moved'}
                >
                  <span>{project.name}</span>
                  <span className="secondary tabular">{new Date(project.openedAt).toLocaleDateString()}</span>
                  <span className="path">
                    {!project.exists && <AlertTriangle size={12} color="var(--amber)" aria-label="missing" />}{' '}
                    {project.path}
                  </span>
                </button>
                <button
                  className="ghost icon"
                  aria-label={`Remove ${project.name} from the list`}
                  title="Remove from this list"
                  onClick={() => forget.mutate({ path: project.path })}
                >
                  <X size={14} />
                </button>
              </li>
            ))}
          </ul>
        </section>
      </div>
    </main>
  );
}
