/**
 * Puts generated-looking results into the open project of an e2e app, quickly and without the network:
 * each result is the Segmind stand-in's own rendering of the pose sheet (so figures sit where the sheet's
 * were and cutting works), a receipt shaped exactly like a real one, and its thumbnail. The files are
 * written the way the store writes them (results/<id>.jpg beside results/<id>.json, thumbnails in
 * .studio/thumbs), then `results.rebuildIndex` reads them in, as it would for results copied in by hand.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { GRID_THUMB_SIZE } from '../../src/images/thumbnails';
import { newId, type Result } from '../../src/domain';
import { DEFAULT_MODEL_ID, V1_DEFAULT_NEGATIVE_PROMPT, V1_PROMPT_PREFIX } from '../../src/models';
import { renderCharacterSheet } from '../fakes/segmind-stand-in-render';
import type { Locator, Page } from 'playwright-core';
import type { RunningApp } from './harness';

type Handler = (input: unknown) => Promise<unknown>;
export const handlersOf = (app: RunningApp) => app.runtime.handlers as unknown as Record<string, Handler>;

export interface ResultSeed {
  characterId: string;
  poseId: string;
  /** The pose sheet's bytes: the result is drawn from it. */
  sheet: Buffer;
  /** Words of the character that go into the prompt. */
  description: string;
  count: number;
  /** The first result's seed; each next one adds 1. */
  firstSeed?: number;
  /** Newest first: the first result is made `count` minutes before now, the next a minute later... */
  startedAt?: number;
}

export async function seedResults(app: RunningApp, projectDir: string, seed: ResultSeed): Promise<string[]> {
  const ids: string[] = [];
  await mkdir(join(projectDir, 'results'), { recursive: true });
  await mkdir(join(projectDir, '.studio', 'thumbs'), { recursive: true });
  const start = seed.startedAt ?? Date.now() - seed.count * 60_000;
  const sheetMeta = await sharp(seed.sheet).metadata();
  let credits = 42.5;
  for (let i = 0; i < seed.count; i++) {
    const id = newId(start + i * 60_000);
    const resultSeed = (seed.firstSeed ?? 4898558797) + i;
    const prompt = `${V1_PROMPT_PREFIX}, ${seed.description}, 2D illustration style`;
    const rendered = await renderCharacterSheet({
      sheet: seed.sheet,
      upscaleBy: 2,
      seed: resultSeed,
      prompt,
    });
    const at = (offset: number) => new Date(start + i * 60_000 + offset).toISOString();
    credits -= 0.13;
    const result: Result = {
      id,
      createdAt: at(0),
      file: `results/${id}.jpg`,
      width: rendered.width,
      height: rendered.height,
      modelId: DEFAULT_MODEL_ID,
      characterId: seed.characterId,
      poseId: seed.poseId,
      receipt: {
        modelId: DEFAULT_MODEL_ID,
        endpoint: `https://api.segmind.com/v1/${DEFAULT_MODEL_ID}`,
        request: {
          prompt,
          negative_prompt: V1_DEFAULT_NEGATIVE_PROMPT,
          image: '<pose sheet>',
          num_inference_steps: 20,
          guidance_scale: 7,
          seed: resultSeed,
          samples: 1,
          strength: 0.8,
          scheduler: 'karras',
          sampler: 'dpmpp_2m',
          upscale_by: 2,
        },
        sentImage: {
          poseId: seed.poseId,
          sha256: 'a'.repeat(64),
          width: sheetMeta.width ?? 1,
          height: sheetMeta.height ?? 1,
          bytes: seed.sheet.length,
          format: 'png',
        },
        response: {
          status: 200,
          contentType: 'image/jpeg',
          bytes: rendered.jpeg.length,
          sha256: 'b'.repeat(64),
          headers: {
            remainingCredits: Math.round(credits * 100) / 100,
            cost: 0.13,
            seed: resultSeed,
            requestId: `req-${i + 1}`,
            generationTime: '38.2',
          },
        },
        timings: {
          queuedAt: at(-40_000),
          submittedAt: at(-39_000),
          completedAt: at(0),
          durationMs: 38_200 + i * 100,
        },
        jobId: newId(start + i),
        appVersion: 'e2e',
      },
      review: { rating: 0, flag: 'none', tags: [] },
    };
    await writeFile(join(projectDir, 'results', `${id}.jpg`), rendered.jpeg);
    await writeFile(join(projectDir, 'results', `${id}.json`), `${JSON.stringify(result, null, 2)}\n`);
    await sharp(rendered.jpeg)
      .resize(GRID_THUMB_SIZE, GRID_THUMB_SIZE, { fit: 'inside' })
      .webp()
      .toFile(join(projectDir, '.studio', 'thumbs', `${id}.webp`));
    ids.push(id);
  }
  await handlersOf(app)['results.rebuildIndex']?.({});
  // rebuildIndex emits 'project.changed' for the UI, exactly as a real commit would.
  return ids;
}

/**
 * Drops files onto an element the way the OS does: dragenter, dragover and drop events carrying a
 * DataTransfer with real File objects (made in the page from the given bytes).
 */
export async function dropFiles(
  page: Page,
  target: Locator,
  files: { name: string; type: string; base64: string }[],
): Promise<void> {
  const handle = await target.elementHandle();
  if (!handle) throw new Error('the drop target is not on the page');
  await handle.evaluate((el, list) => {
    const data = new DataTransfer();
    for (const f of list) {
      const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
      data.items.add(new File([bytes], f.name, { type: f.type }));
    }
    for (const type of ['dragenter', 'dragover', 'drop']) {
      el.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: data }));
    }
  }, files);
}
