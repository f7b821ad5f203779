import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { enterpriseSummaryDelta, portfolioDelta } from '../../shared/store/stats-facts.js';
import type { TestPortal } from './portal.js';

/** What a designation candidate holds: rights in force by kind, and whether it has financed or insured any. */
export interface Portfolio {
  invention: number;
  utility: number;
  trademarks: number;
  financed: boolean;
  insured: boolean;
}

/** The programme's score computed here, independently of the domain: 8 per invention up to 40, the share of
 * inventions among patents × 20, a point per utility model up to 10, 2 per trademark up to 10, 10 each for having
 * financed and insured. */
export const expectedScore = (p: Portfolio) => {
  const patents = p.invention + p.utility;
  let score = Math.min(40, p.invention * 8);
  if (patents > 0) score += Math.floor((p.invention * 20) / patents);
  score += Math.min(10, p.utility);
  score += Math.min(10, p.trademarks * 2);
  return score + (p.financed ? 10 : 0) + (p.insured ? 10 : 0);
};

/**
 * Gives the registered enterprise `uscc` the portfolio `p`, written as the asset, pledge and policy transactions
 * write the counters the programme's score reads (each right its own expiry date, so none shares a counter item).
 */
export async function givePortfolio(portal: TestPortal, uscc: string, p: Portfolio): Promise<void> {
  const asset = (
    kind: 'patent' | 'trademark',
    patentType: 'invention' | 'utility_model' | undefined,
    k: number,
  ) =>
    portfolioDelta(
      {
        kind,
        ...(patentType ? { patentType } : {}),
        status: kind === 'patent' ? 'granted' : 'registered',
        expiresOn: `2040-01-${String(k + 1).padStart(2, '0')}`,
        grantYear: 2000 + k,
        owner: uscc,
        delta: 1,
      },
      portal.tableName,
    );
  const writes = [
    ...Array.from({ length: p.invention }, (_, k) => asset('patent', 'invention', k)),
    ...Array.from({ length: p.utility }, (_, k) => asset('patent', 'utility_model', 10 + k)),
    ...Array.from({ length: p.trademarks }, (_, k) => asset('trademark', undefined, 20 + k)),
  ];
  for (const items of writes) await portal.deps.db.send(new TransactWriteCommand({ TransactItems: items }));
  if (p.financed || p.insured)
    await portal.deps.db.send(
      new TransactWriteCommand({
        TransactItems: [
          enterpriseSummaryDelta(
            uscc,
            {
              ...(p.financed ? { pledgeRegisteredFen: 1_000_000 } : {}),
              ...(p.insured ? { sumInsuredFen: 500_000 } : {}),
            },
            portal.tableName,
          ),
        ],
      }),
    );
}
