/**
 * Skeleton poses in a project, through the contract as the UI reaches it (dispatchCall, the real
 * runtime, real files): OpenPose JSON imports as a sheet named after the file (or one pose per person
 * with `split`), its rendered PNG stored as the pose's image and its skeleton kept with it, its figure
 * boxes exact (no detection); it exports back to the same JSON; a bad file is named and changes nothing;
 * the starter library goes into a project in one call; and a result from the stand-in is cut along the
 * exact boxes.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { PoseImportReportSchema, PoseView } from '../../../src/contract/calls/workspace';
import type { CallName } from '../../../src/contract';
import { AppError, newId } from '../../../src/domain';
import { renderSkeletonPng } from '../../../src/images';
import { addResult, workspaceFor } from '../../../src/library/workspace';
import { openProject } from '../../../src/library/project-store';
import { MemoryStore } from '../../../src/secrets/memory-store';
import { dispatchCall } from '../../../src/services/dispatch';
import { createAppRuntime } from '../../../src/services/runtime';
import {
  STARTER_POSES,
  composeSheet,
  figureBoxes,
  parseOpenPoseJson,
  starterSkeleton,
  toOpenPoseJson,
} from '../../../src/skeleton';
import { renderCharacterSheet } from '../../fakes/segmind-stand-in-render';
import { useTempDirs } from '../../helpers/temp-dir';
import { iou } from '../../unit/images/iou';
import { treeSnapshot } from '../workspace/tree-snapshot';
import { draftFor } from '../workspace/support';
import type { z } from 'zod';

const tempDir = useTempDirs();
type Report = z.infer<typeof PoseImportReportSchema>;

async function started() {
  const rt = await createAppRuntime({
    userDataDir: await tempDir(),
    platform: { shell: 'browser' },
    secrets: new MemoryStore(),
    appVersion: '9.9.9',
    runQueue: false,
  });
  const call = async <T>(name: CallName, input: unknown): Promise<T> => {
    const result = await dispatchCall(rt.handlers, name, input);
    if (!result.ok) throw new AppError(result.error.code, result.error.message);
    return result.value as T;
  };
  const dir = join(await tempDir(), 'project');
  await call('projects.create', { dir, name: 'Skeletons' });
  return { rt, call, dir };
}

/** A four-person sheet composed from starter poses, as a ControlNet editor would save it. */
function fourPersonSheet() {
  const keys = ['standing-front', 'walking-side', 'waving-three-quarter', 'standing-back'];
  const items = keys.map((key) => ({
    figure: starterSkeleton(STARTER_POSES.find((p) => p.key === key)!).figures[0]!,
  }));
  const skeleton = composeSheet(items, { width: 1024, height: 512 }, 'row').skeleton;
  // A little off the pixel grid, and one missing wrist, as real files are.
  const figures = skeleton.figures.map((f, i) => ({
    body: f.body.map((p, k) => (p === null || (i === 1 && k === 4) ? null : { x: p.x + 0.25, y: p.y + 0.5 })),
  }));
  return { ...skeleton, figures };
}

const upload = (name: string, text: string) => ({ name, dataBase64: Buffer.from(text).toString('base64') });

