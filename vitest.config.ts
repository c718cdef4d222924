import { defineConfig } from 'vitest/config';

// Two homes for tests: unit tests beside the code, and tests in tests/ that boot
// netlify dev, a database or a fake Sentry.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'tooling/*/src/**/*.test.ts', 'functions/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/**/*.test.ts'],
          globalSetup: ['tests/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // The e2e files share one machine's ports and one PostgreSQL: run them one at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
