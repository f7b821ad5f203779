import { CLAIM_STATUSES, COVERAGE_LINES } from '../../domain/policy.js';
import { HistoryActorSchema, storedFields } from '../common.js';
import * as z from '../zod.js';

/** Response schemas the policy and claim routes share. */

export const HistoryEventSchema = z
  .object({
    at: z.string(),
    action: z.string(),
    from: z.string().nullable(),
    to: z.string(),
    actor: HistoryActorSchema,
    version: z.number().int(),
    claimId: z.string().optional(),
    reason: z.string().optional(),
    paidFen: z.number().int().optional(),
    approvedFen: z.number().int().optional(),
    amountFen: z.number().int().optional(),
  })
  .openapi('HistoryEvent');

export const ClaimSchema = z
  .object({
    id: z.string(),
    policyId: z.string(),
    holder: z.string(),
    insurerId: z.string(),
    beneficiaryLenderId: z
      .string()
      .optional()
      .openapi({ description: 'On a guarantee claim: the lender paid' }),
    claimant: z.object({ role: z.enum(['enterprise', 'lender']), org: z.string() }).optional(),
    line: z.enum(COVERAGE_LINES),
    claimedFen: z.number().int(),
    incidentDate: z.string(),
    description: z.string(),
    status: z.enum(CLAIM_STATUSES),
    coverage: z
      .object({
        line: z.enum(COVERAGE_LINES),
        sumInsuredFen: z.number().int(),
        deductibleFen: z.number().int(),
        payoutRatioBps: z.number().int().optional(),
        perClaimLimitFen: z.number().int().optional(),
      })
      .optional()
      .openapi({ description: 'The claimed line’s cover as issued' }),
    lossShareFen: z.number().int().optional().openapi({
      description: 'A guarantee claim after the disposal: the insurer’s share of the loss, now claimed',
    }),
    reserveFen: z.number().int().optional().openapi({ description: 'What the insurer expects still to pay' }),
    approvedFen: z.number().int().optional(),
    paidFen: z.number().int().optional(),
    payments: z.array(z.object({ at: z.string(), amountFen: z.number().int() })).optional(),
    assessedAt: z.string().optional(),
    settledAt: z.string().optional().openapi({ description: 'The last payment' }),
    denyReason: z.string().optional(),
    deniedAt: z.string().optional(),
    closedOn: z
      .string()
      .optional()
      .openapi({ description: 'Paid or denied on; reopenable for a year after' }),
    reopenReason: z.string().optional(),
    history: z.array(HistoryEventSchema).optional(),
    ...storedFields,
  })
  .openapi('Claim');
