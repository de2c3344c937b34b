import sharp from 'sharp';

/**
 * The format and size of bytes that decode to their end, or null for anything else (no image, an
 * unknown format, cut off or corrupt). For checking what a server sent back (src/segmind): a 200 can
 * carry an HTML error page or a cut-off JPEG, and paid output must be recognised as broken before it is
 * filed as a result. Decoding to a small size is enough to read every byte (and JPEG shrink-on-load keeps
 * it cheap); `failOn: 'truncated'` turns a premature end of data into an error instead of a grey bottom
 * half. Unlike inspectImage (the import's gate) it applies no caps and names no file: the caller decides
 * what a broken answer means.
 */
export async function decodesToEnd(
  bytes: Uint8Array,
): Promise<{ format: string; width: number; height: number } | null> {
  if (bytes.length === 0) return null;
  try {
    const meta = await sharp(bytes, { failOn: 'truncated' }).metadata();
    if (meta.format === undefined || meta.width === undefined || meta.height === undefined) return null;
    await sharp(bytes, { failOn: 'truncated' }).resize(64, 64, { fit: 'inside' }).raw().toBuffer();
    return { format: meta.format, width: meta.width, height: meta.height };
  } catch {
    return null;
  }
}
