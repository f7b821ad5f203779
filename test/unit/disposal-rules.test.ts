import { describe, expect, it } from 'vitest';
import { checkRelease, disposalOf } from '../../shared/domain/disposal.js';
import { DomainError } from '../../shared/domain/errors.js';
import { startLoan } from '../../shared/domain/loan.js';
import type { Pledge } from '../../shared/domain/pledge.js';
import { withUsccCheck } from '../../shared/domain/uscc.js';

const PLEDGOR = withUsccCheck('91330782MA5D00001');
const BUYER = withUsccCheck('91330782MA5D00002');
const PRINCIPAL = 1_000_000;

/** A pledge defaulted on 2026-03-01 of a bullet loan disbursed that same day (nothing accrued yet). */
const defaulted = (over: Partial<Pledge> = {}): Pledge =>
  ({
    id: 'p1',
    applicant: PLEDGOR,
    status: 'defaulted',
    defaultedOn: '2026-03-01',
    disbursedOn: '2026-03-01',
    loan: startLoan({
      repaymentType: 'bullet',
      annualRateBps: 500,
      penaltyFactorBps: 15_000,
      termMonths: 12,
      amountFen: PRINCIPAL,
      disbursedOn: '2026-03-01',
    }),
    ...over,
  }) as Pledge;

const POOL = { poolBps: 5_400, lenderBps: 2_600, insurerBps: 1_600, appraiserBps: 400 };
const ctx = { today: '2026-03-01', pool: POOL };

/** The refusal's fields and codes; null when the disposal is accepted. */
const refusal = (f: () => unknown): [string, string][] | null => {
  try {
    f();
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).message).toMatch(/^The disposal was refused: /);
    return ((error as DomainError).extra.errors as { path: string; code: string }[]).map((e) => [
      e.path,
      e.code,
    ]);
  }
};

describe('the disposal of a defaulted pledge', () => {
  it('computes the loss against what was owed that day and shares it by the pool, the rest to the lender', () => {
    const recovered = 300_001;
    const d = disposalOf(
      defaulted(),
      { method: 'auction', recoveredFen: recovered, completedOn: '2026-03-01' },
      ctx,
    );
    const loss = PRINCIPAL - recovered;
    const part = (bps: number) => Number((BigInt(loss) * BigInt(bps)) / 10_000n);
    expect(d).toEqual({
      method: 'auction',
      recoveredFen: recovered,
      completedOn: '2026-03-01',
      owedFen: PRINCIPAL,
      lossFen: loss,
      lossSharing: {
        lossFen: loss,
        poolFen: part(5_400),
        insurerFen: part(1_600),
        appraiserFen: part(400),
        lenderFen: loss - part(5_400) - part(1_600) - part(400),
        shares: POOL,
      },
    });
  });

  it('records no loss (and no sharing) when the recovery covers the debt, nor sharing without a pool', () => {
    const covered = disposalOf(
      defaulted(),
      { method: 'agreed_value', recoveredFen: PRINCIPAL + 5, completedOn: '2026-03-01' },
      ctx,
    );
    expect(covered).toMatchObject({ lossFen: 0 });
    expect(covered.lossSharing).toBeUndefined();
    const noPool = disposalOf(
      defaulted(),
      { method: 'agreed_value', recoveredFen: 1, completedOn: '2026-03-01' },
      { ...ctx, pool: undefined },
    );
    expect(noPool.lossFen).toBe(PRINCIPAL - 1);
    expect(noPool.lossSharing).toBeUndefined();
    // Without a loan schedule (v1 pledges), nothing is owed.
    expect(
      disposalOf(
        defaulted({ loan: undefined }),
        { method: 'auction', recoveredFen: 0, completedOn: '2026-03-01' },
        ctx,
      ).owedFen,
    ).toBe(0);
  });

  it('records the buyer of a transfer, upper-cased and trimmed', () => {
    const d = disposalOf(
      defaulted(),
      {
        method: 'transfer',
        recoveredFen: 1,
        completedOn: '2026-03-01',
        transfereeUscc: ` ${BUYER.toLowerCase()} `,
      },
      ctx,
    );
    expect(d.transfereeUscc).toBe(BUYER);
  });

  it('names every reason it is refused', () => {
    const input = { method: 'transfer' as const, recoveredFen: 1, completedOn: '2026-02-28' };
    expect(refusal(() => disposalOf(defaulted(), input, ctx))).toEqual([
      ['completedOn', 'disposal_before_default'],
      ['transfereeUscc', 'transferee_required'],
    ]);
    expect(refusal(() => disposalOf(defaulted(), { ...input, completedOn: '2026-03-02' }, ctx))).toEqual([
      ['completedOn', 'disposal_in_future'],
      ['transfereeUscc', 'transferee_required'],
    ]);
    expect(
      refusal(() =>
        disposalOf(
          defaulted(),
          { method: 'agreed_value', recoveredFen: 1, completedOn: '2026-03-01', transfereeUscc: 'nonsense' },
          ctx,
        ),
      ),
    ).toEqual([
      ['transfereeUscc', 'transferee_not_applicable'],
      ['transfereeUscc', 'invalid_uscc'],
    ]);
    expect(
      refusal(() =>
        disposalOf(
          defaulted(),
          { method: 'transfer', recoveredFen: 1, completedOn: '2026-03-01', transfereeUscc: PLEDGOR },
          ctx,
        ),
      ),
    ).toEqual([['transfereeUscc', 'transferee_is_pledgor']]);
    // The default date falls back to the disbursement for pledges defaulted before it was recorded.
    expect(
      refusal(() =>
        disposalOf(
          defaulted({ defaultedOn: undefined, disbursedOn: '2026-03-01' }),
          { method: 'auction', recoveredFen: 1, completedOn: '2026-02-28' },
          ctx,
        ),
      ),
    ).toEqual([['completedOn', 'disposal_before_default']]);
    expect(
      refusal(() =>
        disposalOf(defaulted(), { method: 'auction', recoveredFen: 1, completedOn: '2026-03-01' }, ctx),
      ),
    ).toBeNull();
  });
});

describe('releasing a defaulted pledge', () => {
  it('needs its disposal or an explicit waiver; other pledges release as before', () => {
    expect(() => checkRelease(defaulted(), undefined)).toThrow(/disposal/);
    expect(() => checkRelease(defaulted(), false)).toThrow(DomainError);
    expect(() => checkRelease(defaulted(), true)).not.toThrow();
    expect(() => checkRelease(defaulted({ status: 'disposed' }), undefined)).not.toThrow();
    expect(() => checkRelease(defaulted({ status: 'repaid' }), undefined)).not.toThrow();
  });
});
