import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { loggingClient } from '../support/command-log.js';
import { ensureClaimEvidence, ensurePledgeDocuments } from '../support/documents.js';
import {
  applicationBody,
  approvedPledge,
  asEnterprise,
  asInsurer,
  asLender,
  office,
  trademark,
  wucheng,
} from '../support/insurance-fixtures.js';
import { type CallOptions, createTestPortal, type TestPortal } from '../support/portal.js';

/** 2026-11-27 in Shanghai: inside the policies' period (2026). */
const clock = new Date('2026-11-27T04:00:00Z');

const COMPANY = wucheng('MA9NAME01');
const COMPANY_NAME = '浙江某某科技有限公司';
// Names unlike their ids, so a line showing the code as its name cannot pass.
const BANK = 'names-bank';
const BANK_NAME = '金华银行';
const INSURER = 'names-insurer';
const INSURER_NAME = '金华财产保险';

const QUERY = 'QueryCommand';
const BATCH_GET = 'BatchGetItemCommand';

interface Line {
  action: string;
  actor: { role: string; org: string | null; name?: string };
}
/** Each line as `action role org name`, the name `-` when the line has none. */
const lines = (history: Line[]) =>
  history.map((h) => `${h.action} ${h.actor.role} ${h.actor.org} ${h.actor.name ?? '-'}`);

/**
 * Every history line names the organisation its actor acted for, beside its code: from the names the record keeps
 * (a pledge its applicant's and lender's, a policy its holder's and insurer's) and, for the rest, from one read of
 * the directory for the whole history — never one per line. The IP office and jobs have no name.
 */
