/**
 * Cutting stand-in results, end to end through the workspace: a sheet drawn here is imported as a pose
 * (figures found by findFigures), the Segmind stand-in draws a result from it at upscale 2 (each figure a
 * blurred silhouette where the sheet's was), and the result is cut. Each crop must frame its figure
 * (IoU >= 0.9 against the true box, scaled, without padding) and, with the default padding, hold all of
 * its figure's ink and none of a neighbour's. The minimum IoU per layout is printed for the record.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Box } from '../../../src/domain';
import { addResult } from '../../../src/library/workspace';
import { renderCharacterSheet } from '../../fakes/segmind-stand-in-render';
import {
  figuresInCells,
  gridCells,
  makeOpenPoseSheet,
  makeSilhouetteSheet,
  unevenRowCells,
  type FigureSpec,
  type PoseSheet,
} from '../../fixtures-gen/pose-sheets';
import { useTempDirs } from '../../helpers/temp-dir';
import { iou } from '../../unit/images/iou';
import { draftFor, newProject } from './support';

const tempDir = useTempDirs();

interface Layout {
  name: string;
  make(): Promise<PoseSheet>;
}

const openpose = (name: string, width: number, height: number, specs: FigureSpec[]): Layout => ({
  name: `skeletons, ${name}`,
  make: () =>
    makeOpenPoseSheet(
      width,
      height,
      specs.map((s, i) => ({ ...s, detachedHead: i % 2 === 1 })),
    ),
});
const silhouettes = (name: string, width: number, height: number, specs: FigureSpec[]): Layout => ({
  name: `silhouettes, ${name}`,
  make: () => makeSilhouetteSheet(width, height, specs),
});

const LAYOUTS: Layout[] = [
  openpose('single figure', 512, 768, figuresInCells(gridCells(1, 1, 512, 768))),
  openpose('row of 2', 768, 512, figuresInCells(gridCells(2, 1, 768, 512))),
  openpose('row of 5', 1280, 512, figuresInCells(gridCells(5, 1, 1280, 512))),
  silhouettes('row of 6', 1536, 512, figuresInCells(gridCells(6, 1, 1536, 512))),
  openpose('row of 8', 1536, 448, figuresInCells(gridCells(8, 1, 1536, 448))),
  openpose('grid 2x2', 768, 768, figuresInCells(gridCells(2, 2, 768, 768))),
  silhouettes(
    'grid 3x3 with 8',
    1152,
    1152,
    figuresInCells(gridCells(3, 3, 1152, 1152, 8), { firstPose: 1 }),
  ),
  openpose('grid 4x2 with 7', 1280, 640, figuresInCells(gridCells(4, 2, 1280, 640, 7), { firstPose: 2 })),
  openpose(
    'uneven row',
    1280,
    640,
    figuresInCells(unevenRowCells([1, 1.7, 0.8, 1.3, 0.9], [0.85, 0.6, 0.9, 0.5, 0.75], 1280, 640)),
  ),
  silhouettes(
    'uneven row',
    1280,
    640,
    figuresInCells(unevenRowCells([1.2, 0.9, 1.6, 1], [0.8, 0.55, 0.9, 0.65], 1280, 640), { fill: 0.75 }),
  ),
];

/** The result's ink (far from its paper colour) as a mask, and each ink pixel's figure: the nearest true box. */
async function inkOwners(jpeg: Buffer, figures: readonly Box[]) {
  const { data, info } = await sharp(jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const { width, height, channels } = info;
  const paper = [0, 1, 2].map((c) => data[c] ?? 0);
  const owner = new Int16Array(width * height).fill(-1);
  const distanceTo = (b: Box, x: number, y: number) =>
    Math.max(0, b.x - x, x - (b.x + b.width - 1)) + Math.max(0, b.y - y, y - (b.y + b.height - 1));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      const far = [0, 1, 2].some((c) => Math.abs((data[i + c] ?? 0) - (paper[c] ?? 0)) > 40);
      if (!far) continue;
      let best = -1;
      let bestDistance = Infinity;
      figures.forEach((b, k) => {
        const d = distanceTo(b, x, y);
        if (d < bestDistance) [best, bestDistance] = [k, d];
      });
      owner[y * width + x] = best;
    }
  }
  return { width, owner };
}

function countInside(ink: { width: number; owner: Int16Array }, crop: Box, figure: number) {
  let own = 0;
  let others = 0;
  for (let y = crop.y; y < crop.y + crop.height; y++) {
    for (let x = crop.x; x < crop.x + crop.width; x++) {
      const o = ink.owner[y * ink.width + x] ?? -1;
      if (o === figure) own++;
      else if (o >= 0) others++;
    }
  }
  return { own, others };
}

