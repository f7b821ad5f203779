/** Pure inputs for the statistics unit tests: a registration fact and an empty day's snapshot inputs. */
import type { PledgeRegisteredFact, StatsInputs } from '../../shared/domain/statistics.js';

export const pledgeFact = (over: Partial<PledgeRegisteredFact> = {}): PledgeRegisteredFact => ({
  pledgeId: 'p1',
  registeredAt: '2026-03-01T02:00:00.000Z',
  applicant: '91330782MA2A00001X',
  divisionCode: '330782',
  lenderId: 'bank-a',
  amountFen: 100,
  ...over,
});

export const statsInputs = (over: Partial<StatsInputs> = {}): StatsInputs => ({
  asOf: '2026-06-15T17:00:00.000Z',
  date: '2026-06-16',
  year: 2026,
  pledges: [],
  policies: [],
  claims: [],
  outstandingFen: 0,
  loanBook: [],
  inForce: { invention: 0, utility_model: 0, design: 0, trademark: 0 },
  patentsGrantedThisYear: 0,
  trademarksRegisteredThisYear: 0,
  activeDesignations: {},
  interestSubsidyFen: 0,
  ...over,
});
