/**
 * Default and disposal (处置) of a pledged right, and the city's risk-compensation pool (风险补偿资金池) that shares
 * the loss. Pure: the lender realises the right (auction, transfer or an agreed value) after a default; the loss is
 * what was owed on the day the disposal completed less what it recovered; the pool's shares in force at that
 * moment split the loss exactly to the fen. API.md v2 "Loan servicing" and "City programmes".
 */
import { compareDates, type IsoDate } from './dates.js';
import { type FieldIssue, invalidState, unprocessable } from './errors.js';
import { owedOn } from './loan.js';
import type { Pledge } from './pledge.js';
import { checkUscc } from './uscc.js';

export const DISPOSAL_METHODS = ['auction', 'transfer', 'agreed_value'] as const;
export type DisposalMethod = (typeof DISPOSAL_METHODS)[number];

export interface DisposalInput {
  method: DisposalMethod;
  recoveredFen: number;
  completedOn: IsoDate;
  transfereeUscc?: string | undefined;
}

/** The risk pool's shares of a loss, in basis points; they sum to 10000. */
export interface RiskPoolShares {
  poolBps: number;
  lenderBps: number;
  insurerBps: number;
  appraiserBps: number;
}

export const RISK_POOL_PARTIES = ['pool', 'lender', 'insurer', 'appraiser'] as const;

export interface LossSharing {
  lossFen: number;
  poolFen: number;
  lenderFen: number;
  insurerFen: number;
  appraiserFen: number;
  /** The shares in force when the disposal completed: a later change of the programme rewrites nothing. */
  shares: RiskPoolShares;
}

export interface Disposal {
  method: DisposalMethod;
  recoveredFen: number;
  completedOn: IsoDate;
  transfereeUscc?: string;
  /** What the loan owed on `completedOn` (as for a repayment that day). */
  owedFen: number;
  /** owed − recovered, never below 0. */
  lossFen: number;
  lossSharing?: LossSharing;
}

/** Every reason the shares are refused: integers 0–10000 that add up to exactly 10000. */
export function riskPoolRefusals(shares: RiskPoolShares): FieldIssue[] {
  const sum = RISK_POOL_PARTIES.reduce((s, p) => s + shares[`${p}Bps`], 0);
  return sum === 10_000
    ? []
    : RISK_POOL_PARTIES.map((p) => ({
        path: `${p}Bps`,
        code: 'shares_must_sum_to_10000',
        message: `the four shares add up to ${sum} bps, not 10000`,
      }));
}

/** Each party's floor(loss × share / 10000); what the floors leave over goes to the lender. */
export function shareLoss(lossFen: number, shares: RiskPoolShares): LossSharing {
  const part = (bps: number) => Number((BigInt(lossFen) * BigInt(bps)) / 10_000n);
  const poolFen = part(shares.poolBps);
  const insurerFen = part(shares.insurerBps);
  const appraiserFen = part(shares.appraiserBps);
  return {
    lossFen,
    poolFen,
    lenderFen: lossFen - poolFen - insurerFen - appraiserFen,
    insurerFen,
    appraiserFen,
    shares: {
      poolBps: shares.poolBps,
      lenderBps: shares.lenderBps,
      insurerBps: shares.insurerBps,
      appraiserBps: shares.appraiserBps,
    },
  };
}

/**
 * The disposal of a defaulted pledge's rights, or every reason it is refused (422, nothing written): completed
 * neither before the default nor after today; a transfer names its transferee (a valid USCC), an agreed value has
 * none. The loss is computed from the loan book as it stood at the default.
 */
export function disposalOf(
  pledge: Pledge,
  input: DisposalInput,
  ctx: { today: IsoDate; pool: RiskPoolShares | undefined },
): Disposal {
  const issues: FieldIssue[] = [];
  const defaultedOn = pledge.defaultedOn ?? pledge.disbursedOn;
  if (defaultedOn && compareDates(input.completedOn, defaultedOn) < 0)
    issues.push({
      path: 'completedOn',
      code: 'disposal_before_default',
      message: `is before the default on ${defaultedOn}`,
    });
  if (compareDates(input.completedOn, ctx.today) > 0)
    issues.push({ path: 'completedOn', code: 'disposal_in_future', message: `is after today ${ctx.today}` });
  const transferee = input.transfereeUscc?.trim().toUpperCase();
  if (input.method === 'transfer' && !transferee)
    issues.push({
      path: 'transfereeUscc',
      code: 'transferee_required',
      message: 'a transfer names the enterprise the rights go to',
    });
  if (input.method === 'agreed_value' && transferee)
    issues.push({
      path: 'transfereeUscc',
      code: 'transferee_not_applicable',
      message:
        'an agreed value keeps the rights with the pledgor; a buyer is recorded by transfer or auction',
    });
  if (transferee && !checkUscc(transferee).ok)
    issues.push({ path: 'transfereeUscc', code: 'invalid_uscc', message: 'is not a valid USCC' });
  if (transferee === pledge.applicant)
    issues.push({
      path: 'transfereeUscc',
      code: 'transferee_is_pledgor',
      message: 'the rights cannot be transferred to the defaulting pledgor',
    });
  if (issues.length > 0)
    throw unprocessable(
      `The disposal was refused: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}.`,
      {
        errors: issues,
      },
    );
  const owedFen = pledge.loan ? owedOn(pledge.loan, input.completedOn).totalFen : 0;
  const lossFen = Math.max(owedFen - input.recoveredFen, 0);
  return {
    method: input.method,
    recoveredFen: input.recoveredFen,
    completedOn: input.completedOn,
    ...(transferee ? { transfereeUscc: transferee } : {}),
    owedFen,
    lossFen,
    ...(lossFen > 0 && ctx.pool ? { lossSharing: shareLoss(lossFen, ctx.pool) } : {}),
  };
}

/**
 * A defaulted pledge is released only once its rights were disposed of, or when the lender's claim on them is
 * explicitly waived: otherwise the right would go back to the defaulting owner. 409 with the current state.
 */
export function checkRelease(pledge: Pledge, waived: boolean | undefined): void {
  if (pledge.status === 'defaulted' && waived !== true)
    throw invalidState(
      'A defaulted pledge is released only after its disposal (POST /pledges/{id}/disposals) or with ' +
        '`{ "waived": true }`.',
      pledge.status,
    );
}
