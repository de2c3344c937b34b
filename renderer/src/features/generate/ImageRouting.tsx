import { ArrowLeft, AlertTriangle } from 'lucide-react';
import { imageFields, type ModelSpec } from '../../../../src/models';
import type { CharacterOption, PoseOption } from './sources';

/**
 * Which picture goes into which of the model's fields, in the field names Segmind reads: V1 takes the pose
 * sheet as `image`; V3 the character's reference as `ip_image` and the pose as `input_image`; with-pose
 * `face_image` and `pose_image`; consistent-character only `subject` (its poses are built in). A model that
 * needs the character's picture, for a character without one, says so here.
 */
export function ImageRouting(props: {
  model: ModelSpec;
  character: CharacterOption | undefined;
  pose: PoseOption | undefined;
}) {
  const { model, character, pose } = props;
  const fields = imageFields(model);
  return (
    <dl className="image-routing" aria-label="Pictures sent to the model" data-testid="image-routing">
      {fields.character !== null && (
        <div className="route">
          <dt>
            <code>{fields.character}</code>
          </dt>
          <dd>
            <ArrowLeft size={12} aria-hidden />{' '}
            {character?.thumb ? (
              <span data-testid={`route-${fields.character}`}>
                {character.name}’s first reference picture
              </span>
            ) : (
              <span className="warn-text" data-testid={`route-${fields.character}`}>
                <AlertTriangle size={12} aria-hidden /> {character?.name ?? 'The character'} has no reference
                picture{fields.characterRequired ? ': add one in Characters' : ''}
              </span>
            )}
          </dd>
        </div>
      )}
      {fields.pose !== null && (
        <div className="route">
          <dt>
            <code>{fields.pose}</code>
          </dt>
          <dd>
            <ArrowLeft size={12} aria-hidden />{' '}
            <span data-testid={`route-${fields.pose}`}>
              {pose ? `pose sheet ${pose.name}` : 'the chosen pose sheet'}
              {fields.poseRequired ? '' : ' (optional)'}
            </span>
          </dd>
        </div>
      )}
      {model.poses === 'built-in' && (
        <div className="route">
          <dt>poses</dt>
          <dd>built into the model: the pose sheet is not sent</dd>
        </div>
      )}
    </dl>
  );
}

/** True when the model cannot run for this character: it needs a reference picture the character lacks. */
export function missingReference(model: ModelSpec, character: CharacterOption | undefined): boolean {
  const fields = imageFields(model);
  return fields.characterRequired && !!character && character.thumb === null;
}
