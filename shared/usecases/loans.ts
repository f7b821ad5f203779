/**
 * Loan servicing after disbursement: tranches, repayments, the schedule as of the business date and the daily
 * servicing run. Every change goes through the one engine (`engine.operate`, guarded by the pledge's version), so
 * two repayments at once are allocated one after the other and never over-allocate; a repayment that pays
 * everything completes the `repay` transition in the same write.
 */
import { type Actor, SYSTEM_ACTOR } from '../domain/actor.js';
import { compareDates, daysBetween, type IsoDate, yearOf } from '../domain/dates.js';
import { invalidState, notFound, unprocessable } from '../domain/errors.js';
import type { Institution } from '../domain/institution.js';
import type { InterestPaidFact } from '../domain/interest-subsidy.js';
import { classificationDaysOf } from '../domain/lending-policy.js';
import {
  type Allocation,
  addTranche,
  applyRepayment,
  type ClassificationDays,
  isSettled,
  type Loan,
  type LoanPosition,
  owedOn,
  positionOn,
} from '../domain/loan.js';
import { checkDisbursementDate, type Pledge, trancheAmount } from '../domain/pledge.js';
import type { PledgeStatus } from '../domain/pledge-state-machine.js';
import { type LoanBookEntry, type LoanRecord, loanBookEntry } from '../domain/statistics.js';
import type { IdempotencyRequest } from '../store/idempotency-store.js';
import { institutionKey, interestFactKey, pledgeKey, REPAYMENT_PREFIX, repaymentKey } from '../store/keys.js';
import { PledgeRepository } from '../store/pledge-repository.js';
import { eachPage, type Page, type PageRequest } from '../store/query-page.js';
import { toResource } from '../store/records.js';
import { ABSENT, type Store, type TxItem } from '../store/toolkit.js';
import type { UseCaseContext } from './context.js';
import type { Operation } from './engine.js';
import { mayReadLoan, PLEDGE_SPEC } from './pledges.js';

const TRANCHE: Operation<PledgeStatus> = {
  name: 'disburse_tranche',
  verb: 'disburse a further tranche',
  roles: ['lender'],
  from: ['active'],
  eventType: 'pledge.tranche_disbursed',
};

const REPAYMENT: Operation<PledgeStatus> = {
  name: 'record_repayment',
  verb: 'take a repayment',
  roles: ['lender'],
  from: ['active'],
  eventType: 'pledge.repayment_recorded',
};

const SERVICING: Operation<PledgeStatus> = {
  name: 'service',
  verb: 'be serviced',
  roles: ['system'],
  from: ['active'],
  eventType: 'pledge.serviced',
};

export interface Repayment {
  id: string;
  pledgeId: string;
  amountFen: number;
  paidOn: IsoDate;
  allocation: Allocation;
  recordedAt: string;
  recordedBy: { role: string; org: string | null };
  /** The pledge's status after this repayment (`repaid` when it paid everything). */
  pledgeStatus: PledgeStatus;
  outstandingPrincipalFen: number;
}

/** A further tranche on an active loan: spread over the instalments still to fall due. */
export async function disburseTranche(
  uc: UseCaseContext,
  actor: Actor,
  req: {
    id: string;
    disbursedOn?: IsoDate | undefined;
    amountFen?: number | undefined;
    expectedVersion?: number | undefined;
  },
  idempotency: IdempotencyRequest | undefined,
  /** What a fully disbursed (or pre-schedule) loan answers: the life cycle's own 409. */
  noTranche: Error,
): Promise<Pledge> {
  const { id, expectedVersion } = req;
  const outcome = await uc.engine.operate(
    PLEDGE_SPEC,
    TRANCHE,
    { actor, id, expectedVersion, idempotency },
    (pledge) => {
      const loan = pledge.loan;
      if (!loan || (pledge.disbursedAmountFen ?? 0) >= (pledge.approvedAmountFen ?? 0)) throw noTranche;
      const today = uc.clock.today();
      const disbursedOn = req.disbursedOn ?? today;
      checkDisbursementDate(pledge, disbursedOn, today);
      if (compareDates(disbursedOn, pledge.maturesOn) >= 0)
        throw unprocessable(`A tranche on or after maturity ${pledge.maturesOn} cannot be scheduled.`, {
          errors: [
            { path: 'disbursedOn', code: 'after_maturity', message: `must be before ${pledge.maturesOn}` },
          ],
        });
      const amountFen = trancheAmount(pledge, req.amountFen);
      return {
        changes: {
          loan: addTranche(loan, amountFen, disbursedOn),
          disbursedAmountFen: (pledge.disbursedAmountFen ?? 0) + amountFen,
        },
        data: { disbursedOn, amountFen },
      };
    },
  );
  return outcome.after;
}

