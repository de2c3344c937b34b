import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { FlipHorizontal2, LayoutGrid, Loader2, Rows3, Save, Sparkles, X } from 'lucide-react';
import type { PoseLibraryView, PoseView } from '../../../../src/contract/calls/workspace';
import type { SheetLayout } from '../../../../src/skeleton';
import { asAppError, getBridge } from '../../bridge/bridge';
import { Kbd } from '../../ui/Kbd';
import { MediaThumb } from '../../ui/MediaThumb';
import { isComposing, matchesCombo } from '../../ui/keyboard';
import { useToasts } from '../../ui/Toasts';
import { formatCredits, plural } from '../../ui/format';
import { generateWith } from '../../app/selection';
import { useGeneratePanel } from '../generate/generate-context';
import { wsKeys } from '../results/workspace-data';
import { FigureShape } from './SkeletonShapes';
import { MAX_SHEET_POSES, composedFrom, hasSkeleton, type ComposerItem } from './compose-items';
import { SHEET_SIZES, sheetRun, suggestedSize } from './sheet-sizes';
import './skeleton.css';

/**
 * "Compose a sheet" (issue 12): 1 to 8 skeleton poses from the libraries, laid out in a row or a grid with
 * even spacing on a canvas the model takes (with what a run costs and the size it gives back), each
 * scaled and flipped, over a faint guide of the cells; saved as a pose sheet whose figure boxes are exact
 * (`poses.createFromSkeleton`), then "Generate from it" opens Generate with it chosen.
 */
