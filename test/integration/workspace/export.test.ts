import { describe, expect, it } from 'vitest';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { ResultSchema } from '../../../src/domain';
import { contactSheetLayout, parseA1111Parameters, readParameters } from '../../../src/images';
import { addResult, exportResults, writeContactSheet } from '../../../src/library/workspace';
import { localDate } from '../../../src/library/workspace/export';
import { useTempDirs } from '../../helpers/temp-dir';
import { draftFor, newProject, resultJpeg } from './support';

const tempDir = useTempDirs();

async function twoResults() {
  const { project, ws, dir } = await newProject(tempDir);
  const mira = await ws.characters.create({ name: 'Mira: the pilot?' });
  const library = await ws.poses.create('L');
  const { imported } = await ws.poses.import(library.id, [
    {
      name: 'Arms up.png',
      dataBase64: (
        await sharp({ create: { width: 40, height: 60, channels: 3, background: '#000' } })
          .png()
          .toBuffer()
      ).toString('base64'),
    },
  ]);
  const pose = imported[0];
  if (!pose) throw new Error('no pose');
  const createdAt = '2025-01-31T12:00:00.000Z';
  const a = await addResult(
    project,
    draftFor({
      characterId: mira.id,
      poseId: pose.id,
      seed: 4898558797,
      createdAt,
      prompt: 'sheet, pilot, red scarf',
    }),
    await resultJpeg(96, 64),
  );
  const b = await addResult(
    project,
    draftFor({ characterId: mira.id, poseId: pose.id, seed: 4898558797, createdAt }),
    await resultJpeg(96, 64, 200),
  );
  return { project, ws, dir, mira, pose, a, b, createdAt };
}

describe('export', () => {
  it('writes human-named files with parameters embedded that read back, and receipts beside them', async () => {
    const { project, ws, a, b, createdAt } = await twoResults();
    const out = join(await tempDir(), 'export');
    const report = await exportResults(ws, [a.id, b.id], {
      dir: out,
      includeReceipt: true,
      format: 'original',
    });
    const stem = `Mira the pilot - Arms up - ${localDate(createdAt)} - seed 4898558797`;
    expect(report.failed).toEqual([]);
    expect(report.files.map((f) => f.name)).toEqual([`${stem}.jpg`, `${stem} (2).jpg`]);
    expect((await readdir(out)).sort()).toEqual(
      [`${stem} (2).jpg`, `${stem} (2).json`, `${stem}.jpg`, `${stem}.json`].sort(),
    );

    const bytes = await readFile(join(out, `${stem}.jpg`));
    expect((await sharp(bytes).metadata()).format).toBe('jpeg');
    const text = readParameters(bytes);
    expect(text).toBeDefined();
    const parsed = parseA1111Parameters(text ?? '');
    expect(parsed.prompt).toBe('sheet, pilot, red scarf');
    expect(parsed.negativePrompt).toContain('watermark');
    expect(parsed.settings).toMatchObject({
      Steps: '20',
      Sampler: 'dpmpp_2m',
      'CFG scale': '7',
      Seed: '4898558797',
      Size: '96x64',
      Model: 'consistent-character-ai-neolemon',
    });
    const receipt = ResultSchema.parse(JSON.parse(await readFile(join(out, `${stem}.json`), 'utf8')));
    expect(receipt.id).toBe(a.id);
    expect(receipt.receipt.response.headers.seed).toBe(4898558797);

    // Exporting again never overwrites: new names; as PNG the parameters are a text chunk.
    const again = await exportResults(ws, [a.id], { dir: out, includeReceipt: false, format: 'png' });
    expect(again.files.map((f) => f.name)).toEqual([`${stem}.png`]);
    const png = await readFile(join(out, `${stem}.png`));
    expect((await sharp(png).metadata()).format).toBe('png');
    expect(parseA1111Parameters(readParameters(png) ?? '').settings.Seed).toBe('4898558797');
    const third = await exportResults(ws, [a.id], { dir: out, includeReceipt: false, format: 'original' });
    expect(third.files.map((f) => f.name)).toEqual([`${stem} (3).jpg`]);
    await project.close();
  });

  it('names a result it cannot export and carries on', async () => {
    const { project, ws, dir, a, b } = await twoResults();
    await writeFile(join(dir, a.file), Buffer.alloc(0));
    const out = join(await tempDir(), 'x');
    const report = await exportResults(ws, [a.id, 'nosuchresult1', b.id], {
      dir: out,
      includeReceipt: false,
      format: 'original',
    });
    expect(report.files.map((f) => f.id)).toEqual([b.id]);
    expect(report.failed.map((f) => f.id)).toEqual([a.id, 'nosuchresult1']);
    expect(report.failed[0]?.message).toMatch(/empty or damaged/);
    expect(report.failed[1]?.message).toMatch(/not in the project/);
    await project.close();
  });

  it('makes a contact sheet of the predicted size', async () => {
    const { project, ws, mira, pose } = await twoResults();
    const ids = [];
    for (let i = 0; i < 3; i++)
      ids.push(
        (
          await addResult(
            project,
            draftFor({ characterId: mira.id, poseId: pose.id }),
            await resultJpeg(50, 80, i * 90),
          )
        ).id,
      );
    const file = join(await tempDir(), 'sheets', 'keepers');
    const sheet = await writeContactSheet(ws, ids.concat('nosuchresult1'), {
      file,
      columns: 2,
      cellSize: 128,
    });
    const expected = contactSheetLayout(3, { columns: 2, cellSize: 128 });
    expect(sheet).toEqual({ file: `${file}.png`, width: expected.width, height: expected.height, count: 3 });
    const meta = await sharp(`${file}.png`).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', expected.width, expected.height]);
    await project.close();
  });
});
