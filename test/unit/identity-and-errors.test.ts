import { describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR, tenantOf } from '../../shared/domain/actor.js';
import { isEnterprise, parseUscc } from '../../shared/domain/enterprise.js';
import {
  checkExpectedVersion,
  conflict,
  DomainError,
  forbidden,
  invalidState,
  isSettledRefusal,
  notFound,
  preconditionFailed,
  unavailable,
  unprocessable,
  validationError,
} from '../../shared/domain/errors.js';
import { withUsccCheck } from '../../shared/domain/uscc.js';

const USCC = withUsccCheck('91330782MA6E00001');

describe('tenants and enterprises', () => {
  it('keys a tenant by role and organisation, a USCC upper-cased, the office and jobs by a dash', () => {
    expect(tenantOf({ role: 'enterprise', org: USCC.toLowerCase() })).toBe(`enterprise:${USCC}`);
    expect(tenantOf({ role: 'lender', org: 'Bank-A' })).toBe('lender:Bank-A');
    expect(tenantOf({ role: 'ipoffice', org: null })).toBe('ipoffice:-');
    expect(tenantOf(SYSTEM_ACTOR)).toBe('system:-');
    // A token without an organisation still has a key (and reaches nobody's data).
    expect(tenantOf({ role: 'enterprise', org: null })).toBe('enterprise:-');
    expect(SYSTEM_ACTOR).toEqual({ role: 'system', org: null });
  });

  it('is the enterprise only as that enterprise, whatever the case of its token', () => {
    expect(isEnterprise({ role: 'enterprise', org: USCC.toLowerCase() }, USCC)).toBe(true);
    expect(isEnterprise({ role: 'enterprise', org: withUsccCheck('91330782MA6E00002') }, USCC)).toBe(false);
    expect(isEnterprise({ role: 'enterprise', org: null }, USCC)).toBe(false);
    expect(isEnterprise({ role: 'lender', org: USCC }, USCC)).toBe(false);
  });

  it('parses a USCC from a path, upper-cased with its division, or refuses it naming the field', () => {
    expect(parseUscc(USCC.toLowerCase(), 'param.uscc')).toEqual({ uscc: USCC, divisionCode: '330782' });
    try {
      parseUscc('91330782MA6E0000X', 'param.uscc');
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      const e = error as DomainError;
      expect(e.kind).toBe('validation');
      expect(e.message).toBe('The USCC param.uscc is not valid.');
      expect((e.extra.errors as { path: string; message: string }[])[0]!.path).toBe('param.uscc');
      expect((e.extra.errors as { path: string; message: string }[])[0]!.message).not.toBe('');
    }
  });
});

describe('domain errors', () => {
  it('carry their kind, a message and what the answer needs', () => {
    const cases: [DomainError, string, string, Record<string, unknown>][] = [
      [
        validationError([{ path: 'x', message: 'bad' }]),
        'validation',
        'The request is not valid.',
        { errors: [{ path: 'x', message: 'bad' }] },
      ],
      [notFound('Pledge p1'), 'not_found', 'Pledge p1 was not found.', {}],
      [forbidden(), 'forbidden', 'Your role may not perform this operation.', {}],
      [forbidden('No.'), 'forbidden', 'No.', {}],
      [conflict('Taken.', { a: 1 }), 'conflict', 'Taken.', { a: 1 }],
      [conflict('Taken.'), 'conflict', 'Taken.', {}],
      [invalidState('Wrong state.', 'active'), 'invalid_state', 'Wrong state.', { currentState: 'active' }],
      [unprocessable('Refused.', { errors: [] }), 'unprocessable', 'Refused.', { errors: [] }],
      [unprocessable('Refused.'), 'unprocessable', 'Refused.', {}],
      [
        preconditionFailed(7),
        'precondition_failed',
        'If-Match does not match the current version 7; reload and retry.',
        { currentVersion: 7 },
      ],
      [unavailable(), 'unavailable', 'The database is busy; retry shortly.', {}],
    ];
    for (const [error, kind, message, extra] of cases) {
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe('DomainError');
      expect(error.kind).toBe(kind);
      expect(error.message).toBe(message);
      expect(error.extra).toEqual(extra);
    }
  });

  it('tells a refusal that settles the matter from a fault worth retrying', () => {
    for (const settled of [conflict('x'), invalidState('x', 'active'), unprocessable('x'), notFound('x')])
      expect(isSettledRefusal(settled)).toBe(true);
    for (const fault of [
      unavailable(),
      forbidden(),
      validationError([]),
      preconditionFailed(1),
      new Error('x'),
      'x',
    ])
      expect(isSettledRefusal(fault)).toBe(false);
  });

  it('refuses a stale If-Match only when one was given', () => {
    expect(() => checkExpectedVersion(undefined, 3)).not.toThrow();
    expect(() => checkExpectedVersion(3, 3)).not.toThrow();
    expect(() => checkExpectedVersion(2, 3)).toThrow(/current version 3/);
  });
});
