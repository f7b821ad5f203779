import { DESIGNATION_LEVELS } from '../../domain/designation.js';
import { flattenSnapshot, toCsv } from '../../domain/statistics.js';
import { useCaseContext } from '../../usecases/context.js';
import { latestSnapshot, snapshotOn } from '../../usecases/stats.js';
import { errorResponses, IsoDate, jsonResponse } from '../common.js';
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

  addRoute(
    app,
    ['ipoffice'],
    createRoute({
      method: 'get',
      path: '/stats/{date}',
      summary: 'The statistics snapshot of one day',
      tags: ['statistics'],
      request: { params: z.object({ date: IsoDate.openapi({ example: '2026-03-01' }) }) },
      responses: { 200: jsonResponse(SnapshotSchema, 'That day’s snapshot'), ...errorResponses },
    }),
    async (c) => c.json(await snapshotOn(useCaseContext(c.get('deps')), c.req.valid('param').date), 200),
  );
}
