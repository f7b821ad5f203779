import { defineConfig } from 'vitest/config';

/**
 * Vitest for mutation testing (stryker.config.json): the unit tests only, and no DynamoDB Local —
 * unit tests mock the AWS SDK where they touch it, so no globalSetup is needed. The preload makes the domain's
 * top-level code run before any test (see the file).
 */
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    pool: 'forks',
    setupFiles: ['test/support/stryker-preload.ts'],
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT', AWS_REGION: 'local' },
  },
});
