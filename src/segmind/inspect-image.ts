import { decodesToEnd } from '../images';
import type { DecodedImageInfo } from './types';

/**
 * Whether the bytes of an answer are an image that decodes to the end (decodesToEnd): a 200 can carry
 * an HTML error page or a cut-off JPEG, and paid output must be recognised as broken before it is filed
 * as a result. sharp is used through src/images only.
 */
export async function inspectImage(bytes: Buffer): Promise<DecodedImageInfo | null> {
  return decodesToEnd(bytes);
}
