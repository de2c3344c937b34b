import { join } from 'node:path';
import {
  AppError,
  CharacterSchema,
  newId,
  nowIso,
  type Character,
  type ProjectProblem,
  type StoredImage,
} from '../../domain';
import type {
  CharacterFields,
  CharacterView,
  ImageSource,
  ImportDuplicate,
  ImportFailure,
  StoredImageView,
} from '../../contract/calls/workspace';
import { writeFileAtomic } from '../atomic-write';
import { makeFolderInside } from '../contained-fs';
import { readContainedFile, readRecordedFile } from '../contained-path';
import { readJsonFile, writeJsonKeepingUnknown } from '../json-file';
import { exists, guardWrite, removeQuietly, toProjectPath } from './fs-utils';
import { whileInFlight } from './in-flight';
import { readIdFolders } from './read-id-folders';
import type { DuplicateOf } from './image-intake';
import { expandSources, importImages, placeImage, writeImageThen } from './image-import';
import { thumbFileFor, thumbPathFor } from './paths';
import type { TaskControl } from './task-control';
import type { TrashedReferencePayload } from './trash-records';
import type { CatalogStoreContext } from './store-context';

export const viewImage = (image: StoredImage): StoredImageView => ({
  ...image,
  thumbFile: thumbFileFor(image.id),
});
export const viewCharacter = (c: Character): CharacterView => ({
  ...c,
  referenceImages: c.referenceImages.map(viewImage),
});

export interface ReferenceImportResult {
  character: Character;
  added: StoredImage[];
  duplicates: ImportDuplicate[];
  failed: ImportFailure[];
  skipped: { file: string; reason: string }[];
  cancelled: boolean;
}

const byName = (a: { name: string }, b: { name: string }) =>
  a.name.localeCompare(b.name, undefined, { sensitivity: 'base', numeric: true });

/**
 * Characters: characters/<id>/character.json plus characters/<id>/refs/<imageId>.<ext>. A damaged
 * character.json is moved to quarantine and reported while the others load.
 */
export class CharacterStore {
  constructor(private readonly ws: CatalogStoreContext) {}

  private get layout() {
    return this.ws.project.layout;
  }

  /** Every character (A-Z) and the problems met: damaged files quarantined now or earlier this session. */
  async readAll(): Promise<{ characters: Character[]; problems: ProjectProblem[] }> {
    const project = this.ws.project;
    const { items, problems } = await readIdFolders(
      project,
      this.layout.charactersDir,
      (id) => this.layout.characterFile(id),
      CharacterSchema,
      (file) =>
        project.problems.some((p) => p.file === file)
          ? null
          : { file, reason: 'character.json is missing; the folder and its images are kept' },
    );
    return { characters: items.sort(byName), problems };
  }

  async get(id: string): Promise<Character> {
    const result = await readJsonFile(this.layout.characterFile(id), CharacterSchema);
    if (result.ok) return { ...result.value, id };
    if (result.missing) throw notFound();
    await this.ws.project.quarantine(this.layout.characterFile(id), result.reason);
    throw new AppError(
      'PROJECT_DAMAGED',
      `This character’s file was damaged (${result.reason}); it was moved to quarantine.`,
    );
  }

  private async save(character: Character): Promise<Character> {
    const valid = CharacterSchema.parse(character);
    const file = this.layout.characterFile(valid.id);
    await guardWrite('the character', () => writeJsonKeepingUnknown(file, CharacterSchema, valid));
    this.ws.invalidateCatalog();
    return valid;
  }

  /**
   * A new character: its folder and character.json. A create that fails leaves nothing behind, not even
   * the folder its write made (which would be listed as a character whose character.json is missing).
   * Until character.json is there the id is held in flight, so the folder is never taken for a leftover.
   */
  async create(fields: Partial<CharacterFields> & { name: string }): Promise<Character> {
    this.ws.project.assertWritable();
    const now = nowIso();
    const character = CharacterSchema.parse({
      ...fields,
      id: newId(),
      referenceImages: [],
      createdAt: now,
      updatedAt: now,
    });
    return whileInFlight(character.id, () =>
      this.ws.locks.run(`character:new`, async () => {
        try {
          return await this.save(character);
        } catch (error) {
          await removeQuietly(this.layout.characterDir(character.id));
          throw error;
        }
      }),
    );
  }

  async update(id: string, changes: Partial<CharacterFields>): Promise<Character> {
    this.ws.project.assertWritable();
    return this.ws.locks.run(`character:${id}`, async () => {
      const current = await this.get(id);
      return this.save({ ...current, ...changes, id, updatedAt: nowIso() });
    });
  }

