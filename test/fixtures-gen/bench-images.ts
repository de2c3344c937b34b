import { mkdir, readdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';

/** A small, seedable PRNG (mulberry32) so the same index always gives the same image. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A photo-like RGB image: a two-colour gradient, a few soft blobs and a sine texture, plus grain, so
 * it compresses like a real picture (about 1 MB as a 2048 px JPEG) rather than like a flat fill.
 */
export function variedPixels(index: number, width: number, height: number): Buffer {
  const random = seededRandom(index * 7919 + 1);
  const c0 = [random() * 255, random() * 255, random() * 255];
  const c1 = [random() * 255, random() * 255, random() * 255];
  const blobs = Array.from({ length: 4 }, () => ({
    x: random() * width,
    y: random() * height,
    r2: (0.05 + random() * 0.2) ** 2 * width * width,
    c: [random() * 255, random() * 255, random() * 255],
  }));
  const freq = 0.005 + random() * 0.05;
  const grain = 4 + random() * 20;
  const data = Buffer.allocUnsafe(width * height * 3);
  let i = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = (x + y) / (width + height);
      const texture = 18 * Math.sin(x * freq) * Math.cos(y * freq * 1.3);
      let r = (c0[0] ?? 0) * (1 - t) + (c1[0] ?? 0) * t + texture;
      let g = (c0[1] ?? 0) * (1 - t) + (c1[1] ?? 0) * t + texture;
      let b = (c0[2] ?? 0) * (1 - t) + (c1[2] ?? 0) * t + texture;
      for (const blob of blobs) {
        if ((x - blob.x) ** 2 + (y - blob.y) ** 2 < blob.r2) {
          r = r * 0.4 + (blob.c[0] ?? 0) * 0.6;
          g = g * 0.4 + (blob.c[1] ?? 0) * 0.6;
          b = b * 0.4 + (blob.c[2] ?? 0) * 0.6;
        }
      }
      const noise = (random() - 0.5) * grain;
      data[i++] = clampByte(r + noise);
      data[i++] = clampByte(g + noise * 0.8);
      data[i++] = clampByte(b + noise * 1.2);
    }
  }
  return data;
}

const clampByte = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : v);

/**
 * `count` varied JPEGs of `size` x `size` in `dir`, made once and reused across runs (the folder is
 * keyed by count and size; files are written under a temp name and renamed, so an interrupted run never
 * leaves a half image behind). Every fifth one is progressive, as many exports are.
 */
export async function ensureBenchJpegs(dir: string, count = 200, size = 2048): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const existing = new Set(await readdir(dir));
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `bench-${String(i).padStart(3, '0')}.jpg`;
    const file = join(dir, name);
    files.push(file);
    if (existing.has(name) && (await stat(file)).size > 0) continue;
    await sharp(variedPixels(i, size, size), { raw: { width: size, height: size, channels: 3 } })
      .jpeg({ quality: 85, progressive: i % 5 === 4 })
      .toFile(`${file}.part`);
    await rename(`${file}.part`, file);
  }
  return files;
}
