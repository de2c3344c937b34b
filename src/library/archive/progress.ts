/**
 * A progress report at most every `ms` milliseconds: an archive of 200,000 files would otherwise send
 * 200,000 events through IPC. The first call reports at once; the caller reports the last count itself.
 */
export function progressEvery(ms: number, report: () => void): () => void {
  let last = -Infinity;
  return () => {
    const now = performance.now();
    if (now - last < ms) return;
    last = now;
    report();
  };
}
