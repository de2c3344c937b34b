/**
 * The canvas sizes the sheet composer offers, and what a sheet of each size costs and gives back with
 * Consistent Character V1. V1 takes the pose sheet as it is (there is no width or height field): its
 * result is `upscale_by` times the sheet (SEGMIND_API.md, section 1), and a sheet is sent with its
 * longest side at most 2048 pixels (src/images/normalise-for-upload.ts), so every size here is at most
 * that, in multiples of 64 as the SDXL-family models behind V1 want.
 */
import { consistentCharacterV1 } from '../../../../src/models/consistent-character-v1';
import type { CanvasSize } from '../../../../src/domain/skeleton';

export interface SheetSize extends CanvasSize {
  id: string;
  label: string;
}

/** The longest side the upload keeps (DEFAULT_UPLOAD_MAX_SIDE in src/images): larger sheets are shrunk. */
export const SHEET_MAX_SIDE = 2048;

export const SHEET_SIZES: readonly SheetSize[] = [
  { id: '1024x512', width: 1024, height: 512, label: 'Wide, 1024 × 512 (a row of 2 to 4)' },
  { id: '1536x512', width: 1536, height: 512, label: 'Long, 1536 × 512 (a row of 4 to 6)' },
  { id: '2048x512', width: 2048, height: 512, label: 'Longest, 2048 × 512 (a row of 6 to 8)' },
  { id: '1024x768', width: 1024, height: 768, label: 'Landscape, 1024 × 768' },
  { id: '1024x1024', width: 1024, height: 1024, label: 'Square, 1024 × 1024 (a grid)' },
  { id: '1536x1024', width: 1536, height: 1024, label: 'Large, 1536 × 1024 (a grid of 6 to 8)' },
  { id: '768x1024', width: 768, height: 1024, label: 'Portrait, 768 × 1024' },
  { id: '512x768', width: 512, height: 768, label: 'Single, 512 × 768 (one figure)' },
];

/** A sensible size for `count` figures in `layout`: wide rows for few, grids for many. */
export function suggestedSize(count: number, layout: 'row' | 'grid'): SheetSize {
  const byId = (id: string) => SHEET_SIZES.find((s) => s.id === id) ?? (SHEET_SIZES[0] as SheetSize);
  if (count <= 1) return byId('512x768');
  if (layout === 'row') return byId(count <= 4 ? '1024x512' : count <= 6 ? '1536x512' : '2048x512');
  return byId(count <= 4 ? '1024x1024' : '1536x1024');
}

/** V1's default `upscale_by`: the result is this many times the sheet. */
export function defaultUpscale(): number {
  const field = consistentCharacterV1.fields.find((f) => f.name === consistentCharacterV1.outputScaleField);
  const value = field && 'default' in field ? field.default : undefined;
  return typeof value === 'number' ? value : 1;
}

/** What one V1 run on a sheet of this size costs (credits, whatever the size) and the size it gives back. */
export function sheetRun(size: CanvasSize, upscale = defaultUpscale()) {
  return {
    cost: consistentCharacterV1.typicalCost,
    result: { width: size.width * upscale, height: size.height * upscale },
    upscale,
  };
}