/**
 * Records a repayment the lender received. `paidOn` lies between the first disbursement (and the previous
 * repayment) and today; more than everything owed that day → 422 `overpayment`; nothing is written on refusal.
 */
export async function recordRepayment(
  uc: UseCaseContext,
  actor: Actor,
  req: { id: string; amountFen: number; paidOn?: IsoDate | undefined; expectedVersion?: number },
  idempotency?: IdempotencyRequest,
): Promise<Repayment> {
  const outcome = await uc.engine.operate(
    PLEDGE_SPEC,
    REPAYMENT,
    { actor, id: req.id, expectedVersion: req.expectedVersion, idempotency },
    (pledge, { now }) => {
      const paidOn = req.paidOn ?? uc.clock.today();
      checkRepaymentDate(pledge, paidOn, uc.clock.today());
      return repaymentPlan(uc.store, pledge, actor, req.amountFen, paidOn, now);
    },
  );
  return outcome.result as Repayment;
}

/** v1 `repay`: pays everything owed today, recorded as a repayment like any other. */
export function payOffPlan(store: Store, pledge: Pledge, actor: Actor, today: IsoDate, now: Date) {
  if (!pledge.loan) return { changes: {}, data: {} };
  const paidOn =
    pledge.loan.lastRepaidOn && compareDates(pledge.loan.lastRepaidOn, today) > 0
      ? pledge.loan.lastRepaidOn
      : today;
  const plan = repaymentPlan(store, pledge, actor, owedOn(pledge.loan, paidOn).totalFen, paidOn, now);
  return { changes: plan.changes, data: plan.data, writes: plan.writes };
}

function repaymentPlan(
  store: Store,
  pledge: Pledge,
  actor: Actor,
  amountFen: number,
  paidOn: IsoDate,
  now: Date,
) {
  const { loan, allocation } = applyRepayment(loanOf(pledge), amountFen, paidOn);
  const settled = isSettled(loan);
  const version = pledge.version + 1;
  const repayment: Repayment = {
    id: `${pledge.id}-${version}`,
    pledgeId: pledge.id,
    amountFen,
    paidOn,
    allocation,
    recordedAt: now.toISOString(),
    recordedBy: { role: actor.role, org: actor.org },
    pledgeStatus: settled ? 'repaid' : pledge.status,
    outstandingPrincipalFen: outstandingPrincipal(loan),
  };
  const write: TxItem = {
    tag: 'repayment',
    write: store.put(
      { ...repaymentKey(pledge.id, version), entity: 'repayment', ...repayment, lenderId: pledge.lenderId },
      ABSENT,
    ),
  };
  // The interest it paid, filed under the year it was paid: the city's interest subsidy reads only these.
  const fact: InterestPaidFact = {
    pledgeId: pledge.id,
    uscc: pledge.applicant,
    approvedAmountFen: pledge.approvedAmountFen ?? 0,
    interestFen: allocation.interestFen,
    paidOn,
  };
  const interestFact: TxItem[] =
    allocation.interestFen > 0
      ? [
          {
            tag: 'repayment',
            write: store.put(
              { ...interestFactKey(yearOf(paidOn), pledge.id, version), entity: 'interest-fact', ...fact },
              ABSENT,
            ),
          },
        ]
      : [];
  return {
    changes: { loan } as Partial<Pledge>,
    data: { amountFen, paidOn, allocation },
    writes: [write, ...interestFact],
    result: repayment,
    ...(settled ? { completes: 'repay' as const } : {}),
  };
}

function checkRepaymentDate(pledge: Pledge, paidOn: IsoDate, today: IsoDate): void {
  const loan = loanOf(pledge);
  const refuse = (code: string, message: string) =>
    unprocessable(`paidOn ${paidOn} ${message}.`, { errors: [{ path: 'paidOn', code, message }] });
  const first = loan.tranches[0]!.disbursedOn;
  if (compareDates(paidOn, first) < 0)
    throw refuse('repayment_before_disbursement', `is before the first disbursement on ${first}`);
  if (compareDates(paidOn, today) > 0) throw refuse('repayment_in_future', `is after today ${today}`);
  if (loan.lastRepaidOn && compareDates(paidOn, loan.lastRepaidOn) < 0)
    throw refuse('repayment_out_of_order', `is before the last recorded repayment on ${loan.lastRepaidOn}`);
  const lastTranche = loan.tranches.at(-1)!.disbursedOn;
  if (compareDates(paidOn, lastTranche) < 0)
    throw refuse('repayment_before_disbursement', `is before the tranche disbursed on ${lastTranche}`);
}

