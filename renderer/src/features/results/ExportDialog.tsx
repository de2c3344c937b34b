import { useId, useState } from 'react';
import { AlertTriangle } from 'lucide-react';
import { errorHelp } from '../../../../src/contract/error-messages';
import type { AppError } from '../../../../src/domain/errors';
import { asAppError, getBridge } from '../../bridge/bridge';
import { Modal } from '../../ui/Modal';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { ProgressBar } from '../../ui/ProgressBar';
import { useNativeDialogs } from '../../ui/ImportSources';
import { useToasts } from '../../ui/Toasts';
import { useTask } from '../../ui/use-task';
import { plural } from '../../ui/format';

const DIR_KEY = 'ccstudio.export.dir';
const CONTACT_SHEET_MAX = 500;

/** `dir` + `name` with the folder's own separator (a Windows path keeps its backslashes). */
function joinPath(dir: string, name: string): string {
  const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  return dir.endsWith(sep) ? `${dir}${name}` : `${dir}${sep}${name}`;
}

/**
 * Export the selected results into a folder under human names, with their parameters embedded (A1111
 * "parameters", readable by other tools) and, if wanted, each receipt as JSON beside it and one contact
 * sheet of them all. Long exports show progress and can be cancelled; the end is a toast with "Show in folder".
 */
type SheetSize = 'screen' | 'a4' | 'letter' | 'a3' | 'long';
const SHEET_SIZES: { id: SheetSize; label: string }[] = [
  { id: 'screen', label: 'Screen' },
  { id: 'a4', label: 'A4 at 300 dpi' },
  { id: 'letter', label: 'US Letter at 300 dpi' },
  { id: 'a3', label: 'A3 at 300 dpi' },
  { id: 'long', label: 'Long edge at 300 dpi…' },
];

