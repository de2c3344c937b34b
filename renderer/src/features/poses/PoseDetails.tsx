import { useId, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Bone, Sparkles, Trash2, UsersRound } from 'lucide-react';
import type { PoseView } from '../../../../src/contract/calls/workspace';
import { asAppError, getBridge } from '../../bridge/bridge';
import { MediaThumb } from '../../ui/MediaThumb';
import { TagInput } from '../../ui/TagInput';
import { useToasts } from '../../ui/Toasts';
import { formatDateTime, plural } from '../../ui/format';
import { wsKeys } from '../results/workspace-data';
import { useNavigation } from '../../app/navigation';
import { generateWith } from '../../app/selection';
import { useGeneratePanel } from '../generate/generate-context';
import { openSamePose } from '../compare/review-store';
import { openGallery } from '../results/gallery-store';
import '../results/results.css';
import { isComposing } from '../../ui/keyboard';
import { SkeletonEditor } from '../skeleton/SkeletonEditor';

/** The selected pose's fields, edited in place: name, kind, tags; or, for several, one trash button. */
export function PoseDetails(props: {
  poses: PoseView[];
  project: string;
  readOnly: boolean;
  onTrash(): void;
}) {
  const client = useQueryClient();
  const toasts = useToasts();
  const { go } = useNavigation();
  const generatePanel = useGeneratePanel();
  const nameId = useId();
  const kindId = useId();
  const pose = props.poses.length === 1 ? props.poses[0] : undefined;
  const [name, setName] = useState(pose?.name ?? '');
  const [editing, setEditing] = useState(false);

  const update = async (changes: { name?: string; tags?: string[]; kind?: 'sheet' | 'single' }) => {
    if (!pose) return;
    try {
      await getBridge().poses.update({ poseId: pose.id, changes });
      await client.invalidateQueries({ queryKey: wsKeys.poses(props.project) });
    } catch (error) {
      toasts.show({ message: 'Could not save the pose', detail: asAppError(error).message, tone: 'error' });
    }
  };

  if (!pose) {
    return (
      <div className="insp">
        <div className="insp-title">
          <h2>{plural(props.poses.length, 'pose')} selected</h2>
          <div className="secondary">Results made from them stay in the gallery.</div>
        </div>
        <button className="danger" onClick={props.onTrash} disabled={props.readOnly}>
          <Trash2 size={14} aria-hidden /> Move {plural(props.poses.length, 'pose')} to trash
        </button>
      </div>
    );
  }
  return (
    <div className="insp">
      <MediaThumb
        className="insp-pose-preview fit"
        file={pose.image.file}
        thumbFile={pose.image.thumbFile}
        alt={pose.name}
      />
      <div className="field">
        <label htmlFor={nameId} className="field-label">
          Name
        </label>
        <input
          id={nameId}
          value={name}
          maxLength={200}
          disabled={props.readOnly}
          onChange={(e) => setName(e.target.value)}
          onBlur={() => {
            if (!name.trim()) setName(pose.name);
            else if (name.trim() !== pose.name) void update({ name: name.trim() });
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !isComposing(e)) (e.target as HTMLInputElement).blur();
          }}
        />
      </div>
      <div className="field">
        <label htmlFor={kindId} className="field-label">
          Kind
        </label>
        <select
          id={kindId}
          value={pose.kind}
          disabled={props.readOnly}
          onChange={(e) => void update({ kind: e.target.value === 'sheet' ? 'sheet' : 'single' })}
        >
          <option value="sheet">Pose sheet (several figures)</option>
          <option value="single">Single pose</option>
        </select>
      </div>
      <TagInput
        label="Tags"
        value={pose.tags}
        disabled={props.readOnly}
        onChange={(tags) => void update({ tags })}
      />
      <dl className="receipt-facts">
        <dt>Figures found</dt>
        <dd className="tabular">{pose.figures.length}</dd>
        <dt>Size</dt>
        <dd className="tabular">
          {pose.image.width} × {pose.image.height}
        </dd>
        <dt>File</dt>
        <dd className="ellipsis" title={pose.image.originalName}>
          {pose.image.originalName}
        </dd>
        <dt>Imported</dt>
        <dd>{formatDateTime(pose.createdAt)}</dd>
      </dl>
      <button
        className="primary"
        onClick={() => {
          generateWith({ poseId: pose.id, libraryId: pose.libraryId });
          generatePanel.open();
        }}
        disabled={props.readOnly}
        title="Open Generate with this pose chosen"
      >
        <Sparkles size={14} aria-hidden /> Generate with this
      </button>
      {pose.skeleton && (
        <button
          onClick={() => setEditing(true)}
          disabled={props.readOnly}
          title="Move joints, turn, scale and mirror figures, delete keypoints"
        >
          <Bone size={14} aria-hidden /> Edit skeleton
        </button>
      )}
      {editing && pose.skeleton && (
        <SkeletonEditor
          project={props.project}
          pose={{ ...pose, skeleton: pose.skeleton }}
          readOnly={props.readOnly}
          onClose={() => setEditing(false)}
        />
      )}
      {pose.kind === 'sheet' && pose.figures.length > 1 && (
        <button
          onClick={() => {
            openGallery({});
            openSamePose(pose.id);
            go('results');
          }}
          title="One figure of this sheet from every result made with it, side by side"
        >
          <UsersRound size={14} aria-hidden /> Same pose across results
        </button>
      )}
      <button className="danger" onClick={props.onTrash} disabled={props.readOnly}>
        <Trash2 size={14} aria-hidden /> Move to trash
      </button>
    </div>
  );
}