export function SheetComposer(props: {
  project: string;
  libraries: readonly PoseLibraryView[];
  /** Where the sheet is saved by default (the library shown). */
  libraryId: string | null;
  readOnly: boolean;
  onClose(): void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const client = useQueryClient();
  const toasts = useToasts();
  const generatePanel = useGeneratePanel();
  const [items, setItems] = useState<ComposerItem[]>([]);
  const [layout, setLayout] = useState<SheetLayout>('row');
  const [sizeId, setSizeId] = useState<string | null>(null);
  const [name, setName] = useState('New pose sheet');
  const [target, setTarget] = useState(props.libraryId ?? props.libraries[0]?.id ?? '');
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<PoseView | null>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  const poses = useMemo(
    () => new Map(props.libraries.flatMap((l) => l.poses.filter(hasSkeleton).map((p) => [p.id, p] as const))),
    [props.libraries],
  );
  const size = SHEET_SIZES.find((s) => s.id === sizeId) ?? suggestedSize(items.length, layout);
  const sheet = composedFrom(items, poses, size, layout);
  const run = sheetRun(size);
  const busy = saving;

  const toggle = (poseId: string, on: boolean) => {
    setSaved(null);
    setItems((now) =>
      on
        ? now.length >= MAX_SHEET_POSES || now.some((i) => i.poseId === poseId)
          ? now
          : [...now, { poseId, scale: 1, flip: false }]
        : now.filter((i) => i.poseId !== poseId),
    );
  };
  const setItem = (index: number, changes: Partial<ComposerItem>) => {
    setSaved(null);
    setItems((now) => now.map((item, i) => (i === index ? { ...item, ...changes } : item)));
  };

  const save = async () => {
    if (!sheet || busy || props.readOnly || !name.trim()) return;
    setSaving(true);
    try {
      const report = await getBridge().poses.createFromSkeleton({
        ...(target ? { libraryId: target } : { newLibraryName: 'Pose sheets' }),
        name: name.trim(),
        skeleton: sheet.skeleton,
        tags: ['composed'],
      });
      await client.invalidateQueries({ queryKey: wsKeys.poses(props.project) });
      const pose = report.imported[0];
      if (!pose) {
        const duplicate = report.duplicates.length > 0;
        toasts.show({
          message: duplicate ? 'This sheet is already in a library' : 'Could not save the sheet',
          detail: report.failed[0]?.reason,
          tone: 'warn',
        });
        return;
      }
      setSaved(pose);
      toasts.show({
        message: `Saved the sheet ${pose.name}`,
        detail: plural(pose.figures.length, 'figure'),
        tone: 'success',
        durationMs: 4000,
      });
    } catch (error) {
      toasts.show({ message: 'Could not save the sheet', detail: asAppError(error).message, tone: 'error' });
    } finally {
      setSaving(false);
    }
  };
  const generateFromIt = () => {
    if (!saved) return;
    generateWith({ poseId: saved.id, libraryId: saved.libraryId });
    generatePanel.open();
    props.onClose();
  };

  const allSkeletonPoses = props.libraries.flatMap((l) =>
    l.poses.filter(hasSkeleton).map((p) => ({ pose: p, library: l })),
  );

  return (
    <dialog
      ref={ref}
      className="skel-editor"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) props.onClose();
      }}
      onKeyDown={(event) => {
        if (isComposing(event)) return;
        if (matchesCombo(event.nativeEvent, 'Mod+Enter')) {
          event.preventDefault();
          void save();
        }
      }}
    >
      <div className="skel-layout">
        <header className="skel-header">
          <div className="skel-title">
            <h2 id={titleId}>Compose a sheet</h2>
            <span className="secondary">
              {plural(items.length, 'pose')} of at most {MAX_SHEET_POSES}
            </span>
          </div>
          <button
            type="button"
            className="ghost icon"
            onClick={props.onClose}
            disabled={busy}
            aria-label="Close without saving"
            title="Close without saving (Esc)"
          >
            <X size={16} />
          </button>
        </header>
        <div className="compose-main">
          <section className="compose-picker" aria-labelledby="compose-pick-title">
            <h3 id="compose-pick-title">Poses with skeletons</h3>
            {allSkeletonPoses.length === 0 ? (
              <p className="secondary skel-note">
                No pose has a skeleton yet. Add the starter poses or import OpenPose JSON first.
              </p>
            ) : (
              props.libraries
                .filter((l) => l.poses.some(hasSkeleton))
                .map((library) => (
                  <fieldset key={library.id} className="compose-library">
                    <legend className="field-label">{library.name}</legend>
                    <ul>
                      {library.poses.filter(hasSkeleton).map((pose) => {
                        const checked = items.some((i) => i.poseId === pose.id);
                        return (
                          <li key={pose.id}>
                            <label>
                              <input
                                type="checkbox"
                                checked={checked}
                                disabled={!checked && items.length >= MAX_SHEET_POSES}
                                onChange={(e) => toggle(pose.id, e.target.checked)}
                              />
                              <MediaThumb
                                className="avatar square fit"
                                file={pose.image.file}
                                thumbFile={pose.image.thumbFile}
                                alt=""
                              />
                              <span className="ellipsis">{pose.name}</span>
                            </label>
                          </li>
                        );
                      })}
                    </ul>
                  </fieldset>
                ))
            )}
          </section>

          <div className="skel-canvas-wrap">
            {sheet ? (
              <svg
                className="skel-canvas"
                viewBox={`0 0 ${size.width} ${size.height}`}
                role="img"
                aria-label={`The sheet: ${plural(items.length, 'pose')} in a ${layout}, ${size.width} by ${size.height} pixels`}
                data-testid="compose-preview"
              >
                <rect width={size.width} height={size.height} fill="black" />
                {sheet.cells.map((c, i) => (
                  <rect
                    key={i}
                    className="compose-guide"
                    x={c.x + 2}
                    y={c.y + 2}
                    width={c.width - 4}
                    height={c.height - 4}
                    vectorEffect="non-scaling-stroke"
                  />
                ))}
                {sheet.skeleton.figures.map((f, i) => (
                  <FigureShape key={i} figure={f} />
                ))}
              </svg>
            ) : (
              <p className="secondary">Choose 1 to {MAX_SHEET_POSES} poses on the left to lay them out.</p>
            )}
          </div>

          <aside className="skel-side" aria-label="Sheet settings">
            <section className="skel-section" aria-labelledby="compose-layout-title">
              <h3 id="compose-layout-title">Layout</h3>
              <div className="skel-figure-pick" role="group" aria-label="Layout">
                <button type="button" aria-pressed={layout === 'row'} onClick={() => setLayout('row')}>
                  <Rows3 size={14} aria-hidden /> Row
                </button>
                <button type="button" aria-pressed={layout === 'grid'} onClick={() => setLayout('grid')}>
                  <LayoutGrid size={14} aria-hidden /> Grid
                </button>
              </div>
              <label className="field-label" htmlFor="compose-size">
                Canvas
              </label>
              <select
                id="compose-size"
                value={sizeId ?? ''}
                onChange={(e) => setSizeId(e.target.value || null)}
              >
                <option value="">
                  Suggested: {suggestedSize(items.length, layout).width} ×{' '}
                  {suggestedSize(items.length, layout).height}
                </option>
                {SHEET_SIZES.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.label}
                  </option>
                ))}
              </select>
              <p className="secondary skel-note" data-testid="compose-cost">
                Consistent Character V1: about {formatCredits(run.cost)} credits a run; the result is{' '}
                <span className="tabular">
                  {run.result.width} × {run.result.height}
                </span>{' '}
                (upscaled {run.upscale}×).
              </p>
            </section>
            <section className="skel-section" aria-labelledby="compose-items-title">
              <h3 id="compose-items-title">Figures</h3>
              {items.length === 0 && <p className="secondary skel-note">None chosen yet.</p>}
              <ol className="compose-items">
                {items.map((item, i) => {
                  const pose = poses.get(item.poseId);
                  return (
                    <li key={item.poseId} className="compose-item">
                      <span className="ellipsis">
                        {i + 1}. {pose?.name ?? 'A pose no longer there'}
                      </span>
                      <label className="field-label" htmlFor={`compose-scale-${i}`}>
                        Scale <span className="tabular">{Math.round(item.scale * 100)}%</span>
                      </label>
                      <input
                        id={`compose-scale-${i}`}
                        type="range"
                        min={30}
                        max={100}
                        value={Math.round(item.scale * 100)}
                        onChange={(e) => setItem(i, { scale: Number(e.target.value) / 100 })}
                      />
                      <div className="compose-item-row">
                        <label className="compose-item-row">
                          <input
                            type="checkbox"
                            checked={item.flip}
                            onChange={(e) => setItem(i, { flip: e.target.checked })}
                          />
                          <FlipHorizontal2 size={14} aria-hidden /> Flip {pose?.name ?? ''}
                        </label>
                      </div>
                    </li>
                  );
                })}
              </ol>
            </section>
            <section className="skel-section" aria-labelledby="compose-save-title">
              <h3 id="compose-save-title">Save as a pose sheet</h3>
              <label className="field-label" htmlFor="compose-name">
                Name
              </label>
              <input
                id="compose-name"
                value={name}
                maxLength={200}
                onChange={(e) => {
                  setSaved(null);
                  setName(e.target.value);
                }}
              />
              <label className="field-label" htmlFor="compose-library">
                Library
              </label>
              <select id="compose-library" value={target} onChange={(e) => setTarget(e.target.value)}>
                {props.libraries.map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.name}
                  </option>
                ))}
                <option value="">A new library, “Pose sheets”</option>
              </select>
            </section>
          </aside>
        </div>
        <footer className="skel-footer">
          <p className="skel-keys secondary" role="status">
            {saved
              ? `Saved “${saved.name}” with ${plural(saved.figures.length, 'figure')}.`
              : sheet
                ? `${plural(sheet.skeleton.figures.length, 'figure')} on ${size.width} × ${size.height}; each figure’s box is known exactly.`
                : ''}
          </p>
          <span className="spacer" />
          <button type="button" onClick={props.onClose} disabled={busy}>
            {saved ? 'Close' : 'Cancel'}
          </button>
          {saved ? (
            <button type="button" className="primary" onClick={generateFromIt} disabled={props.readOnly}>
              <Sparkles size={14} aria-hidden /> Generate from it
            </button>
          ) : (
            <button
              type="button"
              className="primary"
              onClick={() => void save()}
              disabled={!sheet || busy || props.readOnly || !name.trim()}
              title={props.readOnly ? 'The project is read-only' : 'Save the sheet (Ctrl/Cmd+Enter)'}
            >
              {busy ? <Loader2 className="spin" size={14} aria-hidden /> : <Save size={14} aria-hidden />}
              Save sheet <Kbd combo="Mod+Enter" />
            </button>
          )}
        </footer>
      </div>
    </dialog>
  );
}
