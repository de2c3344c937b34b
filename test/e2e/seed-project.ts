/**
 * Seeds a project for end-to-end tests with one character and one pose sheet, through the real workspace
 * calls (`characters.create`, `poses.createLibrary`, `poses.import`), exactly as the UI would.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { makePoseSheet, type PoseSheetSpec } from '../fakes/pose-sheet';
import {
  startSegmindStandIn,
  type SegmindStandIn,
  type StartStandInOptions,
} from '../fakes/segmind-stand-in';
import { openSession, type E2ESession, type RunningApp } from './harness';

export interface SeededProject {
  dir: string;
  characterId: string;
  characterName: string;
  poseId: string;
  poseName: string;
}

/** Three figures on a sheet big enough to read in a screenshot. */
export const E2E_SHEET: PoseSheetSpec = {
  width: 384,
  height: 256,
  figures: [
    { x: 24, y: 24, width: 88, height: 208 },
    { x: 148, y: 24, width: 88, height: 208 },
    { x: 272, y: 24, width: 88, height: 208 },
  ],
};

export const E2E_CHARACTER = {
  name: 'Mira',
  description: 'young lighthouse keeper, yellow raincoat, short red hair, freckles',
  styleWords: '2D illustration style, clean line art',
};

export async function seedProject(app: RunningApp, name = 'Lighthouse book'): Promise<SeededProject> {
  const dir = join(app.workDir, name);
  const handlers = app.runtime.handlers;
  await handlers['projects.create']({ dir, name });
  const sheet = await makePoseSheet(E2E_SHEET);

  const character = await handlers['characters.create']({ ...E2E_CHARACTER });
  const library = await handlers['poses.createLibrary']({ name: 'Standing' });
  const report = await handlers['poses.import']({
    libraryId: library.id,
    sources: [{ name: 'three-figures.png', dataBase64: sheet.toString('base64') }],
  });
  const pose = report.imported[0];
  if (!pose) throw new Error('the pose sheet was not imported');
  return {
    dir,
    characterId: character.id,
    characterName: character.name,
    poseId: pose.id,
    poseName: pose.name,
  };
}

/** The start most generation files share: the stand-in, the app pointed at it, a seeded project, a page. */
export async function openSeededSession(
  standInOptions: StartStandInOptions,
): Promise<{ session: E2ESession; standIn: SegmindStandIn; seeded: SeededProject }> {
  const standIn = await startSegmindStandIn(standInOptions);
  let seeded: SeededProject | undefined;
  const session = await openSession({
    standIn,
    prepare: async (app) => {
      seeded = await seedProject(app);
    },
  });
  if (!seeded) throw new Error('the project was not seeded');
  return { session, standIn, seeded };
}

/** Every file under a folder, recursively (relative paths). */
export async function listFiles(root: string, sub = ''): Promise<string[]> {
  const entries = await readdir(join(root, sub), { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const e of entries) {
    const rel = sub ? `${sub}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(root, rel)));
    else out.push(rel);
  }
  return out;
}
