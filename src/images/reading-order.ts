import type { Box } from '../domain/pose';

/**
 * Sorts boxes the way a person reads a sheet: rows top to bottom, left to right within a row. A box
 * belongs to the current row when it overlaps the row's vertical span by at least half of its own
 * height (or the row's), so figures of different heights standing side by side (a crouch next to a
 * jump) stay in one row even though their tops differ.
 */
export function sortInReadingOrder<T extends Box>(boxes: readonly T[]): T[] {
  const byTop = [...boxes].sort((a, b) => a.y + a.height / 2 - (b.y + b.height / 2));
  const rows: { top: number; bottom: number; items: T[] }[] = [];
  for (const box of byTop) {
    const row = rows.find((r) => {
      const overlap = Math.min(r.bottom, box.y + box.height) - Math.max(r.top, box.y);
      return overlap >= 0.5 * Math.min(box.height, r.bottom - r.top);
    });
    if (row) {
      row.items.push(box);
      row.top = Math.min(row.top, box.y);
      row.bottom = Math.max(row.bottom, box.y + box.height);
    } else {
      rows.push({ top: box.y, bottom: box.y + box.height, items: [box] });
    }
  }
  return rows
    .sort((a, b) => a.top - b.top)
    .flatMap((row) => row.items.sort((a, b) => a.x - b.x || a.y - b.y));
}
