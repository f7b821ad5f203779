// @ts-check
/**
 * StrykerJS over the use-case layer (`npm run mutate:usecases`, README "Mutation testing"). The layer is mutated in
 * parts, one Stryker run each, chosen by STRYKER_PART (scripts/mutate-usecases.ts runs them one after another). A
 * part's mutants are tested by the part's own integration test files (vitest.stryker.usecases.config.ts, PART_TESTS),
 * and of those only by the tests that cover each mutant (perTest); each part keeps its own report and incremental
 * file, so `--incremental` re-tests only what changed in it.
 * object-storage.ts is a port (types only).
 */
export const PARTS = {
  directory: [
    'shared/usecases/enterprises.ts',
    'shared/usecases/institutions.ts',
    'shared/usecases/org-claims.ts',
    'shared/usecases/users.ts',
  ],
  search: ['shared/usecases/search.ts'],
  events: [
    'shared/usecases/email.ts',
    'shared/usecases/events.ts',
    'shared/usecases/monitor.ts',
    'shared/usecases/notifications.ts',
    'shared/usecases/webhooks.ts',
    'shared/usecases/consumers/*.ts',
  ],
  assets: ['shared/usecases/assets.ts', 'shared/usecases/co-owner-consents.ts'],
  designations: ['shared/usecases/designation-programme.ts', 'shared/usecases/designations.ts'],
  insurance: ['shared/usecases/claims.ts', 'shared/usecases/policies.ts'],
  pledges: ['shared/usecases/ownership-cases.ts', 'shared/usecases/pledges.ts'],
  loans: [
    'shared/usecases/guarantees.ts',
    'shared/usecases/loan-changes.ts',
    'shared/usecases/loans.ts',
    'shared/usecases/programmes.ts',
  ],
  stats: ['shared/usecases/stats.ts'],
  imports: ['shared/usecases/imports.ts'],
  core: [
    'shared/usecases/actor-names.ts',
    'shared/usecases/context.ts',
    'shared/usecases/engine.ts',
    'shared/usecases/idempotency.ts',
    'shared/usecases/system.ts',
  ],
  documents: ['shared/usecases/checklists.ts', 'shared/usecases/documents.ts'],
};

const part = process.env.STRYKER_PART ?? 'directory';
if (!(part in PARTS)) throw new Error(`STRYKER_PART must be one of ${Object.keys(PARTS).join(', ')}`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  $schema: './node_modules/@stryker-mutator/core/schema/stryker-schema.json',
  packageManager: 'npm',
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.usecases.config.ts', related: false },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: PARTS[/** @type {keyof typeof PARTS} */ (part)],
  coverageAnalysis: 'perTest',
  checkers: [],
  concurrency: 1,
  // A mutant's tests talk to DynamoDB Local: allow for a slow, shared machine before calling it a timeout.
  timeoutMS: 20000,
  timeoutFactor: 2,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/usecases-${part}.html` },
  jsonReporter: { fileName: `reports/mutation/usecases-${part}.json` },
  incrementalFile: `reports/stryker-usecases-${part}-incremental.json`,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  ignoreStatic: true,
};
