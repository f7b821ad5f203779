import { yearOf } from '../../domain/dates.js';
import { DESIGNATION_LEVELS } from '../../domain/designation.js';
import { PATENT_TYPES } from '../../domain/patent-number.js';
import { COVERAGE_LINES } from '../../domain/policy.js';
import {
  CITY_DIVISIONS,
  DRILLABLE_FIGURES,
  type DrillableFigure,
  flattenSnapshot,
  OTHER_DIVISION,
  RECORD_KINDS,
  toCsv,
} from '../../domain/statistics.js';
import { useCaseContext } from '../../usecases/context.js';
import { latestSnapshot, snapshotOn, statsHistory, statsRecords } from '../../usecases/stats.js';
import { errorResponses, IsoDate, jsonResponse, PageQuerySchema, pageOf, queryInt } from '../common.js';
import type { PortalApp } from '../context.js';
import { addRoute, createRoute } from '../route.js';
import * as z from '../zod.js';

const FenMap = z.record(z.string(), z.number());

/** The loan book on the snapshot's date (absent from snapshots taken before it was counted). */
const loanBookFigure = (description: string) => z.number().int().optional().openapi({ description });
const LoanBookSchema = {
  outstandingPrincipalFen: loanBookFigure('Principal still owed on active loans'),
  overdueAmountFen: loanBookFigure('Outstanding principal of active loans with an instalment overdue'),
  nonPerformingAmountFen: loanBookFigure(
    'Outstanding principal of loans classified substandard, doubtful or loss (by their lender’s thresholds), ' +
      'plus defaulted loans not yet disposed',
  ),
  outstandingPrincipalByLender: FenMap.optional(),
  overdueByLender: FenMap.optional(),
  nonPerformingByLender: FenMap.optional(),
  outstandingPrincipalByDivision: FenMap.optional(),
  overdueByDivision: FenMap.optional(),
  nonPerformingByDivision: FenMap.optional(),
};

const HistorySchema = z
  .object({
    items: z.array(
      z.object({
        date: z.string(),
        financing: z.object({
          registeredCount: z.number().int(),
          registeredAmountFen: z.number().int(),
          outstandingAmountFen: z.number().int(),
        }),
        insurance: z.object({ policiesIssued: z.number().int(), sumInsuredFen: z.number().int() }),
      }),
    ),
  })
  .openapi('StatsHistory');

const RecordSchema = z
  .object({
    kind: z.enum(RECORD_KINDS),
    countedFen: z
      .number()
      .int()
      .optional()
      .openapi({
        description:
          'What this record adds to the figure, in fen (a loan’s part of a loan-book figure, a policy’s premium ' +
          'or its line’s share, a claim payment, an enterprise’s subsidy); the page’s records sum to the figure',
      }),
  })
  .catchall(z.unknown())
  .openapi('StatsRecord', {
    description:
      'The record as counted, with its fields: a registration, an issued policy, a claim payment, a loan of the ' +
      'book, an enterprise’s interest subsidy, an asset or an active designation',
  });

const SnapshotSchema = z
  .object({
    asOf: z.string().openapi({ description: 'When the scheduled run computed the figures (RFC 3339)' }),
    date: z.string().openapi({ description: 'The Asia/Shanghai day of the snapshot' }),
    year: z.number().int(),
    financing: z.object({
      registeredCount: z.number().int(),
      registeredAmountFen: z.number().int(),
      enterprisesFinanced: z.number().int(),
      inclusiveCount: z
        .number()
        .int()
        .openapi({ description: 'Registered in the year for at most 1000万元' }),
      inclusiveAmountFen: z.number().int(),
      firstTimeBorrowers: z
        .number()
        .int()
        .openapi({ description: 'Applicants whose first pledge ever was registered in the year' }),
      outstandingAmountFen: z.number().int(),
      byDivision: FenMap.openapi({ description: 'Jinhua county codes and "other"' }),
      byLender: FenMap,
      byMonth: FenMap.openapi({
        description: '`YYYY-MM` (Asia/Shanghai), January through the snapshot month',
      }),
      byMonthCount: z.record(z.string(), z.number().int()).optional().openapi({
        description:
          'The registrations of each month, as `byMonth` (absent from snapshots taken before it was counted)',
      }),
      ...LoanBookSchema,
    }),
    insurance: z.object({
      policiesIssued: z.number().int(),
      insuredEnterprises: z.number().int(),
      sumInsuredFen: z.number().int(),
      premiumFen: z.number().int(),
      claimsPaidFen: z.number().int(),
      lossRatioBps: z
        .number()
        .int()
        .openapi({ description: 'floor(claims paid × 10000 / premium); 0 without premium' }),
      premiumSubsidyFen: z
        .number()
        .int()
        .openapi({ description: 'The city’s premium subsidy on the year’s policies' }),
      byLine: FenMap,
      claimsPaidByLine: FenMap,
      premiumByLine: FenMap.openapi({
        description:
          'Each policy’s premium spread over its lines by sum insured (the rest of the floors to its first line)',
      }),
      lossRatioBpsByLine: z.record(z.string(), z.number().int()),
      premiumByInsurer: FenMap,
      claimsPaidByInsurer: FenMap,
      lossRatioBpsByInsurer: z.record(z.string(), z.number().int()),
    }),
    subsidies: z.object({
      interestSubsidyFen: z
        .number()
        .int()
        .openapi({ description: 'What the year’s interest subsidy pays in all' }),
    }),
    portfolio: z.object({
      patentsInForce: z.object({
        invention: z.number().int(),
        utility_model: z.number().int(),
        design: z.number().int(),
      }),
      trademarksInForce: z.number().int(),
      patentsGrantedThisYear: z.number().int(),
      trademarksRegisteredThisYear: z.number().int(),
    }),
    designations: z.object(
      Object.fromEntries(DESIGNATION_LEVELS.map((l) => [l, z.number().int()])) as Record<
        (typeof DESIGNATION_LEVELS)[number],
        z.ZodNumber
      >,
    ),
  })
  .openapi('StatsSnapshot');

