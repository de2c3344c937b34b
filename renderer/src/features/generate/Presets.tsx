import { useId, useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Bookmark, Trash2 } from 'lucide-react';
import type { Preset } from '../../../../src/contract/calls/generation';
import type { ModelSpec } from '../../../../src/models';
import { getBridge } from '../../bridge/bridge';
import { useBridgeMutation, useBridgeQuery } from '../../bridge/queries';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { useToasts } from '../../ui/Toasts';
import { genKeys } from '../queue/queue-data';
import { isComposing } from '../../ui/keyboard';

/**
 * Named parameter sets, kept in the project (presets.json). A preset is a look, not a picture: it holds
 * every setting except the prompt (which comes from the character) and the seed (which picks one picture).
 */
export const PRESET_EXCLUDED = new Set(['seed']);

export function Presets(props: {
  projectPath: string;
  model: ModelSpec;
  /** The form's values for the model's parameters (prompt fields already left out). */
  values: Record<string, string>;
  /** Valid values to save; null while the form has issues. */
  savable: Record<string, string | number | boolean> | null;
  onApply(params: Record<string, string>, name: string): void;
  readOnly: boolean;
}) {
  const bridge = getBridge();
  const client = useQueryClient();
  const toasts = useToasts();
  const key = genKeys.presets(props.projectPath);
  const presets = useBridgeQuery(key, () => bridge.presets.list({}));
  const save = useBridgeMutation(bridge.presets.save);
  const remove = useBridgeMutation(bridge.presets.delete);
  const [selected, setSelected] = useState('');
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const selectId = useId();
  const nameId = useId();

  const forModel = (presets.data ?? []).filter((p) => p.modelId === props.model.id);
  const current = forModel.find((p) => p.name === selected);
  const changed = current ? differs(current, props.values) : false;

  const apply = (presetName: string) => {
    setSelected(presetName);
    const preset = forModel.find((p) => p.name === presetName);
    if (!preset) return;
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(preset.params))
      if (k in props.values && !PRESET_EXCLUDED.has(k)) params[k] = String(v);
    props.onApply(params, preset.name);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed || !props.savable) return;
    const params = Object.fromEntries(Object.entries(props.savable).filter(([k]) => !PRESET_EXCLUDED.has(k)));
    save.mutate(
      { name: trimmed, modelId: props.model.id, params },
      {
        onSuccess: (list) => {
          client.setQueryData(key, list);
          setSelected(trimmed);
          setNaming(false);
          setName('');
          toasts.show({ message: `Preset “${trimmed}” saved`, tone: 'success' });
        },
      },
    );
  };

  const del = () => {
    const preset = current;
    if (!preset) return;
    remove.mutate(
      { name: preset.name },
      {
        onSuccess: (list) => {
          client.setQueryData(key, list);
          setSelected('');
          toasts.show({
            message: `Preset “${preset.name}” deleted`,
            action: {
              label: 'Undo',
              run: () =>
                void bridge.presets
                  .save({ name: preset.name, modelId: preset.modelId, params: preset.params })
                  .then((restored) => {
                    client.setQueryData(key, restored);
                    setSelected(preset.name);
                  }),
            },
          });
        },
      },
    );
  };

  const exists = forModel.some((p) => p.name === name.trim());
  return (
    <div className="presets stack" style={{ gap: 6 }}>
      <div className="row">
        <label htmlFor={selectId} className="picker-label">
          Preset
        </label>
        <select id={selectId} className="grow" value={selected} onChange={(e) => apply(e.target.value)}>
          <option value="">{forModel.length === 0 ? 'No presets yet' : 'Choose a preset…'}</option>
          {forModel.map((p) => (
            <option key={p.name} value={p.name}>
              {p.name}
            </option>
          ))}
        </select>
        {current && (
          <button
            className="ghost icon"
            onClick={del}
            disabled={props.readOnly || remove.isPending}
            title={`Delete preset “${current.name}”`}
            aria-label={`Delete preset ${current.name}`}
          >
            <Trash2 size={16} />
          </button>
        )}
        <button
          className="ghost"
          onClick={() => {
            setNaming((v) => !v);
            setName(current?.name ?? '');
          }}
          disabled={props.readOnly || !props.savable}
          title={
            props.savable
              ? 'Save these settings under a name (every setting but the seed)'
              : 'Fix the values marked below first'
          }
          aria-expanded={naming}
        >
          <Bookmark size={16} aria-hidden /> Save…
        </button>
      </div>
      {current && changed && <div className="secondary">Changed since “{current.name}” was applied.</div>}
      {naming && (
        <form className="row" onSubmit={submit}>
          <label htmlFor={nameId} className="visually-hidden">
            Preset name
          </label>
          <input
            id={nameId}
            className="grow"
            value={name}
            maxLength={80}
            autoFocus
            placeholder="Preset name, e.g. Crisp ink"
            onChange={(e) => setName(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape' && !isComposing(e)) {
                e.stopPropagation();
                setNaming(false);
              }
            }}
          />
          <button type="submit" className="primary" disabled={!name.trim() || save.isPending}>
            {exists ? 'Replace' : 'Save preset'}
          </button>
        </form>
      )}
      {naming && (
        <div className="secondary">
          Saves every setting except the seed. The prompt always comes from the character.
        </div>
      )}
      {(save.error ?? remove.error ?? presets.error) && (
        <ErrorNotice error={(save.error ?? remove.error ?? presets.error)!} />
      )}
    </div>
  );
}

function differs(preset: Preset, values: Record<string, string>): boolean {
  return Object.entries(preset.params).some(
    ([k, v]) => !PRESET_EXCLUDED.has(k) && k in values && String(v) !== values[k]?.trim(),
  );
}