const loanOf = (pledge: Pledge): Loan => {
  if (!pledge.loan)
    throw invalidState(
      'This loan was disbursed before schedules existed; it has no schedule.',
      pledge.status,
    );
  return pledge.loan;
};

const outstandingPrincipal = (loan: Loan): number =>
  loan.instalments.reduce((s, i) => s + i.principalFen - i.paidPrincipalFen, 0);

/** The pledge's repayments, oldest first: one Query on its partition. */
export async function listRepayments(uc: UseCaseContext, actor: Actor, id: string): Promise<Repayment[]> {
  const pledge = await uc.engine.load<Pledge>('pledge', id);
  if (!pledge || !(await mayReadLoan(uc, actor, pledge))) throw notFound(`Pledge ${id}`);
  const items = await uc.store.queryPartition(pledgeKey(id).pk, REPAYMENT_PREFIX);
  return items.map((i) => {
    const { lenderId: _, ...repayment } = toResource<Repayment & { lenderId: string }>(i);
    return repayment;
  });
}

/** The schedule and the loan's position as of the business date, classified by the lender's thresholds. */
export async function getSchedule(uc: UseCaseContext, actor: Actor, id: string): Promise<LoanPosition> {
  const items = await uc.store.batchGet([pledgeKey(id)]);
  const item = items.get(pledgeKey(id));
  const pledge = item ? toResource<Pledge>(item) : undefined;
  if (!pledge || !(await mayReadLoan(uc, actor, pledge))) throw notFound(`Pledge ${id}`);
  if (!pledge.loan)
    throw invalidState(`A pledge that is ${pledge.status} has no repayment schedule yet.`, pledge.status);
  const lender = await uc.store.get(institutionKey(pledge.lenderId), { consistent: false });
  const policy = lender ? toResource<Institution>(lender).lendingPolicy : undefined;
  return positionOn(pledge.loan, uc.clock.today(), classificationDaysOf(policy));
}

/** What the servicing run keeps on the pledge; a run that would store the same is a no-op. */
export interface Servicing {
  overdueDays: number;
  penaltyInterestFen: number;
  classification: LoanPosition['classification'];
  outstandingPrincipalFen: number;
  /** The next instalment due and whether its reminder (7 days before) went out. */
  nextDueOn: IsoDate | null;
  remindedDueOn: IsoDate | null;
}

export const REMINDER_DAYS = 7;

export interface ServicingResult {
  /** Active loans the index returned. */
  examined: number;
  /** Loans whose servicing state changed in this run. */
  updated: number;
}

/**
 * The daily servicing run as of the business date: for every active loan, its arrears, penalty interest and
 * five-tier classification (the lender's thresholds or the regulator's), and a reminder once an instalment is 7
 * days away. The event (`pledge.serviced`) carries `overdue` and `instalmentDue` for the notification consumer.
 * Reads: one Query per 100 active loans (the `active#` range of the office index) plus the lenders' policies —
 * flat in the table's size. Idempotent for its business date: a second run computes the same state and writes
 * nothing.
 */
export async function serviceLoans(uc: UseCaseContext, pageSize = 100): Promise<ServicingResult> {
  const today = uc.clock.today();
  const repo = new PledgeRepository(uc.store);
  const thresholds = lenderThresholds(uc);
  let examined = 0;
  let updated = 0;
  await eachPage(
    (page) => repo.inState('active', page),
    pageSize,
    async (loans) => {
      const policies = await thresholds(loans);
      for (const candidate of loans) {
        if (!candidate.loan) continue;
        examined++;
        const days = policies.get(candidate.lenderId)!;
        if (sameServicing(candidate, servicingOf(candidate.loan, today, days, candidate))) continue;
        try {
          await uc.engine.operate(
            PLEDGE_SPEC,
            SERVICING,
            { actor: SYSTEM_ACTOR, id: candidate.id },
            (pledge) => {
              const next = servicingOf(loanOf(pledge), today, days, pledge);
              if (sameServicing(pledge, next)) throw new Unchanged();
              return { changes: { servicing: next }, data: servicingEvent(pledge, next, today) };
            },
          );
          updated++;
        } catch (error) {
          // Repaid or defaulted meanwhile (409), or another run got there first: nothing left to do.
          if (error instanceof Unchanged || (error as { kind?: string }).kind === 'invalid_state') continue;
          throw error;
        }
      }
    },
  );
  return { examined, updated };
}