export function ExportDialog(props: { open: boolean; ids: string[]; onClose(): void }) {
  const native = useNativeDialogs();
  const toasts = useToasts();
  const task = useTask();
  const dirId = useId();
  const [dir, setDir] = useState(() => localStorage.getItem(DIR_KEY) ?? '');
  const [format, setFormat] = useState<'original' | 'png'>('original');
  const [includeReceipt, setIncludeReceipt] = useState(true);
  const [contactSheet, setContactSheet] = useState(false);
  const [sheetSize, setSheetSize] = useState<SheetSize>('screen');
  const [longEdge, setLongEdge] = useState('3600');
  const sheetSizeId = useId();
  const longEdgeId = useId();
  const longEdgePx = Number(longEdge);
  const longEdgeValid = Number.isInteger(longEdgePx) && longEdgePx >= 1000 && longEdgePx <= 12000;
  const [error, setError] = useState<AppError | null>(null);
  const [failures, setFailures] = useState<{ id: string; message: string }[]>([]);
  const [phase, setPhase] = useState<'idle' | 'exporting' | 'sheet'>('idle');
  const count = props.ids.length;
  const busy = phase !== 'idle';

  const choose = async () => {
    const picked = await getBridge().dialogs.pickFolder({ title: 'Export to a folder', forCreate: true });
    if (picked.path) setDir(picked.path);
  };

  const close = () => {
    if (busy) return;
    setError(null);
    setFailures([]);
    props.onClose();
  };

  const showInFolder = (file: string, folder: string) => {
    getBridge()
      .shell.showInFolder({ file })
      .then(
        (answer) => {
          if (!answer.supported)
            toasts.show({
              message: 'Not available in the browser',
              detail: `The files are in ${folder}`,
              tone: 'info',
            });
        },
        () =>
          toasts.show({
            message: 'The folder could not be opened',
            detail: `The files are in ${folder}`,
            tone: 'info',
          }),
      );
  };

  const run = async () => {
    const target = dir.trim();
    if (!target || count === 0) return;
    setError(null);
    setFailures([]);
    setPhase('exporting');
    localStorage.setItem(DIR_KEY, target);
    const taskId = task.start();
    try {
      const report = await getBridge().results.export({
        ids: props.ids,
        dir: target,
        includeReceipt,
        format,
        taskId,
      });
      let sheet: string | null = null;
      if (contactSheet && !report.cancelled && count <= CONTACT_SHEET_MAX) {
        setPhase('sheet');
        const print =
          sheetSize === 'screen'
            ? undefined
            : sheetSize === 'long'
              ? { longEdge: longEdgePx }
              : { paper: sheetSize };
        const made = await getBridge().results.contactSheet({
          ids: props.ids,
          file: joinPath(report.dir, 'Contact sheet.png'),
          ...(print ? { print } : {}),
        });
        sheet = made.file;
      }
      const first = report.files[0]?.file ?? sheet;
      const exported = report.files.length;
      if (report.failed.length > 0) {
        setFailures(report.failed);
      } else {
        props.onClose();
      }
      toasts.show({
        message: report.cancelled
          ? `Export stopped after ${plural(exported, 'image')}`
          : `Exported ${plural(exported, 'image')}`,
        detail: [
          report.dir,
          sheet ? 'with a contact sheet' : '',
          report.failed.length ? `${report.failed.length} could not be exported` : '',
        ]
          .filter(Boolean)
          .join(' · '),
        tone: report.failed.length > 0 ? 'warn' : 'success',
        durationMs: 8000,
        ...(first && native
          ? { action: { label: 'Show in folder', run: () => showInFolder(first, report.dir) } }
          : {}),
      });
    } catch (e) {
      setError(asAppError(e));
    } finally {
      task.end();
      setPhase('idle');
    }
  };

  const progress = task.progress;
  const value =
    phase === 'sheet' || !progress || progress.total === 0 ? null : progress.done / progress.total;
  return (
    <Modal
      open={props.open}
      title={`Export ${plural(count, 'result')}`}
      onClose={close}
      busy={busy}
      width={520}
      footer={
        busy ? (
          <>
            <div className="export-progress">
              <span className="secondary tabular">
                {phase === 'sheet'
                  ? 'Making the contact sheet…'
                  : progress
                    ? `Exporting ${progress.done} of ${progress.total}`
                    : 'Starting…'}
              </span>
              <ProgressBar value={value} label="Export progress" />
            </div>
            <button type="button" onClick={task.cancel} disabled={task.cancelling || phase === 'sheet'}>
              {task.cancelling ? 'Stopping…' : 'Cancel'}
            </button>
          </>
        ) : (
          <>
            <button type="button" onClick={close}>
              {failures.length > 0 ? 'Close' : 'Cancel'}
            </button>
            <button
              type="submit"
              form="export-form"
              className="primary"
              disabled={
                dir.trim() === '' || count === 0 || (contactSheet && sheetSize === 'long' && !longEdgeValid)
              }
            >
              Export
            </button>
          </>
        )
      }
    >
      <form
        id="export-form"
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <div className="field">
          <label htmlFor={dirId} className="field-label">
            Folder
          </label>
          <div className="row">
            <input
              id={dirId}
              className="grow"
              value={dir}
              onChange={(e) => setDir(e.target.value)}
              placeholder="/home/you/Pictures/Exports"
              spellCheck={false}
              disabled={busy}
              autoFocus
            />
            {native && (
              <button type="button" onClick={() => void choose()} disabled={busy}>
                Choose…
              </button>
            )}
          </div>
          <span className="secondary">
            Files are named after the character, pose, date and seed. Nothing there is overwritten.
          </span>
        </div>
        <fieldset className="field plain-fieldset" disabled={busy}>
          <legend className="field-label">Format</legend>
          <div className="segmented">
            <label>
              <input
                type="radio"
                name="export-format"
                checked={format === 'original'}
                onChange={() => setFormat('original')}
              />
              As generated (JPEG or PNG)
            </label>
            <label>
              <input
                type="radio"
                name="export-format"
                checked={format === 'png'}
                onChange={() => setFormat('png')}
              />
              PNG
            </label>
          </div>
        </fieldset>
        <label className="check-line">
          <input type="checkbox" checked disabled aria-describedby="export-embed-why" />
          <span>
            Embed the parameters in each image <span className="secondary">(always on)</span>
            <span className="secondary block" id="export-embed-why">
              Prompt, negative prompt, seed, steps and model, as A1111 “parameters” text. Always on, so an
              exported image can always be traced back and made again: the text travels inside the file (other
              tools read it), is never shown on the picture, and holds no API key.
            </span>
          </span>
        </label>
        <label className="check-line">
          <input
            type="checkbox"
            checked={includeReceipt}
            onChange={(e) => setIncludeReceipt(e.target.checked)}
            disabled={busy}
          />
          <span>
            Save each receipt as JSON beside its image
            <span className="secondary block">The full request and response details, for your records.</span>
          </span>
        </label>
        <label className="check-line">
          <input
            type="checkbox"
            checked={contactSheet}
            onChange={(e) => setContactSheet(e.target.checked)}
            disabled={busy || count > CONTACT_SHEET_MAX}
          />
          <span>
            Also make a contact sheet
            <span className="secondary block">
              {count > CONTACT_SHEET_MAX
                ? `A contact sheet holds at most ${CONTACT_SHEET_MAX} results; select fewer.`
                : 'One PNG with every selected result and a caption under each.'}
            </span>
          </span>
        </label>
        {contactSheet && count <= CONTACT_SHEET_MAX && (
          <div className="field sheet-size">
            <div className="row">
              <label htmlFor={sheetSizeId} className="field-label">
                Contact sheet size
              </label>
              <select
                id={sheetSizeId}
                value={sheetSize}
                onChange={(e) => setSheetSize(e.target.value as SheetSize)}
                disabled={busy}
              >
                {SHEET_SIZES.map((size) => (
                  <option key={size.id} value={size.id}>
                    {size.label}
                  </option>
                ))}
              </select>
              {sheetSize === 'long' && (
                <>
                  <label htmlFor={longEdgeId} className="visually-hidden">
                    Long edge in pixels
                  </label>
                  <input
                    id={longEdgeId}
                    className="num-input tabular"
                    inputMode="numeric"
                    value={longEdge}
                    onChange={(e) => setLongEdge(e.target.value)}
                    aria-invalid={!longEdgeValid || undefined}
                    disabled={busy}
                  />
                  <span className="secondary">px</span>
                </>
              )}
            </div>
            <span className={sheetSize === 'long' && !longEdgeValid ? 'field-error' : 'secondary'}>
              {sheetSize === 'long' && !longEdgeValid
                ? 'Enter a long edge from 1,000 to 12,000 pixels.'
                : sheetSize === 'screen'
                  ? 'For the screen: 4 columns of 256 px.'
                  : `Laid out to fill it at 300 dpi${sheetSize === 'long' ? ` (${(longEdgePx / 300).toFixed(1)} in on the long side)` : ''}, captions at least 9 pt, marked 300 dpi for printing.`}
            </span>
          </div>
        )}
        {error && <ErrorNotice error={error} />}
        {failures.length > 0 && (
          <div className="notice warn" role="alert">
            <AlertTriangle size={16} color="var(--amber)" aria-hidden />
            <div>
              <div className="notice-title">{plural(failures.length, 'result')} could not be exported</div>
              <ul className="secondary plain-list">
                {failures.map((f) => (
                  <li key={f.id}>{f.message}</li>
                ))}
              </ul>
            </div>
          </div>
        )}
        {error?.code === 'PERMISSION_DENIED' && (
          <div className="secondary">{errorHelp.PERMISSION_DENIED.title}: choose another folder.</div>
        )}
      </form>
    </Modal>
  );
}
