import { defineConfig } from 'vitest/config';

// Two projects: `unit` (Node: the core, main with electron mocked, the CLI, the stand-in over real HTTP)
// and `e2e` (real Chromium driving the built renderer through the browser host). npm test runs both.
export default defineConfig({
  test: {
    // Vitest's default on this two-core machine was one worker. Most integration tests wait (on the
    // stand-in's latency, a retry delay, a child process, fsync), so three files side by side keep both
    // cores busy: the unit project runs in about half the time. The e2e project stays one file at a time.
    maxWorkers: 3,
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
          // expect.poll's own default (1 s) is too short for work the services do on a loaded machine (an
          // import of a pose sheet took longer in one CI run). A poll that passes returns at once, so this
          // only changes how long a failing one takes to say so.
          expect: { poll: { timeout: 10_000 } },
        },
      },
    ],
  },
});
