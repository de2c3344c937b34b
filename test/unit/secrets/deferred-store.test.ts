import { describe, expect, it } from 'vitest';
import { deferSecretStore } from '../../../src/secrets/deferred-store';
import { MemoryStore } from '../../../src/secrets/memory-store';
import type { SecretStore } from '../../../src/secrets/secret-store';
import { freshKey } from './helpers';

describe('deferSecretStore', () => {
  it('says "checking" until the choice is made, then behaves as the chosen store', async () => {
    let choose: (store: SecretStore) => void = () => undefined;
    const deferred = deferSecretStore(new Promise<SecretStore>((resolve) => (choose = resolve)));
    expect(deferred.status()).toMatchObject({
      backend: 'memory',
      persistent: false,
      note: expect.stringMatching(/Checking/),
    });
    const key = freshKey();
    const setting = deferred.set(key);
    const chosen = new MemoryStore('chosen');
    choose(chosen);
    await setting;
    expect(await chosen.get()).toBe(key);
    expect(await deferred.get()).toBe(key);
    expect(deferred.status().note).toBe('chosen');
    await deferred.clear();
    expect(await chosen.get()).toBeNull();
  });
});
