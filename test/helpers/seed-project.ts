/**
 * Puts characters and poses into the open project of a runtime, for tests and benchmarks that need
 * something to generate from. It goes through the real workspace calls (characters.create,
 * poses.createLibrary, poses.import), exactly as the UI does, so every image is checked and thumbnailed.
 */
import type { Character, Pose } from '../../src/domain';
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
  /** Overrides what figure detection decided. */
  kind?: 'sheet' | 'single';
  /** Adds the pose to this library; a new library is made when absent. */
  libraryId?: string;
  libraryName?: string;
}

function requireProject(runtime: AppRuntime): void {
  if (runtime.projectRoot() === null)
    throw new Error('seed-project: open or create a project in the runtime first');
}

export async function seedCharacter(runtime: AppRuntime, seed: CharacterSeed): Promise<Character> {
  requireProject(runtime);
  return runtime.handlers['characters.create']({
    name: seed.name,
    description: seed.description ?? '',
    styleWords: seed.styleWords ?? '',
    negativePrompt: seed.negativePrompt ?? '',
  });
}

export async function seedPose(runtime: AppRuntime, seed: PoseSeed): Promise<Pose> {
  requireProject(runtime);
  const libraryId =
    seed.libraryId ??
    (await runtime.handlers['poses.createLibrary']({ name: seed.libraryName ?? 'Test poses' })).id;
  const report = await runtime.handlers['poses.import']({
    libraryId,
    sources: [{ name: `${seed.name}.png`, dataBase64: seed.image.toString('base64') }],
  });
  const imported = report.imported[0];
  if (!imported) {
    throw new Error(
      `seed-project: the pose was not imported: ${JSON.stringify([...report.failed, ...report.duplicates])}`,
    );
  }
  const changes = { name: seed.name, ...(seed.kind ? { kind: seed.kind } : {}) };
  return runtime.handlers['poses.update']({ poseId: imported.id, changes });
}

/** One character and one pose sheet: the usual starting point of a generation test. */
export async function seedCharacterAndPose(
  runtime: AppRuntime,
  character: CharacterSeed,
  pose: PoseSeed,
): Promise<{ character: Character; pose: Pose }> {
  return { character: await seedCharacter(runtime, character), pose: await seedPose(runtime, pose) };
}
