import type { Provenance } from '../../domain';

/** A character or pose library, as far as its origin goes. */
export interface Traceable {
  id: string;
  name: string;
  copiedFrom?: Provenance | undefined;
}

/**
 * The names an item is known by across projects: `<projectId>/<itemId>` where it lives, and where it
 * was copied from when it is a copy. Two items sharing one are the same thing: a copy and its original,
 * or two copies of one original (A's Mira copied into B and into C; copying B's into C finds C's).
 * Projects unpacked from an archive keep their ids, so a copy from an archive's project into its
 * original is recognised too.
 */
export function originKeys(projectId: string, item: Traceable): string[] {
  const keys = [`${projectId}/${item.id}`];
  if (item.copiedFrom) keys.push(`${item.copiedFrom.projectId}/${item.copiedFrom.itemId}`);
  return keys;
}

/** Finds, among the open project's items, the copy (or the original) of another project's item. */
export class OriginIndex<T extends Traceable> {
  private readonly byKey = new Map<string, T>();

  constructor(projectId: string, items: readonly T[]) {
    for (const item of items) {
      for (const key of originKeys(projectId, item)) if (!this.byKey.has(key)) this.byKey.set(key, item);
    }
  }

  find(sourceProjectId: string, source: Traceable): T | undefined {
    for (const key of originKeys(sourceProjectId, source)) {
      const found = this.byKey.get(key);
      if (found) return found;
    }
    return undefined;
  }

  add(projectId: string, item: T): void {
    for (const key of originKeys(projectId, item)) if (!this.byKey.has(key)) this.byKey.set(key, item);
  }
}
