import { beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/domain/actor.js';
import { fixedClock } from '../../shared/domain/clock.js';
import { DEFAULT_MAX_LTV_BPS } from '../../shared/domain/lending-policy.js';
import { enterpriseKey, institutionKey } from '../../shared/store/keys.js';
import { type UseCaseContext, useCaseContext } from '../../shared/usecases/context.js';
import { getEnterprise, saveEnterprise } from '../../shared/usecases/enterprises.js';
import {
  getInstitution,
  listInstitutions,
  saveInstitution,
  setLendingPolicy,
  setRates,
} from '../../shared/usecases/institutions.js';
import { interleavingClient } from '../support/interleave.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';
import { refusal } from '../support/refusal.js';
import { storedItem } from '../support/stored-items.js';

/**
 * Institutions and enterprises through their use cases, called directly: what is stored and answered (a lender's
 * caps in force, defaults included), every refusal whole, who may set whose terms, and a concurrent writer.
 */
const OFFICE: Actor = { role: 'ipoffice', org: null };
const T0 = new Date('2026-12-01T02:00:00.000Z');
const TERMS = {
  maxLtvBps: { invention: 4000, utility_model: 2000, design: 1000, trademark: 3000 },
  penaltyFactorBps: 13_000,
};
const RATES = [{ line: 'enforcement_cost' as const, rateBps: 120 }];

describe('institution and enterprise use cases', () => {
  let portal: TestPortal;
  let uc: UseCaseContext;
  let n = 0;
  const nextId = (prefix: string) => `${prefix}-${++n}`;
  const refused = async (p: Promise<unknown>) => {
    const e = await refusal(p);
    return { kind: e.kind, message: e.message, ...(e.extra.errors ? { errors: e.extra.errors } : {}) };
  };
  const stored = async (id: string) => storedItem(portal, institutionKey(id).pk, institutionKey(id).sk);
  /** A context whose next write is preceded by another writer's change of the same item. */
  const raced = (change: () => Promise<unknown>) => {
    const interleaving = interleavingClient();
    interleaving.beforeNext(change);
    return useCaseContext({ ...portal.deps, db: interleaving.db });
  };

  beforeAll(async () => {
    portal = await createTestPortal({ clock: fixedClock(T0) });
    uc = useCaseContext(portal.deps);
  });

  describe('institutions', () => {
    it('creates a lender whose answer shows the default caps; renaming keeps its terms, its creation and counts on', async () => {
      const id = nextId('bank');
      const created = await saveInstitution(uc, { id, kind: 'lender', name: '金华银行' });
      expect(created).toEqual({
        created: true,
        institution: {
          id,
          kind: 'lender',
          name: '金华银行',
          lendingPolicy: { maxLtvBps: { ...DEFAULT_MAX_LTV_BPS } },
          version: 1,
          createdAt: T0.toISOString(),
          updatedAt: T0.toISOString(),
        },
      });
      expect(await stored(id)).not.toHaveProperty('lendingPolicy');
      await setLendingPolicy(uc, { role: 'lender', org: id }, { id, policy: TERMS });
      const renamed = await saveInstitution(uc, {
        id,
        kind: 'lender',
        name: '金华银行股份',
        expectedVersion: 2,
      });
      expect(renamed).toEqual({
        created: false,
        institution: {
          id,
          kind: 'lender',
          name: '金华银行股份',
          lendingPolicy: TERMS,
          version: 3,
          createdAt: T0.toISOString(),
          updatedAt: T0.toISOString(),
        },
      });
      expect(await getInstitution(uc, id)).toEqual(renamed.institution);
    });

    it('an insurer is answered as stored, and renaming keeps its rates', async () => {
      const id = nextId('insurer');
      const created = await saveInstitution(uc, { id, kind: 'insurer', name: '人保' });
      expect(created.institution).toEqual({
        id,
        kind: 'insurer',
        name: '人保',
        version: 1,
        createdAt: T0.toISOString(),
        updatedAt: T0.toISOString(),
      });
      const rated = await setRates(
        uc,
        { role: 'insurer', org: id },
        { id, rates: RATES, expectedVersion: 1 },
      );
      expect([rated.rates, rated.version]).toEqual([RATES, 2]);
      const renamed = await saveInstitution(uc, { id, kind: 'insurer', name: '人保财险' });
      expect([renamed.institution.rates, renamed.institution.version]).toEqual([RATES, 3]);
      expect((await listInstitutions(uc, 'insurer', { limit: 100 })).items).toContainEqual(
        renamed.institution,
      );
      expect((await listInstitutions(uc, 'lender', { limit: 100 })).items.map((i) => i.id)).not.toContain(id);
    });

    it("an institution's kind never changes, and a stale version is refused", async () => {
      const id = nextId('bank');
      await saveInstitution(uc, { id, kind: 'lender', name: 'x' });
      expect(await refused(saveInstitution(uc, { id, kind: 'insurer', name: 'x' }))).toEqual({
        kind: 'conflict',
        message: `Institution ${id} is a lender; its kind cannot change.`,
      });
      expect(
        (await refused(saveInstitution(uc, { id, kind: 'lender', name: 'y', expectedVersion: 7 }))).kind,
      ).toBe('precondition_failed');
      expect((await stored(id))?.name).toBe('x');
    });

    it('an unknown institution is not found, whoever asks', async () => {
      const missing = { kind: 'not_found', message: 'Institution nowhere was not found.' };
      expect(await refused(getInstitution(uc, 'nowhere'))).toEqual(missing);
      expect(await refused(setLendingPolicy(uc, OFFICE, { id: 'nowhere', policy: TERMS }))).toEqual(missing);
      expect(await refused(setRates(uc, OFFICE, { id: 'nowhere', rates: RATES }))).toEqual(missing);
    });

    it("a lender sets only its own terms, an insurer only its own rates: another's do not exist for them", async () => {
      const bank = nextId('bank');
      const insurer = nextId('insurer');
      await saveInstitution(uc, { id: bank, kind: 'lender', name: 'b' });
      await saveInstitution(uc, { id: insurer, kind: 'insurer', name: 'i' });
      expect(
        await refused(setLendingPolicy(uc, { role: 'lender', org: 'rival' }, { id: bank, policy: TERMS })),
      ).toEqual({ kind: 'not_found', message: `Institution ${bank} was not found.` });
      expect(
        await refused(setRates(uc, { role: 'insurer', org: 'rival' }, { id: insurer, rates: RATES })),
      ).toEqual({
        kind: 'not_found',
        message: `Institution ${insurer} was not found.`,
      });
      // The office sets anyone's.
      expect((await setLendingPolicy(uc, OFFICE, { id: bank, policy: TERMS })).version).toBe(2);
      expect((await setRates(uc, OFFICE, { id: insurer, rates: RATES })).version).toBe(2);
    });

    it('terms only for a lender, rates only for an insurer; bad ones are refused with their issues', async () => {
      const bank = nextId('bank');
      const insurer = nextId('insurer');
      await saveInstitution(uc, { id: bank, kind: 'lender', name: 'b' });
      await saveInstitution(uc, { id: insurer, kind: 'insurer', name: 'i' });
      expect(await refused(setLendingPolicy(uc, OFFICE, { id: insurer, policy: TERMS }))).toEqual({
        kind: 'unprocessable',
        message: `Institution ${insurer} is an insurer; only lenders have a lending policy.`,
        errors: [
          {
            path: 'param.id',
            code: 'not_a_lender',
            message: 'is an insurer; only lenders have a lending policy',
          },
        ],
      });
      expect(await refused(setRates(uc, OFFICE, { id: bank, rates: RATES }))).toEqual({
        kind: 'unprocessable',
        message: `Institution ${bank} is a lender; only insurers have premium rates.`,
        errors: [
          {
            path: 'param.id',
            code: 'not_an_insurer',
            message: 'is a lender; only insurers have premium rates',
          },
        ],
      });
      const badTerms = await refused(
        setLendingPolicy(uc, OFFICE, {
          id: bank,
          policy: {
            ...TERMS,
            classificationDays: { specialMention: 90, substandard: 60, doubtful: 120, loss: 240 },
          },
        }),
      );
      expect([badTerms.kind, badTerms.message]).toEqual(['unprocessable', 'The lending policy was refused.']);
      expect(badTerms.errors).toEqual([
        expect.objectContaining({ code: 'classification_days_not_increasing' }),
      ]);
      const badRates = await refused(setRates(uc, OFFICE, { id: insurer, rates: [...RATES, ...RATES] }));
      expect(badRates).toEqual({
        kind: 'unprocessable',
        message: 'The rate table was refused.',
        errors: [
          { path: 'rates.1.line', code: 'duplicate_line', message: 'enforcement_cost is rated twice' },
        ],
      });
      expect([(await stored(bank))?.version, (await stored(insurer))?.version]).toEqual([1, 1]);
    });

    it('a concurrent change of the institution is a 409 for each kind of write', async () => {
      const bank = nextId('bank');
      const insurer = nextId('insurer');
      await saveInstitution(uc, { id: bank, kind: 'lender', name: 'b' });
      await saveInstitution(uc, { id: insurer, kind: 'insurer', name: 'i' });
      const conflict = {
        kind: 'conflict',
        message: 'The institution was changed concurrently; reload and retry.',
      };
      const bump = (id: string, kind: 'lender' | 'insurer') => () =>
        saveInstitution(uc, { id, kind, name: 'someone else' });
      expect(
        await refused(
          saveInstitution(raced(bump(bank, 'lender')), { id: bank, kind: 'lender', name: 'mine' }),
        ),
      ).toEqual(conflict);
      expect(
        await refused(setLendingPolicy(raced(bump(bank, 'lender')), OFFICE, { id: bank, policy: TERMS })),
      ).toEqual(conflict);
      expect(
        await refused(setRates(raced(bump(insurer, 'insurer')), OFFICE, { id: insurer, rates: RATES })),
      ).toEqual(conflict);
      const first = nextId('bank');
      expect(
        await refused(
          saveInstitution(raced(bump(first, 'lender')), { id: first, kind: 'lender', name: 'mine' }),
        ),
      ).toEqual(conflict);
    });
  });

  describe('enterprises', () => {
    const uscc = '91330782MA2G00001X';
    it('registers, then updates keeping its creation; the industry only when given', async () => {
      const clean = await saveEnterprise(uc, OFFICE, {
        uscc,
        divisionCode: '330782',
        input: { name: '义乌' },
      });
      expect(clean).toEqual({
        created: true,
        enterprise: {
          uscc,
          name: '义乌',
          divisionCode: '330782',
          version: 1,
          createdAt: T0.toISOString(),
          updatedAt: T0.toISOString(),
        },
      });
      const updated = await saveEnterprise(
        uc,
        { role: 'enterprise', org: uscc },
        {
          uscc,
          divisionCode: '330782',
          input: { name: '义乌工贸', industry: 'C21' },
          expectedVersion: 1,
        },
      );
      expect(updated.enterprise).toEqual({
        ...clean.enterprise,
        name: '义乌工贸',
        industry: 'C21',
        version: 2,
      });
      expect(updated.created).toBe(false);
      const { designations, ...read } = await getEnterprise(uc, { role: 'enterprise', org: uscc }, uscc);
      expect([read, designations]).toEqual([updated.enterprise, []]);
    });

    it("another company's USCC may not be registered or read by a company", async () => {
      const other = { role: 'enterprise' as const, org: '91330782MA2G00002X' };
      expect(
        await refused(saveEnterprise(uc, other, { uscc, divisionCode: '330782', input: { name: 'x' } })),
      ).toEqual({
        kind: 'forbidden',
        message: 'An enterprise may only register or update its own USCC.',
      });
      expect(await refused(getEnterprise(uc, other, uscc))).toEqual({
        kind: 'not_found',
        message: `Enterprise ${uscc} was not found.`,
      });
      expect(await refused(getEnterprise(uc, OFFICE, '91330782MA2G00009X'))).toEqual({
        kind: 'not_found',
        message: 'Enterprise 91330782MA2G00009X was not found.',
      });
    });

    it('a concurrent registration of the same USCC is a 409', async () => {
      const late = '91330782MA2G00003X';
      const ctx = raced(() =>
        saveEnterprise(uc, OFFICE, { uscc: late, divisionCode: '330782', input: { name: 'first' } }),
      );
      expect(
        await refused(
          saveEnterprise(ctx, OFFICE, { uscc: late, divisionCode: '330782', input: { name: 'second' } }),
        ),
      ).toEqual({ kind: 'conflict', message: 'The enterprise was changed concurrently; reload and retry.' });
      expect((await storedItem(portal, enterpriseKey(late).pk, enterpriseKey(late).sk))?.name).toBe('first');
    });
  });
});
