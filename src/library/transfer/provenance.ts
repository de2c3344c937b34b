import type { Pose, PoseLibrary, Provenance } from '../../domain';

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

/**
 * The poses of another project's library that its copy here (or the original here, for a library copied
 * from here) lacks and that were made after the two parted: a pose made since in either project comes
 * across; one the person removed here after the copy does not come back, since it was made before they
 * parted. Told apart by the image's hash (a copied image keeps its bytes; the pose gets a new id). With
 * no copy time on either side (the same project, from an archive), nothing is new.
 */
export function posesAddedSince(source: PoseLibrary, here: PoseLibrary): Pose[] {
  const parted = here.copiedFrom?.copiedAt ?? source.copiedFrom?.copiedAt;
  if (parted === undefined) return [];
  const partedAt = Date.parse(parted);
  const have = new Set(here.poses.map((pose) => pose.image.sha256));
  return source.poses.filter((pose) => Date.parse(pose.createdAt) > partedAt && !have.has(pose.image.sha256));
}
