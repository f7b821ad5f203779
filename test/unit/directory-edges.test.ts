import { describe, expect, it } from 'vitest';
import { storedOrg } from '../../shared/domain/user.js';

/** Edges of the directory's stored organisation that test/unit/user-directory.test.ts leaves open. */
describe('the organisation a member is stored with', () => {
  it('none, whatever falsy value came in', () => {
    expect(storedOrg('lender', undefined)).toBeNull();
    expect(storedOrg('lender', '')).toBeNull();
    expect(storedOrg('enterprise', undefined)).toBeNull();
  });

  it('only an enterprise has its USCC respelt: a bank id that reads like a lower-case USCC stays as given', () => {
    expect(storedOrg('lender', '91330784147123451k')).toBe('91330784147123451k');
    expect(storedOrg('insurer', '91330784147123451k')).toBe('91330784147123451k');
  });
});