describe('names in the history lines of pledges, policies and claims', () => {
  let portal: TestPortal;
  let log: ReturnType<typeof loggingClient>;
  /** One request and the DynamoDB commands it sent. */
  const call = async (method: string, path: string, options: CallOptions) => {
    log.take();
    const res = await portal.call(method, path, options);
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return { res, sent: log.take() };
  };
  let pledgeId: string;
  let policyId: string;

  beforeAll(async () => {
    log = loggingClient();
    portal = await createTestPortal({ now: () => clock, db: log.db });
    await call('PUT', `/enterprises/${COMPANY}`, { as: office, body: { name: COMPANY_NAME } });
    await call('PUT', `/institutions/${BANK}`, { as: office, body: { kind: 'lender', name: BANK_NAME } });
    await call('PUT', `/institutions/${INSURER}`, {
      as: office,
      body: { kind: 'insurer', name: INSURER_NAME },
    });
    const asset = await trademark(portal, COMPANY);
    pledgeId = await approvedPledge(portal, COMPANY, BANK, asset);
    await ensurePledgeDocuments(portal, pledgeId); // registration needs the pledge's four documents
    await call('POST', `/pledges/${pledgeId}/register`, {
      as: office,
      body: { registrationNumber: 'Y2026330000777' },
    });
    // A guarantee of the loan that also covers the holder's enforcement costs: both parties may claim on it.
    const applied = await call('POST', '/policies', {
      as: asEnterprise(COMPANY),
      body: applicationBody(INSURER, [asset], {
        coverages: [
          { line: 'pledge_guarantee', sumInsuredFen: 8_000_000 },
          { line: 'enforcement_cost', sumInsuredFen: 1_000_000 },
        ],
        pledgeId,
      }),
    });
    policyId = applied.res.body.id;
    await call('POST', `/policies/${policyId}/issue`, {
      as: asInsurer(INSURER),
      body: { premiumFen: 20_000 },
    });
  });

  it('a pledge names its applicant and its lender from the pledge itself: no read beyond its one Query', async () => {
    const { res, sent } = await call('GET', `/pledges/${pledgeId}`, { as: asLender(BANK) });
    expect(lines(res.body.history)).toEqual([
      `submit enterprise ${COMPANY} ${COMPANY_NAME}`,
      `review lender ${BANK} ${BANK_NAME}`,
      `approve lender ${BANK} ${BANK_NAME}`,
      'register ipoffice null -',
    ]);
    expect(res.body.history[3].actor).not.toHaveProperty('name');
    expect(sent).toEqual([QUERY]);
  });

  it('a pledge stored without its parties’ names reads them once, in one BatchGet, for all its lines', async () => {
    // As a pledge applied for before the names were kept.
    await portal.deps.db.send(
      new UpdateCommand({
        TableName: portal.tableName,
        Key: { pk: `PLEDGE#${pledgeId}`, sk: 'PLEDGE' },
        UpdateExpression: 'REMOVE applicantName, lenderName',
      }),
    );
    const { res, sent } = await call('GET', `/pledges/${pledgeId}`, { as: asEnterprise(COMPANY) });
    expect(res.body.applicantName).toBeUndefined();
    expect(lines(res.body.history)).toEqual([
      `submit enterprise ${COMPANY} ${COMPANY_NAME}`,
      `review lender ${BANK} ${BANK_NAME}`,
      `approve lender ${BANK} ${BANK_NAME}`,
      'register ipoffice null -',
    ]);
    expect(sent).toEqual([QUERY, BATCH_GET]);
  });

  it('a policy and its claims name the holder, the insurer and the beneficiary bank on every line', async () => {
    const holderClaim = await call('POST', `/policies/${policyId}/claims`, {
      as: asEnterprise(COMPANY),
      body: { line: 'enforcement_cost', claimedFen: 300_000, incidentDate: '2026-11-01', description: 'x' },
    });
    const bankClaim = await call('POST', `/policies/${policyId}/claims`, {
      as: asLender(BANK),
      body: { line: 'pledge_guarantee', claimedFen: 5_000_000, incidentDate: '2026-11-20', description: 'y' },
    });
    const insurer = asInsurer(INSURER);
    const bankClaimId = bankClaim.res.body.id;
    await call('POST', `/claims/${holderClaim.res.body.id}/investigate`, { as: insurer, body: {} });
    await call('POST', `/claims/${bankClaimId}/investigate`, { as: insurer, body: {} });
    await call('POST', `/claims/${bankClaimId}/assess`, { as: insurer, body: { approvedFen: 4_000_000 } });
    await ensureClaimEvidence(portal, bankClaimId, insurer); // paying needs the claim's evidence
    await call('POST', `/claims/${bankClaimId}/pay`, { as: insurer, body: { amountFen: 1_000_000 } });
    await call('POST', `/claims/${bankClaimId}/pay`, { as: insurer, body: { amountFen: 3_000_000 } });

    // The policy holds the holder's and insurer's names; the bank's is read with the claims, in the same BatchGet.
    const policy = await call('GET', `/policies/${policyId}`, { as: asLender(BANK) });
    expect(lines(policy.res.body.history)).toEqual([
      `apply enterprise ${COMPANY} ${COMPANY_NAME}`,
      `issue insurer ${INSURER} ${INSURER_NAME}`,
      `file_claim enterprise ${COMPANY} ${COMPANY_NAME}`,
      `file_claim lender ${BANK} ${BANK_NAME}`,
    ]);
    expect(policy.sent).toEqual([QUERY, BATCH_GET]);

    // A claim keeps codes only: its five lines' names come from one BatchGet (not one read per line).
    const claim = await call('GET', `/claims/${bankClaimId}`, { as: insurer });
    expect(lines(claim.res.body.history)).toEqual([
      `file lender ${BANK} ${BANK_NAME}`,
      `investigate insurer ${INSURER} ${INSURER_NAME}`,
      `assess insurer ${INSURER} ${INSURER_NAME}`,
      `pay_in_part insurer ${INSURER} ${INSURER_NAME}`,
      `pay_in_full insurer ${INSURER} ${INSURER_NAME}`,
    ]);
    expect(claim.sent).toEqual([QUERY, BATCH_GET]);

    const holders = await call('GET', `/claims/${holderClaim.res.body.id}`, { as: asEnterprise(COMPANY) });
    expect(lines(holders.res.body.history)).toEqual([
      `file enterprise ${COMPANY} ${COMPANY_NAME}`,
      `investigate insurer ${INSURER} ${INSURER_NAME}`,
    ]);
  });
});