export function registerStatsRoutes(app: PortalApp): void {
  addRoute(
    app,
    ['ipoffice'],
    createRoute({
      method: 'get',
      path: '/stats',
      summary: 'The latest statistics snapshot',
      description:
        'Produced daily (01:00 Asia/Shanghai) by the scheduled job; 404 before its first run. Financing counts ' +
        'pledges registered in `year` with their approved amount; insurance counts policies issued in `year`; ' +
        'portfolio and designation counts are as of the snapshot.',
      tags: ['statistics'],
      responses: { 200: jsonResponse(SnapshotSchema, 'The latest snapshot'), ...errorResponses },
    }),
    async (c) => c.json(await latestSnapshot(useCaseContext(c.get('deps'))), 200),
  );

  addRoute(
    app,
    ['ipoffice'],
    createRoute({
      method: 'get',
      path: '/stats.csv',
      summary: 'The latest statistics snapshot as CSV',
      description:
        'One `metric,key,value` row per figure, e.g. `financing.byDivision,330782,123` (scalars have an empty key).',
      tags: ['statistics'],
      responses: {
        200: { description: 'CSV (RFC 4180)', content: { 'text/csv': { schema: z.string() } } },
        ...errorResponses,
      },
    }),
    async (c) => {
      const snapshot = await latestSnapshot(useCaseContext(c.get('deps')));
      return c.body(toCsv(flattenSnapshot(snapshot)), 200, {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="ip-finance-stats-${snapshot.date}.csv"`,
      });
    },
  );

  // Before /stats/{date}: "history" and "records" are not dates.
  addRoute(
    app,
    ['ipoffice'],
    createRoute({
      method: 'get',
      path: '/stats/history',
      summary: 'The headline figures day by day, from the stored snapshots',
      description:
        'One item per day that has a snapshot in [from, to] (both inclusive, at most 366 days; `to` before `from` ' +
        '→ 400), oldest first.',
      tags: ['statistics'],
      request: { query: z.strictObject({ from: IsoDate, to: IsoDate }) },
      responses: { 200: jsonResponse(HistorySchema, 'The history'), ...errorResponses },
    }),
    async (c) => {
      const { from, to } = c.req.valid('query');
      return c.json({ items: await statsHistory(useCaseContext(c.get('deps')), from, to) }, 200);
    },
  );

  addRoute(
    app,
    ['ipoffice'],
    createRoute({
      method: 'get',
      path: '/stats/records',
      summary: 'The records a figure counts: registrations, issued policies or claim payments of a year',
      description:
        '`figure` is a snapshot path (e.g. `financing.registeredCount`, `insurance.claimsPaidByLine`, ' +
        '`financing.overdueByLender`, `insurance.lossRatioBps`, `portfolio.patentsInForce`, `designations`); ' +
        '`division`, `lender`, `insurer`, `month` (`YYYY-MM`), `line`, `type` (patent type) and `level` ' +
        '(designation level) narrow it where the records have that dimension. Loan-book figures list the loans of ' +
        'the book on the business date, a loss ratio the policies (premium) and then the claim payments it divides, ' +
        'the interest subsidy one line per enterprise, portfolio figures the assets, `designations` the active ' +
        'titles. `countedFen` is what a record adds to the figure. Narrowing happens after each page is read, so a ' +
        'page may hold fewer records than `limit`; follow `nextCursor` to the end. `year` defaults to the business ' +
        'date’s.',
      tags: ['statistics'],
      request: {
        query: PageQuerySchema.extend({
          figure: z.enum(DRILLABLE_FIGURES as [DrillableFigure, ...DrillableFigure[]]),
          year: queryInt(2000, 2100).optional(),
          division: z.enum([...CITY_DIVISIONS, OTHER_DIVISION]).optional(),
          lender: z.string().max(40).optional(),
          insurer: z.string().max(40).optional(),
          month: z
            .string()
            .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM')
            .optional(),
          line: z.enum(COVERAGE_LINES).optional(),
          type: z.enum(PATENT_TYPES).optional().openapi({ description: 'A patent type (patents in force)' }),
          level: z.enum(DESIGNATION_LEVELS).optional().openapi({ description: 'A designation level' }),
        }),
      },
      responses: { 200: jsonResponse(pageOf(RecordSchema, 'StatsRecordPage'), 'A page'), ...errorResponses },
    }),
    async (c) => {
      const { figure, year, limit, cursor, ...filter } = c.req.valid('query');
      const uc = useCaseContext(c.get('deps'));
      const page = await statsRecords(
        uc,
        { figure, year: year ?? yearOf(uc.clock.today()), filter },
        { limit, cursor },
      );
      return c.json(page, 200);
    },
  );

  addRoute(
    app,
    ['ipoffice'],
    createRoute({
      method: 'get',
      path: '/stats/{date}',
      summary: 'The statistics snapshot of one day',
      description:
        'By the IP office: the coverage and financing totals the daily job computed for that business date (404 when it has not run for it).',
      tags: ['statistics'],
      request: { params: z.object({ date: IsoDate.openapi({ example: '2026-03-01' }) }) },
      responses: { 200: jsonResponse(SnapshotSchema, 'That day’s snapshot'), ...errorResponses },
    }),
    async (c) => c.json(await snapshotOn(useCaseContext(c.get('deps')), c.req.valid('param').date), 200),
  );
}
