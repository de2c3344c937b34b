/**
 * `ccstudio project export DIR FILE.zip` and `ccstudio project import FILE.zip DIR` as a person scripts
 * them: real processes, real files. Failures are one line "error CODE: message" and a non-zero exit.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../../helpers/temp-dir';
import { projectJson, rawZip } from './hostile-zips';
import { runCli } from '../../helpers/cli';

const tempDir = useTempDirs();

const cli = (args: string[], env: NodeJS.ProcessEnv) => runCli(args, { env });

describe('ccstudio project export / import', () => {
  it(
    'exports a project to a zip and imports it into a new folder; refuses what it must',
    { timeout: 60_000 },
    async () => {
      const work = await tempDir();
      const env = { ...process.env, CCSTUDIO_USER_DATA: join(work, 'user-data') };
      const book = join(work, 'Book');
      expect((await cli(['project', 'create', book, '--name', 'Book'], env)).code).toBe(0);

      const exported = await cli(['project', 'export', book, join(work, 'book.zip')], env);
      expect(exported).toMatchObject({
        code: 0,
        stdout: expect.stringMatching(/^exported \d+ files .* to .*book\.zip\n$/),
      });

      const imported = await cli(['project', 'import', join(work, 'book.zip'), join(work, 'Copy')], env);
      expect(imported).toMatchObject({
        code: 0,
        stdout: expect.stringMatching(/^imported project "Book" into .*Copy/),
      });
      expect(await readdir(join(work, 'Copy'))).toContain('project.json');

      const again = await cli(['project', 'import', join(work, 'book.zip'), join(work, 'Copy')], env);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/^error ALREADY_EXISTS: The folder .*Copy is not empty/);

      await writeFile(
        join(work, 'evil.zip'),
        rawZip([projectJson(), { name: '../evil', data: Buffer.from('x') }]),
      );
      await mkdir(join(work, 'dest'));
      const evil = await cli(['project', 'import', join(work, 'evil.zip'), join(work, 'dest', 'P')], env);
      expect(evil.code).toBe(1);
      expect(evil.stderr).toMatch(
        /^error INVALID_INPUT: “evil\.zip” was refused: an entry would land outside/,
      );
      expect(await readdir(join(work, 'dest'))).toEqual([]);

      const missing = await cli(['project', 'export', book], env);
      expect(missing).toMatchObject({ code: 1, stderr: 'error INVALID_INPUT: FILE.zip is required.\n' });
    },
  );
});
