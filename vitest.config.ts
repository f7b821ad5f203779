import { defineConfig } from 'vitest/config';
import SlowFirstSequencer from './test/support/slow-first-sequencer.js';

/** The tests that drive `npm start` as a process (with Chromium, for the browser ones). */
const PORTAL_PROCESS_TESTS = ['test/browser/**/*.test.ts', 'test/e2e/**/*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most test time is spent waiting on DynamoDB Local, Chromium or child processes, not on this process's CPU,
    // so more files than cores run at once (vitest's default is cores − 1, i.e. one file at a time here).
    maxWorkers: 3,
    sequence: { sequencer: SlowFirstSequencer },
    env: {
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      AWS_REGION: 'local',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    projects: [
      {
        extends: true,
        test: {
          name: 'in-process',
          include: ['test/**/*.test.ts'],
          exclude: PORTAL_PROCESS_TESTS,
          // One DynamoDB Local for these files; each test file gets its own table.
          globalSetup: ['test/support/global-setup.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        // Afterwards, on their own: each starts a portal (its own DynamoDB Local) and a browser, heavy on two cores
        // beside the in-process files; they share one web build, made before them.
        extends: true,
        test: {
          name: 'portal-process',
          include: PORTAL_PROCESS_TESTS,
          globalSetup: ['test/support/build-web-once.ts'],
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
