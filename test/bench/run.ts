/**
 * `npm run bench`: every benchmark, each printing its figures beside its target. Exits non-zero when a
 * target is missed, so a regression is visible. Benchmarks are not unit tests: they measure, on this
 * machine, what the issues ask for.
 */
import { benchThumbnails } from './thumbnails';
import { benchOpenProject } from './open-project';
import { benchGenerationOverhead } from './generation-overhead';
import { benchGalleryScroll } from './gallery-scroll';
import { benchCompareZoom } from './compare-zoom';
import { benchScale } from './scale';
import { benchImport } from './import';
import { benchPoseLibrary } from './pose-library';

interface Bench {
  name: string;
  run(): Promise<{ lines: string[]; ok: boolean }>;
}

const benches: Bench[] = [
  { name: 'Generation overhead per job (issue: generate end to end)', run: benchGenerationOverhead },
  { name: 'Open a 10,000-result project (issue: workspace)', run: benchOpenProject },
  { name: 'Gallery scroll in Chromium (issue: workspace)', run: benchGalleryScroll },
  { name: 'Thumbnails vs vipsthumbnail (issue: workspace)', run: benchThumbnails },
  { name: 'Compare and survey: linked zoom and opening (issue: compare)', run: benchCompareZoom },
  { name: 'A project at scale: changes, open, refresh, rebuild (issue: scale)', run: benchScale },
  { name: 'Import throughput: poses.import vs plain sharp (issue 10, item 6)', run: benchImport },
  { name: 'Pose library edits: bytes per edit (issue 10, item 2)', run: benchPoseLibrary },
];

const only = process.argv.slice(2);
let failed = 0;
for (const bench of benches) {
  if (only.length > 0 && !only.some((word) => bench.name.toLowerCase().includes(word.toLowerCase())))
    continue;
  console.log(`\n== ${bench.name}`);
  try {
    const { lines, ok } = await bench.run();
    for (const line of lines) console.log(`  ${line}`);
    console.log(`  => ${ok ? 'meets its targets' : 'MISSES a target'}`);
    if (!ok) failed++;
  } catch (error) {
    failed++;
    console.log(`  => failed to run: ${(error as Error).stack ?? String(error)}`);
  }
}
console.log(
  failed === 0 ? '\nAll benchmarks meet their targets.' : `\n${failed} benchmark(s) missed a target.`,
);
process.exit(failed === 0 ? 0 : 1);
