import { useEffect, useId, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Check, Copy, Images, Loader2, Sparkles, Trash2, X } from 'lucide-react';
import type { CharacterFields, CharacterView, ImageSource } from '../../../../src/contract/calls/workspace';
import type { ColorLabel } from '../../../../src/domain';
import type { AppError } from '../../../../src/domain/errors';
import { asAppError, getBridge } from '../../bridge/bridge';
import { useBridgeQuery } from '../../bridge/queries';
import { useNavigation } from '../../app/navigation';
import { generateWith } from '../../app/selection';
import { useGeneratePanel } from '../generate/generate-context';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { ImportReport, ImportSources, TaskProgressRow } from '../../ui/ImportSources';
import { MediaThumb } from '../../ui/MediaThumb';
import { TagInput } from '../../ui/TagInput';
import { useFileDrop } from '../../ui/image-sources';
import { useImageImport } from '../../ui/use-image-import';
import { useTask } from '../../ui/use-task';
import { useToasts } from '../../ui/Toasts';
import { plural } from '../../ui/format';
import { openGallery } from '../results/gallery-store';
import { wsKeys } from '../results/workspace-data';
import { useMoveToTrash } from '../trash/trash-actions';
import { COLOR_LABELS, COLOR_LABEL_ORDER } from './color-labels';
import '../../ui/workspace-primitives.css';
import { CopiedFromNote } from '../transfer/CopiedFromNote';

type SaveState =
  { state: 'idle' } | { state: 'saving' } | { state: 'saved' } | { state: 'error'; error: AppError };

/** Waits until a value has stopped changing for `ms`. */
function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/**
 * One character, edited in place: every field saves when it loses focus (the inspector way: no Save
 * button to forget), the prompt preview shows exactly what will be sent as you type, reference images
 * come from a dialog, a path or a drop, and the character's results are one click away.
 */
