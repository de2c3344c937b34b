/**
 * Ids of things this process is writing into a project and has not yet recorded in the JSON that names
 * them: an imported image between its file and its library.json / character.json, a new character between
 * its folder and its character.json. Until it is recorded such a file looks exactly like what a crash
 * leaves behind, so the reconciliation at open (reconcile-leftovers.ts) leaves every id held here alone.
 *
 * Reconciliation runs when a project opens, under its lock and before this process does anything else in
 * it; the one way work can still be under way then is work started on an earlier handle of the same
 * project (closed and opened again while an import ran on). Ids are unique across projects, so one set
 * for the process is enough.
 */
const held = new Map<string, number>();

/** Holds `id` until the returned function is called (once; later calls do nothing). */
export function holdInFlight(id: string): () => void {
  held.set(id, (held.get(id) ?? 0) + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const count = (held.get(id) ?? 1) - 1;
    if (count <= 0) held.delete(id);
    else held.set(id, count);
  };
}

/** Runs `work` with `id` held. */
export async function whileInFlight<T>(id: string, work: () => Promise<T>): Promise<T> {
  const release = holdInFlight(id);
  try {
    return await work();
  } finally {
    release();
  }
}

export function isInFlight(id: string): boolean {
  return held.has(id);
}

/** The id a file of ours is named by: `<id>.<ext>`, or the target of a temp file of it. */
export function idOfFileName(name: string): string {
  const dot = name.indexOf('.');
  return dot === -1 ? name : name.slice(0, dot);
}
