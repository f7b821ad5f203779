import type { Actor } from './actor.js';
import { validationError } from './errors.js';
import { checkUscc } from './uscc.js';

/** An enterprise registered in the portal, keyed by its unified social credit code (USCC). */
export interface Enterprise {
  uscc: string;
  name: string;
  industry?: string;
  /** Characters 3–8 of the USCC: the administrative division of the registering authority. */
  divisionCode: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/**
 * Validates a USCC taken from a request path, normalised to upper case. `path` names the field in the 400,
 * e.g. `param.uscc`.
 */
export function parseUscc(raw: string, path: string): { uscc: string; divisionCode: string } {
  const check = checkUscc(raw);
  if (!check.ok) throw validationError([{ path, message: check.reason }], `The USCC ${path} is not valid.`);
  return { uscc: check.uscc, divisionCode: check.divisionCode };
}

/** True when the caller is the enterprise with this USCC (the tenant comes from the token only). */
export const isEnterprise = (actor: Pick<Actor, 'role' | 'org'>, uscc: string): boolean =>
  actor.role === 'enterprise' && actor.org?.toUpperCase() === uscc;
