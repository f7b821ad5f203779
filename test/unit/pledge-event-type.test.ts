import { describe, expect, it } from 'vitest';
import { PLEDGE_MACHINE, pledgeEventType } from '../../shared/domain/pledge-state-machine.js';

describe('the domain event a pledge transition publishes', () => {
  it('is pledge.<target state>, except a disbursal, which is pledge.disbursed (not pledge.active)', () => {
    const expected = {
      submit: 'pledge.submitted',
      review: 'pledge.under_review',
      approve: 'pledge.approved',
      reject: 'pledge.rejected',
      withdraw: 'pledge.withdrawn',
      register: 'pledge.registered',
      refuse: 'pledge.registration_refused',
      disburse: 'pledge.disbursed',
      repay: 'pledge.repaid',
      default: 'pledge.defaulted',
      dispose: 'pledge.disposed',
      release: 'pledge.released',
    };
    expect(Object.fromEntries(PLEDGE_MACHINE.rows.map((row) => [row.action, pledgeEventType(row)]))).toEqual(
      expected,
    );
  });
});