/**
 * The loan book as of the business date: every active loan and every defaulted one not yet disposed, each with
 * its outstanding, overdue and non-performing principal under its lender's thresholds. Reads: one Query per 100
 * such loans plus one BatchGet of their lenders — the loan book's size, never the table's.
 */
export async function loanBookOn(uc: UseCaseContext, pageSize = 100): Promise<LoanBookEntry[]> {
  const today = uc.clock.today();
  const repo = new PledgeRepository(uc.store);
  const thresholds = lenderThresholds(uc);
  const entries: LoanBookEntry[] = [];
  for (const status of ['active', 'defaulted'] as const)
    await eachPage(
      (page) => repo.inState(status, page),
      pageSize,
      async (loans) => {
        const policies = await thresholds(loans);
        for (const pledge of loans) {
          const entry = loanBookEntry(pledge, today, policies.get(pledge.lenderId)!);
          if (entry) entries.push(entry);
        }
      },
    );
  return entries;
}

/**
 * One page of the loan book in one state as records (the drill-down behind the loan-book figures): one Query of
 * the office index's state range and one BatchGet of the lenders not yet read.
 */
export async function loanBookPage(
  uc: UseCaseContext,
  status: 'active' | 'defaulted',
  page: PageRequest,
): Promise<Page<LoanRecord>> {
  const today = uc.clock.today();
  const loans = await new PledgeRepository(uc.store).inState(status, page);
  const policies = await lenderThresholds(uc)(loans.items);
  return {
    nextCursor: loans.nextCursor,
    items: loans.items.flatMap((pledge) => {
      const entry = loanBookEntry(pledge, today, policies.get(pledge.lenderId)!);
      if (!entry) return [];
      const outstandingAmountFen = status === 'active' ? (pledge.approvedAmountFen ?? 0) : 0;
      return [{ ...entry, status, outstandingAmountFen }];
    }),
  };
}

/** The lenders' classification thresholds, each lender read once per run (one BatchGet for those not yet seen). */
function lenderThresholds(uc: UseCaseContext) {
  const known = new Map<string, ClassificationDays>();
  return async (pledges: readonly Pledge[]): Promise<ReadonlyMap<string, ClassificationDays>> => {
    const missing = [...new Set(pledges.map((p) => p.lenderId))].filter((l) => !known.has(l));
    if (missing.length > 0) {
      const lenders = await uc.store.batchGet(missing.map(institutionKey), { consistent: false });
      for (const id of missing) {
        const item = lenders.get(institutionKey(id));
        known.set(id, classificationDaysOf(item ? toResource<Institution>(item).lendingPolicy : undefined));
      }
    }
    return known;
  };
}

class Unchanged extends Error {}

function servicingOf(loan: Loan, today: IsoDate, days: ClassificationDays, pledge: Pledge): Servicing {
  const position = positionOn(loan, today, days);
  const next = position.instalments.find((i) => i.status !== 'paid' && compareDates(i.dueOn, today) >= 0);
  const nextDueOn = next?.dueOn ?? null;
  const previous = pledge.servicing;
  const remind = nextDueOn !== null && daysBetween(today, nextDueOn) <= REMINDER_DAYS;
  return {
    overdueDays: position.overdueDays,
    penaltyInterestFen: position.penaltyInterestFen,
    classification: position.classification,
    outstandingPrincipalFen: position.outstandingPrincipalFen,
    nextDueOn,
    remindedDueOn: remind ? nextDueOn : (previous?.remindedDueOn ?? null),
  };
}

const SERVICING_FIELDS = [
  'overdueDays',
  'penaltyInterestFen',
  'classification',
  'outstandingPrincipalFen',
  'nextDueOn',
  'remindedDueOn',
] as const satisfies readonly (keyof Servicing)[];

/** Field by field: a stored map comes back from DynamoDB in any key order. */
const sameServicing = (pledge: Pledge, next: Servicing): boolean =>
  pledge.servicing !== undefined && SERVICING_FIELDS.every((f) => pledge.servicing![f] === next[f]);

function servicingEvent(pledge: Pledge, next: Servicing, today: IsoDate): Record<string, unknown> {
  const previous = pledge.servicing;
  return {
    asOf: today,
    ...next,
    // The notification consumer turns these into `loan.overdue` and `loan.instalment_due`.
    overdue: next.overdueDays > 0 && (previous?.overdueDays ?? 0) === 0,
    instalmentDue: next.remindedDueOn !== null && next.remindedDueOn !== (previous?.remindedDueOn ?? null),
  };
}
