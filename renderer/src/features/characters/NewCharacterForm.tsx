import { useId, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { CharacterView } from '../../../../src/contract/calls/workspace';
import type { AppError } from '../../../../src/domain/errors';
import { asAppError, getBridge } from '../../bridge/bridge';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { useToasts } from '../../ui/Toasts';
import { useProjectPath, wsKeys } from '../results/workspace-data';

/** "Describe your first character": the name and what goes into the prompt; the rest can follow. */
export function NewCharacterForm(props: {
  onCreated(character: CharacterView): void;
  onCancel?: () => void;
}) {
  const project = useProjectPath();
  const client = useQueryClient();
  const toasts = useToasts();
  const ids = { name: useId(), description: useId(), style: useId() };
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [styleWords, setStyleWords] = useState('');
  const [error, setError] = useState<AppError | null>(null);
  const [nameError, setNameError] = useState('');
  const [saving, setSaving] = useState(false);

  const submit = async () => {
    if (!name.trim()) {
      setNameError('A character needs a name.');
      return;
    }
    setSaving(true);
    setError(null);
    try {
      const character = await getBridge().characters.create({ name: name.trim(), description, styleWords });
      await client.invalidateQueries({ queryKey: wsKeys.characters(project) });
      toasts.show({ message: `Created ${character.name}`, tone: 'success', durationMs: 3000 });
      props.onCreated(character);
    } catch (e) {
      setError(asAppError(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form
      className="editor new-character"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <header className="editor-header">
        <h1>Describe a character</h1>
        <p className="secondary">
          Who they are goes into every prompt, so the same character comes back in every pose.
        </p>
      </header>
      <div className="field">
        <label htmlFor={ids.name} className="field-label">
          Name
        </label>
        <input
          id={ids.name}
          value={name}
          autoFocus
          maxLength={120}
          aria-invalid={nameError ? true : undefined}
          onChange={(e) => {
            setName(e.target.value);
            setNameError('');
          }}
          placeholder="Mira"
        />
        {nameError && <span className="field-error">{nameError}</span>}
      </div>
      <div className="field">
        <label htmlFor={ids.description} className="field-label">
          Description
        </label>
        <textarea
          id={ids.description}
          value={description}
          maxLength={4000}
          rows={3}
          onChange={(e) => setDescription(e.target.value)}
          placeholder="young lighthouse keeper, yellow raincoat, short red hair, freckles"
        />
        <span className="secondary">What they look like and wear. It goes into the prompt.</span>
      </div>
      <div className="field">
        <label htmlFor={ids.style} className="field-label">
          Style words
        </label>
        <input
          id={ids.style}
          value={styleWords}
          maxLength={1000}
          onChange={(e) => setStyleWords(e.target.value)}
          placeholder="2D illustration style, clean line art"
        />
      </div>
      {error && <ErrorNotice error={error} />}
      <div className="row">
        <button type="submit" className="primary" disabled={saving}>
          {saving ? 'Creating…' : 'Create character'}
        </button>
        {props.onCancel && (
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