export function CharacterEditor(props: {
  character: CharacterView;
  project: string;
  readOnly: boolean;
  resultCount: number;
  onSelect(id: string | null): void;
}) {
  const { character, project, readOnly } = props;
  const client = useQueryClient();
  const toasts = useToasts();
  const { go } = useNavigation();
  const moveToTrash = useMoveToTrash();
  const ids = { name: useId(), description: useId(), style: useId(), negative: useId(), notes: useId() };
  const [draft, setDraft] = useState<CharacterFields>({
    name: character.name,
    description: character.description,
    styleWords: character.styleWords,
    negativePrompt: character.negativePrompt,
    tags: character.tags,
    notes: character.notes,
    colorLabel: character.colorLabel,
  });
  const [saved, setSaved] = useState<CharacterFields>(draft);
  const [save, setSave] = useState<SaveState>({ state: 'idle' });
  const [nameError, setNameError] = useState('');

  const commit = async (changes: Partial<CharacterFields>) => {
    const changed = Object.fromEntries(
      Object.entries(changes).filter(
        ([key, value]) => JSON.stringify(value) !== JSON.stringify(saved[key as keyof CharacterFields]),
      ),
    ) as Partial<CharacterFields>;
    if (Object.keys(changed).length === 0 || readOnly) return;
    setSave({ state: 'saving' });
    try {
      const next = await getBridge().characters.update({ id: character.id, changes: changed });
      setSaved((s) => ({ ...s, ...changed }));
      client.setQueryData<{ characters: CharacterView[] }>(wsKeys.characters(project), (data) =>
        data ? { ...data, characters: data.characters.map((c) => (c.id === next.id ? next : c)) } : data,
      );
      setSave({ state: 'saved' });
    } catch (error) {
      setSave({ state: 'error', error: asAppError(error) });
    }
  };
  const field = <K extends keyof CharacterFields>(key: K) => ({
    value: draft[key] as string,
    onChange: (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [key]: e.target.value })),
    onBlur: () => void commit({ [key]: draft[key] }),
    disabled: readOnly,
  });

  // The prompt exactly as generation will send it, from the fields as they are typed.
  const previewDraft = useDebounced(
    { description: draft.description, styleWords: draft.styleWords, negativePrompt: draft.negativePrompt },
    200,
  );
  const preview = useBridgeQuery(wsKeys.promptPreview(project, { id: character.id, ...previewDraft }), () =>
    getBridge().characters.promptPreview({ characterId: character.id, draft: previewDraft }),
  );

  const duplicate = async () => {
    try {
      const copy = await getBridge().characters.duplicate({ id: character.id });
      await client.invalidateQueries({ queryKey: wsKeys.characters(project) });
      toasts.show({
        message: `Made ${copy.name}`,
        detail: 'With copies of the reference images.',
        tone: 'success',
        durationMs: 3000,
      });
      props.onSelect(copy.id);
    } catch (error) {
      toasts.show({ message: 'Could not duplicate', detail: asAppError(error).message, tone: 'error' });
    }
  };
  const trash = () =>
    void moveToTrash(`Moved ${character.name} to the trash`, () =>
      getBridge().characters.trash({ id: character.id }),
    ).then((trashId) => {
      if (trashId) props.onSelect(null);
    });
  const generatePanel = useGeneratePanel();
  const showResults = () => {
    openGallery({ characterIds: [character.id] });
    go('results');
  };

  return (
    <div className="editor character-editor">
      <header className="editor-header">
        <div className="row editor-title-row">
          <label htmlFor={ids.name} className="visually-hidden">
            Name
          </label>
          <input
            id={ids.name}
            className="title-input"
            maxLength={120}
            aria-invalid={nameError ? true : undefined}
            {...field('name')}
            onBlur={() => {
              if (!draft.name.trim()) {
                setNameError('A character needs a name: the previous one is kept.');
                setDraft((d) => ({ ...d, name: saved.name }));
                return;
              }
              setNameError('');
              void commit({ name: draft.name.trim() });
            }}
          />
          <SaveIndicator save={save} />
        </div>
        {nameError && <div className="field-error">{nameError}</div>}
        <CopiedFromNote copiedFrom={character.copiedFrom} />
        <div className="row editor-actions">
          <button
            className="primary"
            onClick={() => {
              generateWith({ characterId: character.id });
              generatePanel.open();
            }}
            disabled={readOnly}
            title="Open Generate with this character chosen"
          >
            <Sparkles size={14} aria-hidden /> Generate with this
          </button>
          <button
            onClick={showResults}
            disabled={props.resultCount === 0}
            title="Open the gallery filtered by this character"
          >
            <Images size={14} aria-hidden />{' '}
            {props.resultCount > 0 ? `Show ${plural(props.resultCount, 'result')}` : 'No results yet'}
          </button>
          <button onClick={() => void duplicate()} disabled={readOnly}>
            <Copy size={14} aria-hidden /> Duplicate
          </button>
          <button className="danger" onClick={trash} disabled={readOnly}>
            <Trash2 size={14} aria-hidden /> Move to trash
          </button>
        </div>
      </header>
      {save.state === 'error' && (
        <ErrorNotice error={save.error} onAction={() => setSave({ state: 'idle' })} />
      )}

      <div className="editor-columns">
        <div className="editor-main stack">
          <div className="field">
            <label htmlFor={ids.description} className="field-label">
              Description
            </label>
            <textarea
              id={ids.description}
              rows={4}
              maxLength={4000}
              placeholder="Who they are and what they wear"
              {...field('description')}
            />
          </div>
          <div className="field">
            <label htmlFor={ids.style} className="field-label">
              Style words
            </label>
            <input
              id={ids.style}
              maxLength={1000}
              placeholder="2D illustration style, clean line art"
              {...field('styleWords')}
            />
          </div>
          <div className="field">
            <label htmlFor={ids.negative} className="field-label">
              Negative prompt
            </label>
            <textarea
              id={ids.negative}
              rows={2}
              maxLength={4000}
              placeholder="Empty: the model’s default negative prompt is used"
              {...field('negativePrompt')}
            />
            <span className="secondary">
              Anything here replaces the model’s default negative prompt for this character.
            </span>
          </div>
          <div className="field">
            <span className="field-label" id={`${ids.name}-label`}>
              Colour label
            </span>
            <div className="color-labels" role="radiogroup" aria-labelledby={`${ids.name}-label`}>
              {COLOR_LABEL_ORDER.map((label: ColorLabel) => (
                <button
                  key={label}
                  type="button"
                  role="radio"
                  aria-checked={draft.colorLabel === label}
                  aria-label={label === 'none' ? 'No colour label' : `${COLOR_LABELS[label].name} label`}
                  title={label === 'none' ? 'No colour label' : COLOR_LABELS[label].name}
                  className={`swatch ${label === 'none' ? 'swatch-none' : ''}`}
                  style={{ background: COLOR_LABELS[label].color }}
                  disabled={readOnly}
                  onClick={() => {
                    setDraft((d) => ({ ...d, colorLabel: label }));
                    void commit({ colorLabel: label });
                  }}
                >
                  {draft.colorLabel === label && <Check size={12} aria-hidden />}
                </button>
              ))}
            </div>
          </div>
          <TagInput
            label="Tags"
            value={draft.tags}
            disabled={readOnly}
            onChange={(tags) => {
              setDraft((d) => ({ ...d, tags }));
              void commit({ tags });
            }}
          />
          <div className="field">
            <label htmlFor={ids.notes} className="field-label">
              Notes
            </label>
            <textarea
              id={ids.notes}
              rows={3}
              maxLength={20000}
              placeholder="For you: never sent anywhere"
              {...field('notes')}
            />
          </div>
        </div>
        <aside className="editor-side stack">
          <section className="card" aria-label="Prompt preview">
            <header className="card-header">
              <h2>Prompt that will be sent</h2>
            </header>
            <output
              className="text-box prompt-box"
              aria-label="Prompt that will be sent"
              data-testid="prompt-preview"
              tabIndex={0}
            >
              {preview.data?.prompt ?? '…'}
            </output>
            <div className="secondary">
              Negative prompt
              {preview.data?.usesDefaultNegative ? ' (the model’s default)' : ` (${character.name}’s own)`}
            </div>
            <output
              className="text-box prompt-box muted-box"
              aria-label="Negative prompt that will be sent"
              tabIndex={0}
            >
              {preview.data?.negativePrompt ?? '…'}
            </output>
            {preview.data && <div className="secondary">Exactly as sent to {preview.data.modelId}.</div>}
            {preview.error && <div className="field-error">{preview.error.message}</div>}
          </section>
          <References character={character} project={project} readOnly={readOnly} />
        </aside>
      </div>
    </div>
  );
}

