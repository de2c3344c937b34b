import { describe, expect, it, vi } from 'vitest';
import { AppError } from '../../../src/domain';
import { failureOf } from '../../../src/library/workspace/image-intake';

const errno = (code: string, path = '/p/poses/x/a.png') =>
  Object.assign(new Error(`${code}: failed`), { code, path });

describe('failureOf', () => {
  it('names a disk error by the errno table, never as INTERNAL', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(failureOf('a.png', errno('ENOSPC'))).toMatchObject({ file: 'a.png', code: 'DISK_FULL' });
    expect(failureOf('a.png', errno('EDQUOT'))).toMatchObject({ code: 'DISK_FULL' });
    expect(failureOf('a.png', errno('EROFS'))).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(failureOf('a.png', errno('EACCES'))).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(failureOf('a.png', errno('ENOENT'))).toMatchObject({ code: 'NOT_FOUND' });
    expect(failureOf('a.png', errno('EEXIST'))).toMatchObject({ code: 'ALREADY_EXISTS' });
    expect(failureOf('a.png', errno('ENAMETOOLONG'))).toMatchObject({
      code: 'INVALID_INPUT',
      reason: 'name-too-long',
    });
    expect(failureOf('a.png', errno('EIO'))).toMatchObject({ code: 'IO_ERROR' });
    expect(failureOf('a.png', errno('EBUSY'))).toMatchObject({ code: 'IO_ERROR' });
    for (const code of ['ENOSPC', 'EIO', 'ENOENT'])
      expect(failureOf('a.png', errno(code)).message).toContain('a.png');
  });

  it('keeps an AppError as it is, and calls anything else unexpected', () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(
      failureOf('b.png', new AppError('IMAGE_REJECTED', '“b.png” is empty.', { reason: 'empty' })),
    ).toEqual({ file: 'b.png', code: 'IMAGE_REJECTED', reason: 'empty', message: '“b.png” is empty.' });
    expect(failureOf('c.png', new TypeError('boom'))).toMatchObject({ code: 'INTERNAL' });
    // A socket's code with no path is not a disk's.
    expect(failureOf('d.png', Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toMatchObject({
      code: 'INTERNAL',
    });
  });
});
