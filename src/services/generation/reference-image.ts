import { AppError, type Character, type SentReference } from '../../domain';
import { normaliseForUpload } from '../../images';
import type { ProjectHandle } from '../../library/project-store';
import { imageFields, type ModelSpec } from '../../models';
import type { ProjectSources } from './project-sources';

export interface ChosenReference {
  readonly sent: SentReference;
  /** The picture exactly as it will be sent (normalised like a pose sheet). */
  readonly bytes: Uint8Array;
}

/**
 * The character's reference picture for a model that takes one (V3's `ip_image`, with-pose's
 * `face_image`, consistent-character's `subject`): the one asked for, else the character's first. Null
 * when the model takes no character picture. A model that requires one, for a character that has none,
 * is refused here, before anything is queued or sent.
 */
export async function chooseReference(
  model: ModelSpec,
  character: Character,
  requestedImageId: string | undefined,
  sources: ProjectSources,
  project: ProjectHandle,
): Promise<ChosenReference | null> {
  const field = imageFields(model);
  if (field.character === null) return null;
  const image =
    requestedImageId === undefined
      ? character.referenceImages[0]
      : character.referenceImages.find((ref) => ref.id === requestedImageId);
  if (image === undefined) {
    if (requestedImageId !== undefined) {
      throw new AppError('NOT_FOUND', `${character.name} has no reference picture with that id.`);
    }
    if (!field.characterRequired) return null;
    throw new AppError(
      'INVALID_INPUT',
      `${model.name} draws the character from a reference picture, and ${character.name} has none yet. Add one in Characters first.`,
      { issues: [{ field: field.character, message: 'Add a reference picture to the character.' }] },
    );
  }
  const normalised = await normaliseForUpload(await sources.referenceImage(project, character.id, image.id));
  return {
    bytes: normalised.bytes,
    sent: {
      field: field.character,
      characterId: character.id,
      imageId: image.id,
      sha256: normalised.sha256,
      width: normalised.width,
      height: normalised.height,
      bytes: normalised.bytes.length,
      format: normalised.format,
    },
  };
}
