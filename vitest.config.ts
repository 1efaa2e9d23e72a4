import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'pipelines/**/*.test.ts', 'tests/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two test files at a time: most of a file's time is spent waiting on PostgreSQL, a child CLI or a browser.
    maxWorkers: 2,
    reporters: ['default', './tests/helpers/plain-summary-reporter.ts'],
  },
});