  /** A copy with a new id and its own copies of the reference images (new image ids, thumbnails copied). */
  async duplicate(id: string, name?: string): Promise<Character> {
    this.ws.project.assertWritable();
    const source = await this.get(id);
    const copyId = newId();
    const now = nowIso();
    const refsDir = join(this.layout.characterDir(copyId), 'refs');
    return guardWrite('the copy', async () => {
      try {
        await makeFolderInside(refsDir);
        const referenceImages: StoredImage[] = [];
        for (const image of source.referenceImages) {
          const imageId = newId();
          const ext = image.file.slice(image.file.lastIndexOf('.') + 1);
          const target = join(refsDir, `${imageId}.${ext}`);
          // Read the contained way and checked against its recorded hash, like an upload: a reference
          // that is a link out of the project, or has other bytes than those imported, is not copied.
          const root = this.ws.project.root;
          const bytes = await readRecordedFile(
            root,
            image,
            `${source.name}’s reference “${image.originalName}”`,
          );
          await writeFileAtomic(target, bytes);
          await readContainedFile(root, thumbFileFor(image.id))
            .then((thumb) => writeFileAtomic(thumbPathFor(this.layout, imageId), thumb))
            .catch(() => undefined); // a thumbnail is remade when missing
          referenceImages.push({ ...image, id: imageId, file: toProjectPath(this.ws.project.root, target) });
        }
        const copy = CharacterSchema.parse({
          ...source,
          id: copyId,
          name: (name ?? `${source.name} copy`).slice(0, 120),
          referenceImages,
          createdAt: now,
          updatedAt: now,
        });
        return await this.save(copy);
      } catch (error) {
        await removeQuietly(this.layout.characterDir(copyId));
        throw error;
      }
    });
  }

  async trash(id: string): Promise<string> {
    this.ws.project.assertWritable();
    return this.ws.locks.run(`character:${id}`, async () => {
      const character = await this.get(id);
      const entry = await guardWrite('the trash', () =>
        this.ws.trash.put({
          kind: 'character',
          label: character.name,
          count: 1,
          moves: [toProjectPath(this.ws.project.root, this.layout.characterDir(id))],
          refs: { characters: [{ id, name: character.name }] },
          thumbIds: character.referenceImages.map((i) => i.id),
        }),
      );
      this.ws.invalidateCatalog();
      return entry.id;
    });
  }

  /** Adds reference images: each checked, duplicates of this character’s references skipped. */
  async addReferences(
    id: string,
    sources: readonly ImageSource[],
    control: TaskControl = {},
  ): Promise<ReferenceImportResult> {
    this.ws.project.assertWritable();
    const expanded = await expandSources(sources);
    const initial = await this.get(id);
    const known = new Map<string, DuplicateOf>(
      initial.referenceImages.map((i) => [i.sha256, { kind: 'reference', id: i.id, name: i.originalName }]),
    );
    const refsDir = join(this.layout.characterDir(id), 'refs');

    const outcome = await importImages<StoredImage>({
      expanded,
      control,
      known,
      what: 'the reference image',
      claimAs: (item) => ({ kind: 'reference', id: newId(), name: item.baseName }), // its image id, chosen now
      store: async (item, { bytes, facts }, inTurn) => {
        const imageId = known.get(facts.sha256)?.id ?? newId();
        const { target, image } = placeImage(this.ws.project.root, refsDir, imageId, item.baseName, facts);
        await writeImageThen(this.layout, imageId, target, bytes, () =>
          inTurn(() =>
            this.ws.locks.run(`character:${id}`, async () => {
              const current = await this.get(id);
              await this.save({
                ...current,
                referenceImages: [...current.referenceImages, image],
                updatedAt: nowIso(),
              });
            }),
          ),
        );
        return image;
      },
      importedName: (image) => image.originalName,
    });
    return {
      character: await this.get(id),
      added: outcome.stored,
      duplicates: outcome.duplicates,
      failed: outcome.failed,
      skipped: outcome.skipped,
      cancelled: outcome.cancelled,
    };
  }

  /**
   * Moves one reference image to the trash; restoring puts it back on the character. TrashStore.put
   * moves the image into the entry, then drops it from character.json (held under the character's lock
   * throughout, so a failed step puts the file back byte for byte).
   */
  async removeReference(id: string, imageId: string): Promise<{ character: Character; trashId: string }> {
    this.ws.project.assertWritable();
    return this.ws.locks.run(`character:${id}`, async () => {
      const current = await this.get(id);
      const image = current.referenceImages.find((i) => i.id === imageId);
      if (!image) throw new AppError('NOT_FOUND', 'That reference image is no longer on this character.');
      let entryId: string;
      try {
        const payload: TrashedReferencePayload = { characterId: id, image };
        const entry = await guardWrite('the trash', () =>
          this.ws.trash.put({
            kind: 'reference',
            label: `Reference of ${current.name}`,
            count: 1,
            moves: [image.file],
            refs: {},
            thumbIds: [image.id],
            payload,
          }),
        );
        entryId = entry.id;
      } finally {
        // The trash rewrote character.json itself (and may have put it back).
        this.ws.invalidateCatalog();
      }
      // The image is in the trash now: a failed read of the result must not report the delete as failed.
      const fallback = {
        ...current,
        referenceImages: current.referenceImages.filter((i) => i.id !== imageId),
      };
      const character = await this.get(id).catch(() => fallback);
      return { character, trashId: entryId };
    });
  }

  async exists(id: string): Promise<boolean> {
    return exists(this.layout.characterFile(id));
  }
}

const notFound = (): AppError =>
  new AppError('NOT_FOUND', 'That character is not in the project (it may be in the trash).');
