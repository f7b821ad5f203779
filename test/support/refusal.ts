import { expect } from 'vitest';
import { DomainError } from '../../shared/domain/errors.js';

/** The DomainError a use case refuses with; fails the test if it succeeds or throws anything else. */
export async function refusal(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return e as DomainError;
  }
  throw new Error('expected a refusal');
}
