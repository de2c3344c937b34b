import { defineConfig } from 'vitest/config';

// Two projects: `unit` (Node: the core, main with electron mocked, the CLI, the stand-in over real HTTP)
// and `e2e` (real Chromium driving the built renderer through the browser host). npm test runs both.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
          environment: 'node',
          // The command line, bundled once for the CLI tests (test/helpers/cli.ts).
          globalSetup: ['test/helpers/cli-bundle-setup.ts'],
          testTimeout: 20_000,
          hookTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 90_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