function SaveIndicator(props: { save: SaveState }) {
  const { save } = props;
  if (save.state === 'saving')
    return (
      <span className="save-state secondary" role="status">
        <Loader2 size={12} className="spin" aria-hidden /> Saving…
      </span>
    );
  if (save.state === 'saved')
    return (
      <span className="save-state secondary" role="status">
        <Check size={12} aria-hidden /> Saved
      </span>
    );
  return <span className="save-state" />;
}

/** Reference images: add by dialog, path or drop; remove to the trash (undoable). */
function References(props: { character: CharacterView; project: string; readOnly: boolean }) {
  const { character, project } = props;
  const client = useQueryClient();
  const toasts = useToasts();
  const moveToTrash = useMoveToTrash();
  const task = useTask();
  const imports = useImageImport('reference', task);
  const { outcome, setOutcome, error } = imports;

  const add = (sources: ImageSource[], refused: { file: string; reason: string }[] = []) =>
    imports.run(sources, refused, {
      call: (taskId) => getBridge().characters.addReferences({ id: character.id, sources, taskId }),
      added: (report) => report.added.length,
      done: async (report, clean) => {
        if (clean)
          toasts.show({
            message: `Added ${plural(report.added.length, 'reference')} to ${character.name}`,
            tone: 'success',
            durationMs: 3000,
          });
        await client.invalidateQueries({ queryKey: wsKeys.characters(project) });
      },
    });
  const drop = useFileDrop(
    (dropped) => void add(dropped.sources, dropped.refused),
    !props.readOnly && !task.running,
  );

  return (
    <section
      className={`card references${drop.over ? ' drop-over' : ''}`}
      aria-label="Reference images"
      {...drop.props}
    >
      <header className="card-header">
        <h2>Reference images</h2>
        <span className="secondary tabular">{character.referenceImages.length}</span>
      </header>
      {character.referenceImages.length > 0 ? (
        <ul className="ref-grid">
          {character.referenceImages.map((image) => (
            <li key={image.id} className="ref-item">
              <MediaThumb
                className="ref-thumb fit"
                file={image.file}
                thumbFile={image.thumbFile}
                alt={image.originalName}
              />
              <button
                className="ref-remove icon"
                aria-label={`Remove ${image.originalName}`}
                title="Move to the trash"
                disabled={props.readOnly}
                onClick={() =>
                  void moveToTrash(`Removed a reference of ${character.name}`, async () => {
                    const r = await getBridge().characters.removeReference({
                      id: character.id,
                      imageId: image.id,
                    });
                    return { trashId: r.trashId };
                  })
                }
              >
                <X size={12} />
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="secondary drop-hint">
          Drop images here, or add them below. They help you keep the character consistent.
        </p>
      )}
      {task.running ? (
        <TaskProgressRow
          label="Adding"
          progress={task.progress}
          cancelling={task.cancelling}
          onCancel={task.cancel}
        />
      ) : (
        <ImportSources verb="Add" compact onSources={(s) => void add(s)} disabled={props.readOnly} />
      )}
      {error && <ErrorNotice error={error} />}
      {outcome && <ImportReport outcome={outcome} onClose={() => setOutcome(null)} />}
      {drop.over && <div className="drop-overlay">Drop to add to {character.name}’s references</div>}
    </section>
  );
}
