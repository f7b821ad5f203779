/**
 * The designation programme's own rules (DOMAIN.md part two): who is eligible, the public notice (公示) with its
 * objections, and the year's quota. Pure: no AWS, no HTTP.
 */
import { addDays, type IsoDate } from './dates.js';
import type {
  Designation,
  DesignationEvent,
  DesignationLevel,
  Eligibility,
  Objection,
} from './designation.js';

/** What the portal knows of an enterprise's IP, as the score reads it. */
export interface PortfolioFacts {
  patentsInForce: { invention: number; utility_model: number; design: number };
  trademarksInForce: number;
  pledgeFinancingRegisteredFen: number;
  sumInsuredFen: number;
}

/**
 * The least score each level asks for. National titles ask more than provincial ones, demonstration more than
 * advantage; the office may still reject a candidate above it.
 */
export const MINIMUM_SCORE: Record<DesignationLevel, number> = {
  national_demonstration: 70,
  national_advantage: 50,
  provincial_demonstration: 50,
  provincial_advantage: 30,
};

/**
 * Eligibility out of 100 from the portfolio: invention patents in force (8 each, at most 40), the invention
 * share of patents in force (up to 20), other patents (1 each, at most 10), trademarks in force (2 each, at most 10),
 * IP pledge financing and IP insurance (10 each when the enterprise has used them). Whole points, rounded down.
 */
export function eligibilityOf(level: DesignationLevel, p: PortfolioFacts): Eligibility {
  const { invention, utility_model, design } = p.patentsInForce;
  const patents = invention + utility_model + design;
  const parts = {
    inventionPatents: Math.min(40, 8 * invention),
    inventionShare: patents === 0 ? 0 : Math.floor((20 * invention) / patents),
    otherPatents: Math.min(10, utility_model + design),
    trademarks: Math.min(10, 2 * p.trademarksInForce),
    financing: p.pledgeFinancingRegisteredFen > 0 ? 10 : 0,
    insurance: p.sumInsuredFen > 0 ? 10 : 0,
  };
  const score = Object.values(parts).reduce((a, b) => a + b, 0);
  return { score, minimum: MINIMUM_SCORE[level], parts };
}

/** Calendar days of the public notice: its first day is the day it is published. */
export const NOTICE_DAYS = 7;

/** The notice published on `today`: it runs through its seventh day. */
export const noticePeriod = (today: IsoDate): { noticeStartsOn: IsoDate; noticeEndsOn: IsoDate } => ({
  noticeStartsOn: today,
  noticeEndsOn: addDays(today, NOTICE_DAYS - 1),
});

export interface ConfirmRefusal {
  code: 'notice_running' | 'objection_open';
  message: string;
  params?: Record<string, number | string>;
}

/** A title takes effect after its notice has ended with every objection resolved. */
export function confirmRefusal(
  d: Pick<Designation, 'noticeEndsOn' | 'objections'>,
  today: IsoDate,
): ConfirmRefusal | undefined {
  if (d.noticeEndsOn !== undefined && today <= d.noticeEndsOn)
    return {
      code: 'notice_running',
      message: `the public notice runs until ${d.noticeEndsOn}`,
      params: { noticeEndsOn: d.noticeEndsOn },
    };
  const open = (d.objections ?? []).filter((o) => o.status === 'open').map((o) => o.n);
  if (open.length > 0)
    return {
      code: 'objection_open',
      message: `objection ${open.join(', ')} is not resolved yet`,
      params: { objections: open.join(', ') },
    };
  return undefined;
}

/** An objection is raised during the notice, by anyone but the candidate itself. */
export function objectionRefusal(
  d: Pick<Designation, 'noticeEndsOn' | 'uscc'>,
  by: { role: string; org: string | null },
  today: IsoDate,
): { code: 'notice_ended' | 'own_candidacy'; message: string } | undefined {
  if (by.role === 'enterprise' && by.org === d.uscc)
    return { code: 'own_candidacy', message: 'a candidate does not object to its own candidacy' };
  if (d.noticeEndsOn !== undefined && today > d.noticeEndsOn)
    return { code: 'notice_ended', message: `the public notice ended on ${d.noticeEndsOn}` };
  return undefined;
}

/** The objections after the office resolved objection `n`; undefined when there is no open objection `n`. */
export function resolved(
  objections: readonly Objection[],
  n: number,
  outcome: 'dismissed' | 'upheld',
  resolution: string,
  at: string,
): Objection[] | undefined {
  const target = objections.find((o) => o.n === n);
  if (target?.status !== 'open') return undefined;
  return objections.map((o) => (o.n === n ? { ...o, status: outcome, resolution, resolvedAt: at } : o));
}

/**
 * What `actor` may read of a designation. The office reads everything. An objector is not named to anyone else:
 * the candidate reads every objection's reason and resolution but not who raised it; anyone else reads only the
 * objections it raised, and neither the candidate's score nor the history of others' objections.
 */
export function designationFor<T extends Designation & { history?: DesignationEvent[] }>(
  actor: { role: string; org: string | null },
  d: T,
): T {
  if (actor.role === 'ipoffice') return d;
  const candidate = actor.role === 'enterprise' && actor.org === d.uscc;
  const mine = (by: { role: string; org: string | null }) => by.role === actor.role && by.org === actor.org;
  const objections = (d.objections ?? []).flatMap((o) => {
    if (candidate) {
      const { by: _, ...anonymous } = o;
      return [anonymous as Objection];
    }
    return mine(o.by) ? [o] : [];
  });
  const history = d.history?.flatMap((h) => {
    if (h.action !== ('object' as string) || mine(h.actor)) return [h];
    return candidate ? [{ ...h, actor: { role: h.actor.role, org: null } }] : [];
  });
  const { eligibility: _, ...withoutScore } = d;
  return {
    ...(candidate ? d : withoutScore),
    ...(d.objections ? { objections } : {}),
    ...(history ? { history } : {}),
  } as T;
}
