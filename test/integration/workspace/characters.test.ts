import { describe, expect, it } from 'vitest';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CharacterSchema } from '../../../src/domain';
import { openProject } from '../../../src/library/project-store';
import { workspaceFor } from '../../../src/library/workspace';
import { makeImage } from '../../fixtures-gen/simple-images';
import { makePdf } from '../../fixtures-gen/broken-files';
import { useTempDirs } from '../../helpers/temp-dir';
import { newProject } from './support';

const tempDir = useTempDirs();

const onDisk = async (dir: string, id: string) =>
  CharacterSchema.parse(JSON.parse(await readFile(join(dir, 'characters', id, 'character.json'), 'utf8')));

describe('characters', () => {
  it('creates, edits, duplicates, trashes and restores a character, all on disk', async () => {
    const { ws, dir, project } = await newProject(tempDir);
    const mira = await ws.characters.create({
      name: 'Mira',
      description: 'young pilot, red scarf',
      colorLabel: 'blue',
    });
    expect(await onDisk(dir, mira.id)).toMatchObject({
      name: 'Mira',
      description: 'young pilot, red scarf',
      colorLabel: 'blue',
      styleWords: '',
    });

    const edited = await ws.characters.update(mira.id, {
      styleWords: 'watercolor',
      tags: ['hero'],
      notes: 'Book 1',
      negativePrompt: 'blurry',
    });
    expect(edited).toMatchObject({
      name: 'Mira',
      styleWords: 'watercolor',
      tags: ['hero'],
      notes: 'Book 1',
      negativePrompt: 'blurry',
    });
    expect(Date.parse(edited.updatedAt)).toBeGreaterThanOrEqual(Date.parse(mira.updatedAt));
    expect(await onDisk(dir, mira.id)).toMatchObject({ styleWords: 'watercolor', tags: ['hero'] });
    await expect(ws.characters.update(mira.id, { name: '   ' })).rejects.toThrow();
    expect((await onDisk(dir, mira.id)).name).toBe('Mira');

    // A reference image, so the duplicate has a file of its own to copy.
    const ref = join(await tempDir(), 'mira-face.png');
    await writeFile(ref, await makeImage('png', 120, 160));
    const added = await ws.characters.addReferences(mira.id, [{ path: ref }]);
    expect(added.added).toHaveLength(1);

    const copy = await ws.characters.duplicate(mira.id);
    expect(copy).toMatchObject({
      name: 'Mira copy',
      description: 'young pilot, red scarf',
      styleWords: 'watercolor',
      tags: ['hero'],
    });
    expect(copy.id).not.toBe(mira.id);
    expect(copy.referenceImages).toHaveLength(1);
    const [original] = (await onDisk(dir, mira.id)).referenceImages;
    const [copied] = copy.referenceImages;
    expect(copied?.file.startsWith(`characters/${copy.id}/refs/`)).toBe(true);
    expect(copied?.sha256).toBe(original?.sha256);
    expect(await readFile(join(dir, copied?.file ?? ''))).toEqual(
      await readFile(join(dir, original?.file ?? '')),
    );
    expect((await stat(join(dir, '.studio', 'thumbs', `${copied?.id}.webp`))).isFile()).toBe(true);

    const trashId = await ws.characters.trash(mira.id);
    expect((await ws.characters.readAll()).characters.map((c) => c.name)).toEqual(['Mira copy']);
    expect(await readdir(join(dir, 'characters'))).toEqual([copy.id]);
    expect(
      (await stat(join(dir, 'trash', trashId, 'files', 'characters', mira.id, 'character.json'))).isFile(),
    ).toBe(true);
    expect(await ws.trashView()).toEqual([
      expect.objectContaining({
        id: trashId,
        kind: 'character',
        label: 'Mira',
        count: 1,
        restorable: true,
        thumbFile: `.studio/thumbs/${original?.id}.webp`,
      }),
    ]);
    await expect(ws.characters.get(mira.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });

    expect(await ws.restore(trashId)).toBe('character');
    expect((await ws.characters.readAll()).characters.map((c) => c.name)).toEqual(['Mira', 'Mira copy']);
    expect(await onDisk(dir, mira.id)).toMatchObject({
      name: 'Mira',
      styleWords: 'watercolor',
      referenceImages: [expect.objectContaining({ id: original?.id })],
    });
    expect(await readdir(join(dir, 'trash'))).toEqual([]);
    await project.close();
  });

  it('quarantines a damaged character.json and reports it while the others load', async () => {
    const { ws, dir, project } = await newProject(tempDir);
    const good = await ws.characters.create({ name: 'Good' });
    const bad = await ws.characters.create({ name: 'Bad' });
    await writeFile(join(dir, 'characters', bad.id, 'character.json'), '{"name": "Bad", "descr');
    await project.close();

    const reopened = await openProject(dir);
    const { characters, problems } = await workspaceFor(reopened).characters.readAll();
    expect(characters.map((c) => c.id)).toEqual([good.id]);
    expect(problems).toEqual([
      expect.objectContaining({
        file: `characters/${bad.id}/character.json`,
        reason: expect.stringMatching(/not valid JSON/),
      }),
    ]);
    const quarantined = await readdir(join(dir, '.studio', 'quarantine'));
    expect(quarantined).toHaveLength(1);
    expect(await readFile(join(dir, '.studio', 'quarantine', quarantined[0] ?? ''), 'utf8')).toBe(
      '{"name": "Bad", "descr',
    );
    expect(reopened.summary().problems).toHaveLength(1);
    // Listed again: still reported (once), nothing else moved.
    expect((await workspaceFor(reopened).characters.readAll()).problems).toHaveLength(1);
    await reopened.close();
  });

  it('adds references from files and uploads, naming rejects and skipping duplicates; removes one to the trash', async () => {
    const { ws, dir, project } = await newProject(tempDir);
    const c = await ws.characters.create({ name: 'Tom' });
    const folder = join(await tempDir(), 'refs');
    await mkdir(folder);
    const face = await makeImage('jpeg', 200, 200);
    await writeFile(join(folder, 'face.jpg'), face);
    await writeFile(join(folder, 'sheet.pdf.png'), makePdf());
    const report = await ws.characters.addReferences(c.id, [
      { path: folder },
      { name: 'same face.jpg', dataBase64: face.toString('base64') },
      { name: 'outfit.webp', dataBase64: (await makeImage('webp', 100, 180)).toString('base64') },
    ]);
    expect(report.added.map((i) => i.originalName)).toEqual(['face.jpg', 'outfit.webp']);
    expect(report.failed).toEqual([
      expect.objectContaining({ file: 'refs/sheet.pdf.png', reason: 'unsupported-format' }),
    ]);
    expect(report.duplicates).toEqual([
      expect.objectContaining({
        file: 'same face.jpg',
        existing: expect.objectContaining({ kind: 'reference', name: 'face.jpg' }),
      }),
    ]);
    const stored = await onDisk(dir, c.id);
    expect(stored.referenceImages.map((i) => [i.originalName, i.format, i.width, i.height])).toEqual([
      ['face.jpg', 'jpeg', 200, 200],
      ['outfit.webp', 'webp', 100, 180],
    ]);
    expect((await readdir(join(dir, 'characters', c.id, 'refs'))).sort()).toEqual(
      stored.referenceImages.map((i) => i.file.split('/').pop()).sort(),
    );

    const faceId = stored.referenceImages[0]?.id ?? '';
    const { character, trashId } = await ws.characters.removeReference(c.id, faceId);
    expect(character.referenceImages.map((i) => i.originalName)).toEqual(['outfit.webp']);
    expect(await readdir(join(dir, 'characters', c.id, 'refs'))).toHaveLength(1);
    expect(await ws.restore(trashId)).toBe('reference');
    expect((await onDisk(dir, c.id)).referenceImages.map((i) => i.originalName).sort()).toEqual([
      'face.jpg',
      'outfit.webp',
    ]);
    expect(await readdir(join(dir, 'characters', c.id, 'refs'))).toHaveLength(2);
    await project.close();
  });
});
