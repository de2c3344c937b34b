import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, IdSchema, ResultSchema, type Result } from '../../../domain';
import { orientedImageSize, sniffFormat } from '../../../images';
import { writeFileAtomic, writeJsonAtomic } from '../../atomic-write';
import { exists, guardWrite } from '../fs-utils';
import { makeThumbQuietly } from '../image-intake';
import { extensionFor } from '../paths';
import { entryOf } from '../result-index-file';
import type { ResultDraft } from '../result-types';
import type { StoreContext } from '../store-context';
import type { ResultsIndex } from './results-index';

/**
 * Commits one result: the image bytes first (results/<id>.<ext>, atomically), then its JSON
 * (results/<id>.json, atomically), then the index. If the JSON cannot be written the image stays
 * (paid output is never dropped) and calling again with the same draft completes it.
 */
export async function storeResult(
  ctx: StoreContext,
  index: ResultsIndex,
  draft: ResultDraft,
  imageBytes: Uint8Array,
  options: { persist?: boolean } = {},
): Promise<Result> {
  ctx.project.assertWritable();
  await index.load();
  if (!IdSchema.safeParse(draft.id).success)
    throw new AppError('INVALID_INPUT', 'A result needs a valid id.');
  if (index.row(draft.id) || (await exists(index.jsonPath(draft.id)))) {
    throw new AppError('ALREADY_EXISTS', `The result ${draft.id} is already in the project.`);
  }
  const sniffed = sniffFormat(imageBytes);
  const given =
    draft.file?.startsWith(`results/${draft.id}.`) && /^results\/[a-z0-9]+\.[a-z0-9]{2,5}$/.test(draft.file);
  const file =
    given && draft.file
      ? draft.file
      : `results/${draft.id}.${sniffed.kind === 'image' ? extensionFor[sniffed.format] : 'bin'}`;
  const imagePath = join(ctx.project.root, ...file.split('/'));
  // A failed add leaves its mark: the next open reads whatever of it reached the disk.
  index.expect([draft.id]);
  await guardWrite('the result image', () => writeFileAtomic(imagePath, imageBytes));

  let { width, height } = draft;
  if (width === undefined || height === undefined) {
    const size = await orientedImageSize(imageBytes);
    if (!size) {
      throw new AppError(
        'BAD_RESPONSE',
        `The image of result ${draft.id} cannot be read; it was kept as ${file}.`,
        { file },
      );
    }
    width ??= size.width;
    height ??= size.height;
  }
  const result = ResultSchema.parse({
    ...draft,
    file,
    width,
    height,
    review: draft.review ?? { rating: 0, flag: 'none', tags: [] },
  });
  const jsonPath = index.jsonPath(result.id);
  await guardWrite(
    'the result’s receipt',
    () => writeJsonAtomic(jsonPath, result),
    `The image was kept as ${file}`,
  );
  index.put(entryOf(result, await stat(jsonPath)), false);
  index.settle([result.id]);
  index.touch();
  await makeThumbQuietly(index.layout, result.id, imageBytes);
  if (options.persist !== false) await index.persist();
  return result;
}
