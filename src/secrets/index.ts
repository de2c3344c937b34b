export * from './secret-store';
export {
  KeytarStore,
  loadKeytar,
  type KeytarLike,
  type KeytarLoader,
  type KeytarStoreOptions,
} from './keytar-store';
export {
  SafeStorageStore,
  checkSafeStorage,
  safeStorageKeyFile,
  type SafeStorageLike,
} from './safe-storage-store';
export { MemoryStore, MEMORY_STORE_NOTE } from './memory-store';
export { chooseSecretStore, type ChooseSecretStoreOptions } from './choose-secret-store';
export { deferSecretStore } from './deferred-store';
