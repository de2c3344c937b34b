/**
 * Issue 9, defect 1: every read of project content goes through one contained, link-refusing path, and
 * what generation uploads is checked against the hash recorded when the image was imported. Real files,
 * real symlinks, the real runtime and the Segmind stand-in over HTTP (which counts what it received).
 */
import { describe, expect, it } from 'vitest';
import { copyFile, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { addResult, writeContactSheet } from '../../../src/library/workspace';
import { workspaceProjectSources } from '../../../src/services/workspace/project-sources';
import { makeImage } from '../../fixtures-gen/simple-images';
import { useTempDirs } from '../../helpers/temp-dir';
import { enqueue, seedExample, standIn, startApp } from '../generation/support';
import { draftFor, newProject, resultJpeg } from './support';

const tempDir = useTempDirs();

/** A started app with the example character and pose, and the pose image's path on disk. */
async function appWithPose() {
  const server = await standIn({ credits: 10 });
  const app = await startApp({ segmindBaseUrl: server.url, key: server.key });
  const seeded = await seedExample(app);
  const poseFile = join(app.projectDir, ...seeded.pose.image.file.split('/'));
  return { server, app, seeded, poseFile };
}

describe('generation reads the pose image only from inside the project, as it was recorded', () => {
  it('refuses a pose image that is a link out of the project, even to identical bytes, and sends nothing', async () => {
    const { server, app, seeded, poseFile } = await appWithPose();
    const outside = join(await tempDir(), 'private-sketch.png');
    await copyFile(poseFile, outside); // the very same bytes: only where they live is wrong
    await rm(poseFile);
    await symlink(outside, poseFile);

    const refused = await enqueue(app, seeded).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toMatchObject({ code: 'PROJECT_DAMAGED', detail: { reason: 'outside-project' } });
    expect((await app.jobs()).length).toBe(0);
    expect(server.postCount).toBe(0);
  });

  it('refuses a pose image whose bytes are not the ones recorded at import, and sends nothing', async () => {
    const { server, app, seeded, poseFile } = await appWithPose();
    await writeFile(poseFile, await makeImage('png', 96, 64, { hue: 10 })); // a valid image, but another one

    const refused = await enqueue(app, seeded).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toMatchObject({ code: 'PROJECT_DAMAGED', detail: { reason: 'changed-on-disk' } });
    expect((refused as Error).message).toMatch(/Two poses/);
    expect((await app.jobs()).length).toBe(0);
    expect(server.postCount).toBe(0);
  });

  it('still sends an untouched pose', async () => {
    const { app, seeded } = await appWithPose();
    const job = await enqueue(app, seeded);
    expect(job.state).toBe('queued');
  });
});

describe('character reference images are read the same way', () => {
  it('gives the recorded bytes, and refuses a link out of the project or changed bytes', async () => {
    const { project, ws, dir } = await newProject(tempDir);
    const mira = await ws.characters.create({ name: 'Mira' });
    const png = await makeImage('png', 60, 80);
    const { added } = await ws.characters.addReferences(mira.id, [
      { name: 'face.png', dataBase64: png.toString('base64') },
    ]);
    const ref = added[0];
    if (!ref) throw new Error('no reference image');
    const file = join(dir, ...ref.file.split('/'));

    const bytes = await workspaceProjectSources.referenceImage(project, mira.id, ref.id);
    expect(Buffer.compare(Buffer.from(bytes), png)).toBe(0);

    const outside = join(await tempDir(), 'elsewhere.png');
    await copyFile(file, outside);
    await rm(file);
    await symlink(outside, file);
    await expect(workspaceProjectSources.referenceImage(project, mira.id, ref.id)).rejects.toMatchObject({
      code: 'PROJECT_DAMAGED',
      detail: { reason: 'outside-project' },
    });

    await rm(file);
    await writeFile(file, await makeImage('png', 60, 80, { hue: 90 }));
    await expect(workspaceProjectSources.referenceImage(project, mira.id, ref.id)).rejects.toMatchObject({
      code: 'PROJECT_DAMAGED',
      detail: { reason: 'changed-on-disk' },
    });
    await project.close();
  });
});

describe('a contact sheet reads results through the same path', () => {
  it('leaves a placeholder for a result image that is a link out of the project', async () => {
    const { project, ws, dir } = await newProject(tempDir);
    const c = await ws.characters.create({ name: 'C' });
    const result = await addResult(
      project,
      draftFor({ characterId: c.id, poseId: 'pose00000001' }),
      await resultJpeg(64, 64),
    );
    const outside = join(await tempDir(), 'red.jpg');
    await writeFile(
      outside,
      await sharp({ create: { width: 64, height: 64, channels: 3, background: '#ff0000' } })
        .jpeg()
        .toBuffer(),
    );
    const imageFile = join(dir, ...result.file.split('/'));
    await rm(imageFile);
    await symlink(outside, imageFile);

    const out = join(await tempDir(), 'sheet.png');
    await writeContactSheet(ws, [result.id], { file: out, columns: 1, cellSize: 64 });
    const { data, info } = await sharp(await readFile(out))
      .raw()
      .toBuffer({ resolveWithObject: true });
    const centre = (Math.floor(info.height / 3) * info.width + Math.floor(info.width / 2)) * info.channels;
    const [r, g, b] = [data[centre], data[centre + 1], data[centre + 2]];
    // Not the red picture outside the project: a grey placeholder.
    expect(r).toBeLessThan(230);
    expect(Math.abs((r ?? 0) - (g ?? 0))).toBeLessThan(20);
    expect(Math.abs((g ?? 0) - (b ?? 0))).toBeLessThan(20);
    await project.close();
  });
});
