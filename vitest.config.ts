import { defineConfig } from 'vitest/config';
import SlowFirstSequencer from './test/support/slow-first-sequencer.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One DynamoDB Local for the whole run; each test file gets its own table.
    globalSetup: ['test/support/global-setup.ts'],
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
  },
});
