import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The storage-faults suite on its own (it is in no project of the main vitest.config.ts):
//   npx vitest run --config test/reliability/storage-faults/vitest.config.ts
export default defineConfig({
  root: fileURLToPath(new URL('../../..', import.meta.url)),
  test: {
    name: 'faults',
    include: ['test/reliability/storage-faults/**/*.test.ts'],
    environment: 'node',
    testTimeout: 600_000,
    hookTimeout: 120_000,
  },
});
