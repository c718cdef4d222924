import { defineConfig } from 'vitest/config';

// Two homes for tests: unit tests beside the code, and tests in tests/ that boot
// netlify dev, a database or a fake Sentry.
export default defineConfig({
  test: {
    // What ships (packages/, functions/), measured over the unit tests and the end-to-end tests that
    // import the code in-process; code that runs only in child processes (netlify dev, pnpm serve's
    // instances) is not collected. `pnpm test` merges both runs and enforces 80 % of lines (README).
    coverage: {
      provider: 'v8',
      include: ['packages/*/src/**', 'functions/**'],
      exclude: ['**/*.test.ts'],
      reporter: ['text-summary', 'html', 'json-summary'],
    },
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
