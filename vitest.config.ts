import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      // Every test file first checks that it cannot send a packet off the machine (hack/testenv/offline.sh).
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], setupFiles: ['test/support/offline-guard.ts'] } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          setupFiles: ['test/support/offline-guard.ts'],
          // Each file starts its own control plane; two at once would fight over the machine's 2 cores.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
