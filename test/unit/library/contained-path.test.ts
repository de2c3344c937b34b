import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRelativePath, resolveContainedFile } from '../../../src/library/contained-path';
import { AppError } from '../../../src/domain/errors';

let base: string;
let root: string;
let outside: string;

beforeAll(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'ccs-contained-')));
  root = join(base, 'project');
  outside = join(base, 'outside');
  await mkdir(join(root, 'results', 'r1'), { recursive: true });
  await mkdir(join(root, '.studio', 'thumbs'), { recursive: true });
  await mkdir(outside, { recursive: true });
  await writeFile(join(root, 'results', 'r1', 'image.png'), 'png');
  await writeFile(join(root, 'results', 'r1', 'with space.png'), 'png');
  await writeFile(join(root, '.studio', 'thumbs', 't.webp'), 'webp');
  await writeFile(join(root, '..hidden.png'), 'dots');
  await writeFile(join(outside, 'secret.txt'), 'secret');
  await symlink(join(outside, 'secret.txt'), join(root, 'results', 'escape.png'));
  await symlink(outside, join(root, 'results', 'escape-dir'));
  await symlink(join(root, 'results', 'r1', 'image.png'), join(root, 'results', 'inside-link.png'));
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

async function code(requested: string, options?: { encoded?: boolean }): Promise<string> {
  try {
    await resolveContainedFile(root, requested, options);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return (error as AppError).code;
  }
  return 'RESOLVED';
}

describe('resolveContainedFile', () => {
  it('resolves real files inside the root, including hidden folders and encoded names', async () => {
    expect(await resolveContainedFile(root, 'results/r1/image.png')).toBe(
      join(root, 'results', 'r1', 'image.png'),
    );
    expect(await resolveContainedFile(root, 'results/r1/with%20space.png')).toBe(
      join(root, 'results', 'r1', 'with space.png'),
    );
    expect(await resolveContainedFile(root, '.studio/thumbs/t.webp')).toBe(
      join(root, '.studio', 'thumbs', 't.webp'),
    );
    expect(await resolveContainedFile(root, '..hidden.png')).toBe(join(root, '..hidden.png'));
  });

  it('follows a symlink that stays inside and returns the real path', async () => {
    expect(await resolveContainedFile(root, 'results/inside-link.png')).toBe(
      join(root, 'results', 'r1', 'image.png'),
    );
  });

  it('refuses a symlink (file or folder) that resolves outside the root', async () => {
    expect(await code('results/escape.png')).toBe('FORBIDDEN_SENDER');
    expect(await code('results/escape-dir/secret.txt')).toBe('FORBIDDEN_SENDER');
  });

  it('refuses traversal in every spelling', async () => {
    for (const attempt of [
      '../outside/secret.txt',
      'results/../../outside/secret.txt',
      '%2e%2e/outside/secret.txt',
      '%2E%2E/outside/secret.txt',
      '.%2e/outside/secret.txt',
      '%2e%2e%2foutside%2fsecret.txt',
      'results/%2e%2e/%2e%2e/outside/secret.txt',
      '%252e%252e/outside/secret.txt',
      '%25252e%25252e/outside/secret.txt',
      'results/./r1/image.png',
      '.. /outside/secret.txt',
      '.../secret.txt',
    ]) {
      expect(await code(attempt), attempt).toBe('FORBIDDEN_SENDER');
    }
  });

  it('refuses absolute paths, drives, UNC and device paths, backslashes, NUL and bad encoding', async () => {
    for (const attempt of [
      join(outside, 'secret.txt'),
      '/etc/passwd',
      '%2fetc%2fpasswd',
      'C:/Windows/win.ini',
      'c:\\Windows\\win.ini',
      'C%3A%5CWindows%5Cwin.ini',
      '\\\\server\\share\\x.png',
      '//server/share/x.png',
      '%5c%5cserver%5cshare',
      '\\\\?\\C:\\x.png',
      'results\\..\\..\\outside\\secret.txt',
      'results%5c..%5c..%5coutside',
      'results/r1/image.png\u0000.txt',
      'results/r1/image.png%00.txt',
      'results/r1/image.png:stream',
      'results//r1/image.png',
      'results/r1/',
      '',
      '%E0%A4%A',
      '%',
    ]) {
      expect(await code(attempt), JSON.stringify(attempt)).toBe('FORBIDDEN_SENDER');
    }
  });

  it('answers NOT_FOUND for missing files and for folders', async () => {
    expect(await code('results/r1/missing.png')).toBe('NOT_FOUND');
    expect(await code('results/r1')).toBe('NOT_FOUND');
    await expect(resolveContainedFile(join(base, 'no-such-root'), 'x.png')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('with encoded: false takes the path literally and still applies every check', async () => {
    expect(await resolveContainedFile(root, 'results/r1/with space.png', { encoded: false })).toBe(
      join(root, 'results', 'r1', 'with space.png'),
    );
    expect(await code('results/r1/with%20space.png', { encoded: false })).toBe('NOT_FOUND');
    expect(await code('../outside/secret.txt', { encoded: false })).toBe('FORBIDDEN_SENDER');
    expect(await code('results/escape.png', { encoded: false })).toBe('FORBIDDEN_SENDER');
  });

  it('parseRelativePath returns the segments of a safe path', () => {
    expect(parseRelativePath('assets/index-abc.js')).toEqual(['assets', 'index-abc.js']);
  });
});
