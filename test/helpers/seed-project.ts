/**
 * Puts characters and poses into the open project of a runtime, for tests and benchmarks that need
 * something to generate from.
 *
 * Interim: the workspace stores (characters.create, pose import) are not wired into the runtime yet, so this
 * writes the files that src/services/generation/file-project-sources.ts reads:
 *   characters/<id>/character.json          (CharacterSchema)
 *   poses/<libraryId>/library.json          (PoseLibrarySchema; pose.image.file relative to the project root)
 *   poses/<libraryId>/<poseId>.<ext>        the pose image itself
 * Every caller goes through these functions only, so swapping them for the real calls later touches this
 * file alone. Everything written is parsed with the domain schemas first, so a fixture can never be one the
 * app would quarantine.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import {
  CharacterSchema,
  PoseLibrarySchema,
  newId,
  nowIso,
  type Character,
  type Pose,
  type PoseLibrary,
} from '../../src/domain';
import type { AppRuntime } from '../../src/services/runtime-types';

export interface CharacterSeed {
  name: string;
  description?: string;
  styleWords?: string;
  /** Blank: the model's default negative prompt. */
  negativePrompt?: string;
}

export interface PoseSeed {
  name: string;
  /** The image file's bytes (PNG, JPEG, ...). */
  image: Buffer;
  kind?: 'sheet' | 'single';
  /** Adds the pose to this library; a new library is made when absent. */
  libraryId?: string;
  libraryName?: string;
}

function projectRoot(runtime: AppRuntime): string {
  const root = runtime.projectRoot();
  if (root === null) throw new Error('seed-project: open or create a project in the runtime first');
  return root;
}

export async function seedCharacter(runtime: AppRuntime, seed: CharacterSeed): Promise<Character> {
  const root = projectRoot(runtime);
  const now = nowIso();
  const character = CharacterSchema.parse({
    id: newId(),
    name: seed.name,
    description: seed.description ?? '',
    styleWords: seed.styleWords ?? '',
    negativePrompt: seed.negativePrompt ?? '',
    createdAt: now,
    updatedAt: now,
  });
  const dir = join(root, 'characters', character.id);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'character.json'), `${JSON.stringify(character, null, 2)}\n`);
  return character;
}

const libraries = new WeakMap<AppRuntime, Map<string, PoseLibrary>>();

export async function seedPose(runtime: AppRuntime, seed: PoseSeed): Promise<Pose> {
  const root = projectRoot(runtime);
  const known = libraries.get(runtime) ?? new Map<string, PoseLibrary>();
  libraries.set(runtime, known);
  const now = nowIso();
  const library: PoseLibrary =
    (seed.libraryId !== undefined ? known.get(seed.libraryId) : undefined) ??
    PoseLibrarySchema.parse({
      id: seed.libraryId ?? newId(),
      name: seed.libraryName ?? 'Test poses',
      createdAt: now,
      updatedAt: now,
    });

  const meta = await sharp(seed.image).metadata();
  if (meta.width === undefined || meta.height === undefined || meta.format === undefined) {
    throw new Error('seed-project: the pose image does not decode');
  }
  const poseId = newId();
  const extension = meta.format === 'jpeg' ? 'jpg' : meta.format;
  const file = `poses/${library.id}/${poseId}.${extension}`;
  await mkdir(join(root, 'poses', library.id), { recursive: true });
  await writeFile(join(root, file), seed.image);

  const pose: Pose = {
    id: poseId,
    name: seed.name,
    kind: seed.kind ?? 'sheet',
    image: {
      id: newId(),
      file,
      originalName: `${seed.name}.${extension}`,
      width: meta.width,
      height: meta.height,
      format: meta.format,
      bytes: seed.image.length,
      sha256: createHash('sha256').update(seed.image).digest('hex'),
    },
    figures: [],
    tags: [],
    createdAt: now,
  };
  const next = PoseLibrarySchema.parse({ ...library, poses: [...library.poses, pose], updatedAt: now });
  known.set(next.id, next);
  await writeFile(join(root, 'poses', next.id, 'library.json'), `${JSON.stringify(next, null, 2)}\n`);
  return pose;
}

/** One character and one pose sheet: the usual starting point of a generation test. */
export async function seedCharacterAndPose(
  runtime: AppRuntime,
  character: CharacterSeed,
  pose: PoseSeed,
): Promise<{ character: Character; pose: Pose }> {
  return { character: await seedCharacter(runtime, character), pose: await seedPose(runtime, pose) };
}