/** The bounding box of figure `figure`'s ink inside `area`. */
function inkBounds(ink: { width: number; owner: Int16Array }, area: Box, figure: number): Box {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -1, -1];
  for (let y = area.y; y < area.y + area.height; y++) {
    for (let x = area.x; x < area.x + area.width; x++) {
      if (ink.owner[y * ink.width + x] !== figure) continue;
      [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
    }
  }
  return x1 < 0
    ? { x: 0, y: 0, width: 1, height: 1 }
    : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

const scaled = (b: Box, k: number): Box => ({
  x: b.x * k,
  y: b.y * k,
  width: b.width * k,
  height: b.height * k,
});
const report: string[] = [];

describe('cutting stand-in results', () => {
  for (const layout of LAYOUTS) {
    it(`frames every figure and nothing of a neighbour: ${layout.name}`, async () => {
      const sheet = await layout.make();
      const { project, ws, dir } = await newProject(tempDir);
      const character = await ws.characters.create({ name: 'Mira' });
      const library = await ws.poses.create('Sheets');
      const { imported } = await ws.poses.import(library.id, [
        { name: 'sheet.png', dataBase64: sheet.png.toString('base64') },
      ]);
      const pose = imported[0];
      if (!pose) throw new Error('the sheet was not imported');
      expect(pose.figures).toHaveLength(sheet.figures.length);

      const rendered = await renderCharacterSheet({
        sheet: sheet.png,
        upscaleBy: 2,
        seed: 7,
        prompt: 'mira',
      });
      const parent = await addResult(
        project,
        draftFor({ characterId: character.id, poseId: pose.id }),
        rendered.jpeg,
      );
      const geometry = await ws.poseGeometry(pose.id);
      if (!geometry) throw new Error('no geometry');
      const truth = sheet.figures.map((f) => scaled(f, 2));

      // Without padding: the crop is the figure's box, scaled.
      const tight = await ws.results.cut(parent.id, geometry, { padding: 0 });
      expect(tight.created).toHaveLength(truth.length);
      // Which true figure each found figure is (the one its unpadded crop overlaps most).
      const truthOf: number[] = [];
      const tightIous = tight.created.map((cut) => {
        const box = cut.cutFrom?.box;
        if (!box) throw new Error('a cut without its box');
        const scores = truth.map((t) => iou(t, box));
        truthOf[cut.cutFrom?.figureIndex ?? -1] = scores.indexOf(Math.max(...scores));
        return Math.max(...scores);
      });
      for (const value of tightIous) expect(value).toBeGreaterThanOrEqual(0.9);

      // With the default padding, and with a padding far wider than the gaps: all of its figure's ink,
      // none of a neighbour's, and the PNG is exactly that box.
      const ink = await inkOwners(rendered.jpeg, truth);
      const whole = truth.map((_, k) =>
        inkBounds(ink, { x: 0, y: 0, width: rendered.width, height: rendered.height }, k),
      );
      const heldIous: number[] = [];
      for (const padding of [undefined, 400]) {
        const cuts = await ws.results.cut(parent.id, geometry, {
          again: true,
          ...(padding ? { padding } : {}),
        });
        expect(cuts.created).toHaveLength(truth.length);
        for (const cut of cuts.created) {
          const box = cut.cutFrom?.box;
          const figure = cut.cutFrom?.figureIndex ?? -1;
          const own = truthOf[figure];
          if (!box || own === undefined) throw new Error('a cut without its box');
          const inside = countInside(ink, box, own);
          const all = countInside(ink, { x: 0, y: 0, width: rendered.width, height: rendered.height }, own);
          expect(inside.others, `crop ${figure} (padding ${padding}) holds a neighbour's pixels`).toBe(0);
          expect(inside.own / all.own, `crop ${figure} misses part of its figure`).toBeGreaterThanOrEqual(
            0.995,
          );
          // The figure as held by the crop against the figure as drawn in the whole result.
          heldIous.push(iou(inkBounds(ink, box, own), whole[own] as Box));
          const meta = await sharp(join(dir, cut.file)).metadata();
          expect([meta.width, meta.height]).toEqual([box.width, box.height]);
        }
      }
      for (const value of heldIous) expect(value).toBeGreaterThanOrEqual(0.9);
      report.push(
        `${layout.name.padEnd(32)} min IoU ${Math.min(...tightIous).toFixed(3)} unpadded, ` +
          `${Math.min(...heldIous).toFixed(3)} figure held by the padded crop`,
      );
      await project.close();
    });
  }

  it('prints the minimum IoU per layout', () => {
    console.log(`Crops of stand-in results (upscale 2), minimum IoU per layout:\n${report.join('\n')}`);
    expect(report.length).toBe(LAYOUTS.length);
  });
});
