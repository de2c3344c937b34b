/**
 * Makes small pose sheets for tests: OpenPose-like stick figures on black, one per box, as PNG. The boxes
 * are known, so a test can check where each figure lands in a result.
 */
import sharp from 'sharp';

export interface FigureBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface PoseSheetSpec {
  readonly width: number;
  readonly height: number;
  readonly figures: readonly FigureBox[];
}

/** Two figures side by side on a 96x64 sheet. */
export const SMALL_SHEET: PoseSheetSpec = {
  width: 96,
  height: 64,
  figures: [
    { x: 10, y: 8, width: 24, height: 48 },
    { x: 60, y: 8, width: 24, height: 48 },
  ],
};

export async function makePoseSheet(spec: PoseSheetSpec = SMALL_SHEET): Promise<Buffer> {
  const stroke = Math.max(2, Math.round(Math.min(spec.width, spec.height) / 24));
  const figures = spec.figures.map((b) => stickFigure(b, stroke)).join('');
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${spec.width}" height="${spec.height}">` +
    `<rect width="100%" height="100%" fill="#000"/>${figures}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

function stickFigure(b: FigureBox, stroke: number): string {
  const cx = b.x + b.width / 2;
  const head = b.height * 0.12;
  const neck = b.y + head * 2;
  const hip = b.y + b.height * 0.6;
  const foot = b.y + b.height - stroke;
  const line = (x1: number, y1: number, x2: number, y2: number, colour: string): string =>
    `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="${colour}" stroke-width="${stroke}" stroke-linecap="round"/>`;
  return (
    `<circle cx="${cx}" cy="${b.y + head}" r="${head}" fill="#ff0000"/>` +
    line(cx, neck, cx, hip, '#ff5500') +
    line(cx, neck + stroke, b.x + stroke, b.y + b.height * 0.45, '#ffaa00') +
    line(cx, neck + stroke, b.x + b.width - stroke, b.y + b.height * 0.45, '#55ff00') +
    line(cx, hip, b.x + stroke, foot, '#00ff55') +
    line(cx, hip, b.x + b.width - stroke, foot, '#0055ff')
  );
}
