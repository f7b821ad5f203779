import { CLAIM_STATUSES, COVERAGE_LINES } from '../../domain/policy.js';
import { ActorSchema, storedFields } from '../common.js';
import * as z from '../zod.js';

/** Response schemas the policy and claim routes share. */

export const HistoryEventSchema = z
  .object({
    at: z.string(),
    action: z.string(),
    from: z.string().nullable(),
    to: z.string(),
    actor: ActorSchema,
    version: z.number().int(),
    claimId: z.string().optional(),
    reason: z.string().optional(),
    paidFen: z.number().int().optional(),
  })
  .openapi('HistoryEvent');

export const ClaimSchema = z
  .object({
    id: z.string(),
    policyId: z.string(),
    holder: z.string(),
    insurerId: z.string(),
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
      })
      .optional()
      .openapi({ description: 'The claimed line’s cover as issued' }),
    paidFen: z.number().int().optional(),
    settledAt: z.string().optional(),
    denyReason: z.string().optional(),
    deniedAt: z.string().optional(),
    history: z.array(HistoryEventSchema).optional(),
    ...storedFields,
  })
  .openapi('Claim');
