/**
 * Skeleton poses from the command line, as a person scripts it (a real process on real files):
 * `pose import` takes OpenPose JSON beside images (a file with several people is one sheet named after
 * the file, or with --split one pose per person), `pose export-json` writes a pose's keypoints back out
 * equal to what came in, and `pose add-starter` adds the starter library.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STARTER_POSES, composeSheet, starterSkeleton, toOpenPoseJson } from '../../../src/skeleton';
import { useTempDirs } from '../../helpers/temp-dir';
import { cliEnv, runCli } from '../../helpers/cli';

const tempDir = useTempDirs();

const cli = (args: string[], userData: string) => runCli(args, { env: cliEnv(userData) });

describe('ccstudio and skeleton poses', () => {
  it('imports JSON as a sheet or split, exports it back equal, and adds the starter library', async () => {
    const work = await tempDir();
    const userData = join(work, 'user-data');
    const dir = join(work, 'Book');
    expect((await cli(['project', 'create', dir, '--name', 'Picture book'], userData)).code).toBe(0);

    const items = ['running-side', 'sitting-front', 'pointing-side'].map((key) => ({
      figure: starterSkeleton(STARTER_POSES.find((p) => p.key === key)!).figures[0]!,
    }));
    const file = toOpenPoseJson(composeSheet(items, { width: 1152, height: 512 }, 'row').skeleton);
    await writeFile(join(work, 'Trio.json'), JSON.stringify(file));
    await writeFile(join(work, 'broken.json'), '{"people": 3}');

    const sheet = await cli(
      ['pose', 'import', dir, join(work, 'Trio.json'), join(work, 'broken.json')],
      userData,
    );
    expect(sheet.code, sheet.stderr).toBe(0);
    expect(sheet.stdout).toContain('imported "Trio" (sheet, 3 figures)');
    expect(sheet.stderr).toMatch(/rejected .*broken\.json.*no “people” list/);

    const split = await cli(
      ['pose', 'import', dir, join(work, 'Trio.json'), '--split', '--library', 'Singles'],
      userData,
    );
    expect(split.code, split.stderr).toBe(0);
    expect(split.stdout.match(/imported "Trio \d" \(single, 1 figures\)/g)).toHaveLength(3);

    const out = join(work, 'exported.json');
    const exported = await cli(['pose', 'export-json', dir, 'Trio', '--out', out], userData);
    expect(exported.code, exported.stderr).toBe(0);
    expect(JSON.parse(await readFile(out, 'utf8'))).toEqual(file);
    const printed = await cli(['pose', 'export-json', dir, 'Trio', '--normalised'], userData);
    expect(
      JSON.parse(printed.stdout).people[0].pose_keypoints_2d.every((v: number) => Math.abs(v) <= 1),
    ).toBe(true);

    const starter = await cli(['pose', 'add-starter', dir], userData);
    expect(starter.code, starter.stderr).toBe(0);
    expect(starter.stdout).toContain(`added ${STARTER_POSES.length} starter poses to "Starter poses"`);
    const again = await cli(['pose', 'add-starter', dir], userData);
    expect(again.stdout).toContain(
      `added 0 starter poses to "Starter poses" (${STARTER_POSES.length} already there)`,
    );
  }, 60_000);
});
