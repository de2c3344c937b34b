import type { ProjectHandle } from '../project-store';
import type { KeyedMutex } from './keyed-mutex';
import type { TrashStore } from './trash-store';

/**
 * What a store needs of the open project's workspace: the project, the one set of locks every store
 * shares (so a file is never written by two operations at once) and the trash. The stores depend on
 * this, not on Workspace, which builds them (and is one).
 */
export interface StoreContext {
  readonly project: ProjectHandle;
  readonly locks: KeyedMutex;
  readonly trash: TrashStore;
}

/** For a store whose records the catalog names (characters, pose libraries): it says when that is stale. */
export interface CatalogStoreContext extends StoreContext {
  invalidateCatalog(): void;
}
