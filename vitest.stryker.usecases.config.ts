import { defineConfig } from 'vitest/config';

/**
 * Vitest for mutation testing of the use-case layer (stryker.usecases.config.mjs, `npm run mutate:usecases`).
 *
 * Each part of the layer is tested by the integration test files written for it, not by every test that happens to
 * run its code: nearly every test enrols users, appends events and goes through the engine in its setup, so with the
 * whole selection a mutant of users.ts or events.ts would re-run a file's setup (a table, a portal, its fixtures on
 * DynamoDB Local) for dozens of files — about 30 s a mutant on the shared 2 cores, hours a part. The score of a part
 * thus says how well its own tests pin its behaviour down. The run's globalSetup starts DynamoDB Local and the local S3
 * server once. Left out everywhere (minutes per file, or an outcome that does not depend on the mutant alone): the
 * property tests, the races, the seed and the stats scenario, the OpenAPI fuzzer and validity, the authorization
 * matrix, resource limits, and the browser, e2e, infra and bench tiers. The preload makes the domain's and the use
 * cases' top-level code static.
 */
const i = (name: string) => `test/integration/${name}.test.ts`;

export const PART_TESTS: Record<string, string[]> = {
  directory: [
    i('users'),
    i('enterprises'),
    i('institutions'),
    i('auth'),
    i('usecases-directory'),
    i('directory-branches'),
    i('premiums'),
  ],
  search: [i('search-usecases')],
  events: [
    i('event-usecases'),
    i('guarantees'),
    i('events'),
    i('webhooks'),
    i('history-names'),
    i('monitor'),
    i('notifications'),
    'test/unit/event-handlers.test.ts',
  ],
  assets: [i('assets'), i('appraisals'), i('asset-lifecycle'), 'test/unit/asset-store.test.ts'],
  designations: [
    i('designations'),
    i('designation-programme'),
    i('designation-cycle'),
    i('designation-usecases'),
  ],
  insurance: [
    i('policies'),
    i('policy-writes'),
    i('premiums'),
    i('expire-policies'),
    i('renewals'),
    i('claims-lifecycle'),
    i('policy-paths'),
  ],
  pledges: [i('pledge-usecases')],
  loans: [i('loan-usecases')],
  stats: [i('stats'), i('stats-records')],
  imports: [i('import-usecases'), i('imports')],
  core: [i('engine-core')],
  documents: [i('document-usecases'), i('documents')],
};

const part = process.env.STRYKER_PART ?? 'directory';
const include = PART_TESTS[part];
if (!include) throw new Error(`STRYKER_PART must be one of ${Object.keys(PART_TESTS).join(', ')}`);

export default defineConfig({
  test: {
    include,
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    setupFiles: ['test/support/stryker-preload.ts'],
    env: {
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      AWS_REGION: 'local',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      STRYKER_PRELOAD_USECASES: '1',
    },
  },
});
