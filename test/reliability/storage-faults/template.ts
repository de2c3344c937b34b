/**
 * The prepared project every storage-fault case starts from (a copy of it, made with `cp -a`): built once
 * through the real runtime and stores, then left settled (thumbnails made, the results index current,
 * the lock released), so opening a copy writes nothing and a case's operations are its flow's alone.
 *
 *   characters: Mira (one reference image), Otto; Zed in the trash
 *   poses:      library "Sheets": a 3-figure sheet, the single "Lean"; the single "Wave" in the trash
 *   results:    R1 and R2 (from the sheet, twice its size); R3 in the trash
 *   a folder of three new PNGs outside the project, for the import flow
 */
import { join } from 'node:path';
import sharp from 'sharp';
import type { CallName } from '../../../src/contract';
import { newId, type Receipt } from '../../../src/domain';
import { openProject } from '../../../src/library/project-store';
import { workspaceFor } from '../../../src/library/workspace';
import { MemoryStore } from '../../../src/secrets/memory-store';
import { dispatchCall } from '../../../src/services/dispatch';
import { createAppRuntime } from '../../../src/services/runtime';
import { makePoseSheet, type PoseSheetSpec } from '../../fakes/pose-sheet';
import { v1Receipt } from '../../fixtures-gen/receipts';
import { makeImage } from '../../fixtures-gen/simple-images';
import { real } from './fault-injector';

export interface Template {
  dir: string;
  /** Three PNGs (not in the project) for poses.import. */
  importDir: string;
  importHashes: string[];
  mira: string;
  otto: string;
  libraryId: string;
  sheetPoseId: string;
  leanPoseId: string;
  r1: string;
  r2: string;
  trashedPose: string;
  trashedResults: string;
  trashedCharacter: string;
}

export const SHEET: PoseSheetSpec = {
  width: 192,
  height: 96,
  figures: [
    { x: 10, y: 8, width: 40, height: 80 },
    { x: 76, y: 8, width: 40, height: 80 },
    { x: 142, y: 8, width: 40, height: 80 },
  ],
};

const single = (width: number, height: number): PoseSheetSpec => ({
  width,
  height,
  figures: [{ x: Math.round(width / 4), y: 6, width: Math.round(width / 2), height: height - 12 }],
});

type Call = (name: CallName, input: unknown) => Promise<unknown>;

function caller(handlers: Parameters<typeof dispatchCall>[0]): Call {
  return async (name, input) => {
    const out = await dispatchCall(handlers, name, input);
    if (!out.ok) throw new Error(`template: ${name} failed: ${out.error.code} ${out.error.message}`);
    return out.value;
  };
}

export async function buildTemplate(root: string, userDataDir: string): Promise<Template> {
  const fs = real();
  const dir = join(root, 'template');
  const poseSrc = join(root, 'template-poses');
  const importDir = join(root, 'import-source');
  await fs.mkdir(poseSrc, { recursive: true });
  await fs.mkdir(importDir, { recursive: true });
  await fs.writeFile(join(poseSrc, '1 sheet.png'), await makePoseSheet(SHEET));
  await fs.writeFile(join(poseSrc, '2 Lean.png'), await makePoseSheet(single(64, 96)));
  await fs.writeFile(join(poseSrc, '3 Wave.png'), await makePoseSheet(single(72, 100)));
  const importFiles = [
    await makePoseSheet(single(80, 120)),
    await makePoseSheet({ ...SHEET, width: 200 }),
    await makeImage('png', 90, 70, { hue: 300 }),
  ];
  for (const [i, bytes] of importFiles.entries())
    await fs.writeFile(join(importDir, `new ${i + 1}.png`), bytes);
  const { createHash } = await import('node:crypto');
  const importHashes = importFiles.map((b) => createHash('sha256').update(b).digest('hex'));

  // Characters and poses, through the contract.
  let runtime = await createAppRuntime({
    userDataDir,
    platform: { shell: 'browser' },
    secrets: new MemoryStore(),
    appVersion: 'storage-faults',
    runQueue: false,
  });
  let call = caller(runtime.handlers);
  await call('projects.create', { dir, name: 'Storage faults' });
  const mira = (await call('characters.create', {
    name: 'Mira',
    description: 'young pilot, red scarf',
    styleWords: 'watercolor',
  })) as { id: string };
  await call('characters.addReferences', {
    id: mira.id,
    sources: [{ name: 'face.png', dataBase64: (await makeImage('png', 90, 120)).toString('base64') }],
  });
  const otto = (await call('characters.create', { name: 'Otto', description: 'old sailor' })) as {
    id: string;
  };
  const zed = (await call('characters.create', { name: 'Zed' })) as { id: string };
  const library = (await call('poses.createLibrary', { name: 'Sheets' })) as { id: string };
  const report = (await call('poses.import', { libraryId: library.id, sources: [{ path: poseSrc }] })) as {
    imported: { id: string; name: string; kind: string; figures: unknown[] }[];
  };
  const byName = (name: string) => {
    const pose = report.imported.find((p) => p.name === name);
    if (!pose) throw new Error(`template: pose ${name} was not imported`);
    return pose;
  };
  const sheet = byName('1 sheet');
  if (sheet.kind !== 'sheet' || sheet.figures.length !== 3) {
    throw new Error(`template: the sheet was read as ${sheet.kind} with ${sheet.figures.length} figures`);
  }
  await runtime.dispose();

  // Results, through the result store (what a generation commits, without the network).
  const project = await openProject(dir);
  const ws = workspaceFor(project);
  const sheetBytes = await makePoseSheet(SHEET);
  const resultIds: string[] = [];
  for (const [i, hue] of [20, 140, 260].entries()) {
    const image = await sharp(sheetBytes)
      .resize(SHEET.width * 2, SHEET.height * 2)
      .modulate({ hue })
      .jpeg({ quality: 90 })
      .toBuffer();
    const receipt: Receipt = v1Receipt({ poseId: sheet.id, seed: 1000 + i });
    const result = await ws.results.add(
      {
        id: newId(),
        createdAt: new Date(Date.UTC(2025, 0, 10 + i)).toISOString(),
        modelId: 'consistent-character-ai-neolemon',
        characterId: mira.id,
        poseId: sheet.id,
        receipt,
      },
      image,
    );
    resultIds.push(result.id);
  }
  await project.close();

  // The trash entries the restore flows put back.
  runtime = await createAppRuntime({
    userDataDir,
    platform: { shell: 'browser' },
    secrets: new MemoryStore(),
    appVersion: 'storage-faults',
    runQueue: false,
  });
  call = caller(runtime.handlers);
  await call('projects.open', { dir });
  const [r1, r2, r3] = resultIds as [string, string, string];
  const trashedPose = ((await call('poses.trash', { poseIds: [byName('3 Wave').id] })) as { trashId: string })
    .trashId;
  const trashedResults = ((await call('results.trash', { ids: [r3] })) as { trashId: string }).trashId;
  const trashedCharacter = ((await call('characters.trash', { id: zed.id })) as { trashId: string }).trashId;
  await call('projects.close', {});
  await runtime.dispose();
  // Once more, so the leftovers check records the results folder as the trash left it: an open of a
  // copy then writes nothing at all.
  await (await openProject(dir)).close();

  return {
    dir,
    importDir,
    importHashes,
    mira: mira.id,
    otto: otto.id,
    libraryId: library.id,
    sheetPoseId: sheet.id,
    leanPoseId: byName('2 Lean').id,
    r1,
    r2,
    trashedPose,
    trashedResults,
    trashedCharacter,
  };
}
