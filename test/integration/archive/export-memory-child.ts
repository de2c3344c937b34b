/**
 * Run alone (a fresh process, so nothing else's memory is counted): exports PROJECT_DIR to ZIP_FILE and
 * prints one JSON line with the peak growth of the resident set over the run and the progress seen.
 */
import { exportProjectArchive } from '../../../src/library/archive';

const [projectDir, zipFile] = process.argv.slice(2) as [string, string];
global.gc?.();
const baseline = process.memoryUsage().rss;
let peak = baseline;
const sample = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 10);
let progressEvents = 0;
let lastDone = 0;
const report = await exportProjectArchive(projectDir, zipFile, {
  control: {
    onProgress: (done) => {
      progressEvents++;
      lastDone = done;
      peak = Math.max(peak, process.memoryUsage().rss);
    },
  },
});
clearInterval(sample);
peak = Math.max(peak, process.memoryUsage().rss);
process.stdout.write(
  `${JSON.stringify({ growthBytes: peak - baseline, progressEvents, lastDone, files: report.files, bytes: report.bytes })}\n`,
);
