import { copyFile, mkdir } from 'node:fs/promises';
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
import { readJsonFile, writeJsonKeepingUnknown } from '../json-file';
import { exists, guardWrite, removeQuietly, toProjectPath } from './fs-utils';
import { readIdFolders } from './read-id-folders';
import { expandSources, type DuplicateOf } from './image-intake';
import { importImages, placeImage, writeImageThen } from './image-import';
import { thumbFileFor, thumbPathFor } from './paths';
import type { TaskControl } from './task-control';
import type { Workspace } from './workspace';

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
  constructor(private readonly ws: Workspace) {}

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

  async create(fields: Partial<CharacterFields> & { name: string }): Promise<Character> {
    this.ws.project.assertWritable();
    const now = nowIso();
    return this.ws.locks.run(`character:new`, () =>
      this.save(
        CharacterSchema.parse({
          ...fields,
          id: newId(),
          referenceImages: [],
          createdAt: now,
          updatedAt: now,
        }),
      ),
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
        await mkdir(refsDir, { recursive: true });
        const referenceImages: StoredImage[] = [];
        for (const image of source.referenceImages) {
          const imageId = newId();
          const ext = image.file.slice(image.file.lastIndexOf('.') + 1);
          const target = join(refsDir, `${imageId}.${ext}`);
          await copyFile(join(this.ws.project.root, image.file), target);
          await copyFile(thumbPathFor(this.layout, image.id), thumbPathFor(this.layout, imageId)).catch(
            () => undefined,
          );
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

  /** Moves one reference image to the trash; restoring puts it back on the character. */
  async removeReference(id: string, imageId: string): Promise<{ character: Character; trashId: string }> {
    this.ws.project.assertWritable();
    return this.ws.locks.run(`character:${id}`, async () => {
      const current = await this.get(id);
      const image = current.referenceImages.find((i) => i.id === imageId);
      if (!image) throw new AppError('NOT_FOUND', 'That reference image is no longer on this character.');
      const entry = await guardWrite('the trash', () =>
        this.ws.trash.put({
          kind: 'reference',
          label: `Reference of ${current.name}`,
          count: 1,
          moves: [image.file],
          refs: {},
          thumbIds: [image.id],
          payload: { characterId: id, image },
        }),
      );
      const character = await this.save({
        ...current,
        referenceImages: current.referenceImages.filter((i) => i.id !== imageId),
        updatedAt: nowIso(),
      });
      return { character, trashId: entry.id };
    });
  }

  /** Puts a trashed reference image back on its character (the file is already back in place). */
  async reattachReference(characterId: string, image: StoredImage): Promise<void> {
    await this.ws.locks.run(`character:${characterId}`, async () => {
      const current = await this.get(characterId);
      if (current.referenceImages.some((i) => i.id === image.id)) return;
      await this.save({
        ...current,
        referenceImages: [...current.referenceImages, image],
        updatedAt: nowIso(),
      });
    });
  }

  async exists(id: string): Promise<boolean> {
    return exists(this.layout.characterFile(id));
  }
}

const notFound = (): AppError =>
  new AppError('NOT_FOUND', 'That character is not in the project (it may be in the trash).');
