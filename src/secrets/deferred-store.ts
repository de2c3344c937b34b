import type { SecretStore, SecretStoreStatus } from './secret-store';

const CHECKING: SecretStoreStatus = {
  backend: 'memory',
  persistent: false,
  note: 'Checking the system keychain…',
};

/**
 * A store that stands in while chooseSecretStore is still probing (up to 10 s when no keychain
 * answers), so the app's window need not wait for it. get/set/clear wait for the choice; status()
 * answers "checking" until it is made, then the chosen store's status.
 */
export function deferSecretStore(choice: Promise<SecretStore>): SecretStore {
  let chosen: SecretStore | undefined;
  const ready = choice.then((store) => {
    chosen = store;
    return store;
  });
  return {
    status: () => chosen?.status() ?? CHECKING,
    get: async () => (await ready).get(),
    set: async (key) => (await ready).set(key),
    clear: async () => (await ready).clear(),
  };
}
