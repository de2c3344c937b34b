import { describe, expect, it } from 'vitest';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { newId } from '../../../src/domain';
import { createProject } from '../../../src/library/project-store';
import { workspaceFor } from '../../../src/library/workspace';
import { v1Receipt } from '../../fixtures-gen/receipts';

const RESULTS = 20;
const ROUNDS = 8;

/**
 * Found by the crash suite: the trash view listed while a delete was moving files into the trash saw the
 * new entry before anything had moved, took it for a stale one and removed its folder, and with it the
 * files already moved in (paid results lost). Every round must keep every file, and the entry.
 */
describe('listing the trash while results are being moved into it', () => {
  it('never drops the entry being filled, nor any file moved into it', async () => {
    const jpeg = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#f00' } })
      .jpeg()
      .toBuffer();
    for (let round = 0; round < ROUNDS; round++) {
      const dir = join(await mkdtemp(join(tmpdir(), 'ccstudio-trash-race-')), 'project');
      const project = await createProject(dir, 'race');
      const ws = workspaceFor(project);
      const ids: string[] = [];
      for (let i = 0; i < RESULTS; i++) {
        const id = newId();
        ids.push(id);
        await ws.results.add(
          {
            id,
            createdAt: new Date().toISOString(),
            modelId: 'consistent-character-ai-neolemon',
            characterId: newId(),
            poseId: newId(),
            receipt: v1Receipt({}),
          },
          jpeg,
        );
      }
      const trashing = ws.results.trash(ids, await ws.catalog());
      const listing = (async () => {
        for (let i = 0; i < 50; i++) await ws.trash.list();
      })();
      await Promise.all([trashing, listing]);
      const left = (await readdir(join(dir, 'results'))).length;
      const entries = await readdir(join(dir, 'trash'));
      let trashed = 0;
      for (const entry of entries)
        trashed += (await readdir(join(dir, 'trash', entry, 'files', 'results')).catch(() => [])).length;
      expect(left + trashed, `round ${round}: every image and receipt is somewhere`).toBe(RESULTS * 2);
      expect((await ws.trash.list()).length, `round ${round}: the entry is listed`).toBe(1);
      await project.close();
    }
  });
});
