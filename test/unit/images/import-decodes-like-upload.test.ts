/**
 * Issue 9, defect 3: the import check decodes exactly as the upload does, so an image that passes
 * inspectImage can always be normalised for upload, and one the upload cannot decode is refused at the
 * door with IMAGE_REJECTED 'damaged'.
 */
import { describe, expect, it } from 'vitest';
import { inspectImage, normaliseForUpload } from '../../../src/images';
import { damagedPngs, soundPng } from './damaged-png';

describe('inspectImage decodes like normaliseForUpload', () => {
  for (const [name, bytes] of Object.entries(damagedPngs())) {
    it(`refuses a PNG the upload could not decode: ${name}`, async () => {
      await expect(normaliseForUpload(bytes)).rejects.toMatchObject({ code: 'IMAGE_REJECTED' });
      await expect(inspectImage(bytes, { fileName: name })).rejects.toMatchObject({
        code: 'IMAGE_REJECTED',
        detail: { file: name, reason: 'damaged' },
      });
    });
  }

  it('accepts the same PNG undamaged, and the upload decodes it', async () => {
    const bytes = soundPng();
    expect(await inspectImage(bytes)).toMatchObject({ format: 'png', width: 120, height: 80 });
    expect(await normaliseForUpload(bytes)).toMatchObject({ width: 120, height: 80 });
  });
});
