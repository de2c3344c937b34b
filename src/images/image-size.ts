import sharp from 'sharp';

/**
 * An image's size as a person sees it (EXIF orientation applied), read from its header with sharp's
 * default options; null when sharp cannot read it.
 */
export async function orientedImageSize(
  bytes: Uint8Array,
): Promise<{ width: number; height: number } | null> {
  const meta = await sharp(bytes)
    .metadata()
    .catch(() => null);
  return meta ? { width: meta.autoOrient.width, height: meta.autoOrient.height } : null;
}
