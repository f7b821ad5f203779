import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Starts the longest test files first, so a fresh checkout (no timing cache yet) does not leave one of them
 * running alone at the end of the run. Everything else keeps vitest's own order.
 */
const SLOWEST = [
  'test/integration/seed.test.ts',
  'test/browser/journeys.test.ts',
  'test/integration/fuzz-openapi.test.ts',
  'test/integration/authorization-matrix.test.ts',
  'test/integration/stats-scenario.test.ts',
  'test/integration/pledge-properties.test.ts',
];

const rank = (file: TestSpecification) => {
  const i = SLOWEST.findIndex((path) => file.moduleId.endsWith(path));
  return i === -1 ? SLOWEST.length : i;
};

export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}
