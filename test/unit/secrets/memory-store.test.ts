import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../src/secrets/memory-store';
import { freshKey } from './helpers';

describe('MemoryStore', () => {
  it('keeps the key for this session only and says so', async () => {
    const store = new MemoryStore();
    const key = freshKey();
    expect(await store.get()).toBeNull();
    await store.set(key);
    expect(await store.get()).toBe(key);
    await store.clear();
    expect(await store.get()).toBeNull();
    const status = store.status();
    expect(status).toMatchObject({ backend: 'memory', persistent: false });
    expect(status.note).toMatch(/this session only/);
    expect(status.note).not.toContain(key);
  });

  it('refuses an empty key', async () => {
    await expect(new MemoryStore().set('')).rejects.toThrow(/empty/);
  });

  it('two stores never share a key (nothing global, nothing on disk)', async () => {
    const a = new MemoryStore();
    await a.set(freshKey());
    expect(await new MemoryStore().get()).toBeNull();
  });
});