describe('skeleton poses in a project', () => {
  it('imports a JSON sheet as one sheet with exact boxes, its PNG rendered, and exports the same JSON', async () => {
    const { rt, call, dir } = await started();
    const file = toOpenPoseJson(fourPersonSheet());
    const report = await call<Report>('poses.import', {
      newLibraryName: 'Sheets',
      sources: [upload('Four friends.json', JSON.stringify(file))],
    });
    expect(report.failed).toEqual([]);
    expect(report.imported).toHaveLength(1);
    const pose = report.imported[0] as PoseView;
    const skeleton = parseOpenPoseJson(JSON.stringify(file));
    expect(pose).toMatchObject({ name: 'Four friends', kind: 'sheet' });
    expect(pose.skeleton).toEqual(skeleton);
    expect(pose.figures).toEqual(figureBoxes(skeleton));
    // The image is the standard rendering at the file's canvas size.
    const stored = await readFile(join(dir, pose.image.file));
    expect(stored.equals((await renderSkeletonPng(skeleton)).png)).toBe(true);
    expect([pose.image.width, pose.image.height]).toEqual([1024, 512]);

    const exported = await call<{ fileName: string; json: string }>('poses.exportSkeleton', {
      poseId: pose.id,
    });
    expect(exported.fileName).toBe('Four friends.json');
    expect(JSON.parse(exported.json)).toEqual(file);
    // And it survives the project being closed and opened again.
    await rt.dispose();
    const project = await openProject(dir);
    const again = (await workspaceFor(project).poses.findPose(pose.id))?.pose;
    expect(again?.skeleton).toEqual(skeleton);
    await project.close();
  });

  it('splits a JSON sheet into one single pose per person, and normalised files import like pixel ones', async () => {
    const { rt, call } = await started();
    const sheet = fourPersonSheet();
    const report = await call<Report>('poses.import', {
      newLibraryName: 'Singles',
      sources: [upload('Friends.json', JSON.stringify(toOpenPoseJson(sheet, { normalised: true })))],
      split: true,
    });
    expect(report.imported.map((p) => [p.name, p.kind, p.figures.length])).toEqual([
      ['Friends 1', 'single', 1],
      ['Friends 2', 'single', 1],
      ['Friends 3', 'single', 1],
      ['Friends 4', 'single', 1],
    ]);
    // Person 2's missing wrist is still missing.
    expect(report.imported[1]?.skeleton?.figures[0]?.body[4]).toBeNull();
    await rt.dispose();
  });

  it('takes the canvas size of a plain OpenPose file from the picture beside it', async () => {
    const { rt, call } = await started();
    const folder = await tempDir();
    const sheet = fourPersonSheet();
    const { people } = toOpenPoseJson(sheet);
    await writeFile(join(folder, 'frame_0001_keypoints.json'), JSON.stringify({ version: 1.3, people }));
    await writeFile(join(folder, 'frame_0001_keypoints.png'), (await renderSkeletonPng(sheet)).png);
    const report = await call<Report>('poses.import', {
      newLibraryName: 'From OpenPose',
      sources: [{ path: join(folder, 'frame_0001_keypoints.json') }],
    });
    expect(report.failed).toEqual([]);
    expect(report.imported[0]?.skeleton?.canvas).toEqual({ width: 1024, height: 512 });
    await rt.dispose();
  });

  it('names a bad JSON file with its reason and changes nothing', async () => {
    const { rt, call, dir } = await started();
    const library = await call<{ id: string }>('poses.createLibrary', { name: 'Poses' });
    const before = await treeSnapshot(dir);
    const report = await call<Report>('poses.import', {
      libraryId: library.id,
      sources: [
        upload('broken.json', '{"people": [{"pose_keypoints_2d": [1, 2'),
        upload('empty.json', '{"canvas_width": 10, "canvas_height": 10, "people": []}'),
        { path: join(dir, '..', 'gone.json') },
      ],
    });
    expect(report.imported).toEqual([]);
    expect(report.total).toBe(3);
    expect(report.failed.map((f) => [f.file, f.code])).toEqual([
      ['broken.json', 'INVALID_INPUT'],
      ['empty.json', 'INVALID_INPUT'],
      ['gone.json', 'NOT_FOUND'],
    ]);
    expect(report.failed[0]?.message).toMatch(/not valid JSON/);
    expect(await treeSnapshot(dir)).toEqual(before);
    await expect(call('poses.exportSkeleton', { poseId: newId() })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await rt.dispose();
  });

  it('adds the starter library to a project, tagged, and a second time only finds duplicates', async () => {
    const { rt, call } = await started();
    const report = await call<Report>('poses.addStarter', { newLibraryName: 'Starter poses' });
    expect(report.failed).toEqual([]);
    expect(report.imported).toHaveLength(STARTER_POSES.length);
    const back = report.imported.find((p) => p.name === 'Standing, back');
    expect(back?.tags).toEqual(expect.arrayContaining(['standing', 'back', 'starter']));
    expect(back?.skeleton?.figures[0]?.body[0]).toBeNull();
    for (const pose of report.imported) expect(pose.figures).toEqual(figureBoxes(pose.skeleton!));
    const again = await call<Report>('poses.addStarter', { libraryId: report.libraryId });
    expect(again.imported).toEqual([]);
    expect(again.duplicates).toHaveLength(STARTER_POSES.length);
    // An image pose has no keypoints to export: a clear error.
    const picture = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    const imported = await call<Report>('poses.import', {
      libraryId: report.libraryId,
      sources: [{ name: 'photo.png', dataBase64: picture.toString('base64') }],
    });
    await expect(call('poses.exportSkeleton', { poseId: imported.imported[0]?.id })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await rt.dispose();
  });

  it('cuts a stand-in result along the exact boxes of a JSON sheet', async () => {
    const { rt, call, dir } = await started();
    const sheet = fourPersonSheet();
    const report = await call<Report>('poses.import', {
      newLibraryName: 'Sheets',
      sources: [upload('sheet.json', JSON.stringify(toOpenPoseJson(sheet)))],
    });
    const pose = report.imported[0] as PoseView;
    const character = await call<{ id: string }>('characters.create', { name: 'Mira' });
    const rendered = await renderCharacterSheet({
      sheet: await readFile(join(dir, pose.image.file)),
      upscaleBy: 2,
      seed: 3,
      prompt: 'mira',
    });
    await rt.dispose();
    const project = await openProject(dir);
    const ws = workspaceFor(project);
    const parent = await addResult(
      project,
      draftFor({ characterId: character.id, poseId: pose.id }),
      rendered.jpeg,
    );
    const geometry = await ws.poseGeometry(pose.id);
    expect(geometry?.figures).toEqual(figureBoxes(parseOpenPoseJson(JSON.stringify(toOpenPoseJson(sheet)))));
    const cuts = await ws.results.cut(parent.id, geometry!, { padding: 0 });
    expect(cuts.created).toHaveLength(4);
    for (const cut of cuts.created) {
      const box = figureBoxes(pose.skeleton!)[cut.cutFrom!.figureIndex]!;
      const scaled = { x: box.x * 2, y: box.y * 2, width: box.width * 2, height: box.height * 2 };
      expect(iou(cut.cutFrom!.box, scaled)).toBeGreaterThanOrEqual(0.99);
    }
    await project.close();
  });

  it('saves a composed sheet as a pose, and an edited skeleton back into its pose with a new image', async () => {
    const { rt, call, dir } = await started();
    const sheet = fourPersonSheet();
    const created = await call<Report>('poses.createFromSkeleton', {
      newLibraryName: 'Composed',
      name: 'Four in a row',
      skeleton: sheet,
      tags: ['composed'],
    });
    const pose = created.imported[0] as PoseView;
    expect(pose).toMatchObject({ name: 'Four in a row', kind: 'sheet', tags: ['composed'] });
    expect(pose.figures).toEqual(figureBoxes(sheet));

    // The editor drops the first figure's face points and moves the sheet down 20 px.
    const edited = {
      ...sheet,
      figures: sheet.figures.map((f, i) => ({
        body: f.body.map((p, k) =>
          p === null || (i === 0 && [0, 14, 15].includes(k)) ? null : { x: p.x, y: p.y + 20 },
        ),
      })),
    };
    const saved = await call<PoseView>('poses.updateSkeleton', { poseId: pose.id, skeleton: edited });
    expect(saved.id).toBe(pose.id);
    expect(saved.skeleton).toEqual(edited);
    expect(saved.figures).toEqual(figureBoxes(edited));
    expect(saved.figures[1]!.y).toBe(pose.figures[1]!.y + 20);
    expect(saved.image.id).not.toBe(pose.image.id);
    expect((await readFile(join(dir, saved.image.file))).equals((await renderSkeletonPng(edited)).png)).toBe(
      true,
    );
    // The old picture is gone from the library folder; the new one is there.
    await expect(readFile(join(dir, pose.image.file))).rejects.toMatchObject({ code: 'ENOENT' });
    // Bad keypoints change nothing.
    await expect(
      call('poses.updateSkeleton', { poseId: pose.id, skeleton: { ...edited, figures: [{ body: [] }] } }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const listed = await call<{ libraries: { poses: PoseView[] }[] }>('poses.list', {});
    expect(listed.libraries.flatMap((l) => l.poses).find((p) => p.id === pose.id)?.image).toEqual(
      saved.image,
    );
    await rt.dispose();
  });
});
