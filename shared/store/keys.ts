/**
 * Every key of the single table, in one place: base-table keys `{ pk, sk }` of each entity, the partitions of the
 * three global indexes, and the sort-key formats. No other module spells a prefix.
 *
 *   entity           pk                               sk
 *   enterprise       ENT#<uscc>                       ENT
 *   institution      INST#<id>                        INST
 *   asset            ASSET#<id>                       ASSET
 *   asset number     ASSETNO#<kind>#<number>          ASSETNO
 *   asset→policy     ASSET#<assetId>                  POLICY#<insurerId>#<policyId>
 *   legal event      ASSET#<assetId>                  LEGAL#<sequence, 6 digits>
 *   pledge           PLEDGE#<id>                      PLEDGE
 *   repayment        PLEDGE#<id>                      REPAY#<pledge version, 12 digits>
 *   pledge→policy    PLEDGE#<pledgeId>                GUARANTEE#<policyId>   (a guarantee policy of the loan)
 *   policy           POLICY#<id>                      POLICY
 *   policy→claim     POLICY#<policyId>                CLAIM#<claimId>
 *   policy number    POLICYNO#<insurerId>#<number>    POLICYNO
 *   claim            CLAIM#<id>                       CLAIM
 *   lender's claim   LENDER#<lenderId>#CLAIMS         <filedAt>#<claimId>    (a guarantee claim it benefits from)
 *   designation      DESIG#<id>                       DESIG
 *   designation lock DESIG_ACTIVE#<uscc>#<level>      DESIG_ACTIVE
 *   domain event     <the aggregate's pk>             EVENT#<version, 12 digits>   (history + outbox, one item)
 *   audit feed       AUDIT#<yyyy-mm-dd>               <at>#<event id>              (written by the audit consumer)
 *   consumed marker  CONSUMED#<consumer>#<event id>   CONSUMED
 *   notification     INBOX#<tenant>                   N#<at>#<event id>#<type>    (written by the notifier)
 *   unread copy      INBOX#<tenant>                   U#<at>#<event id>#<type>    (removed when read)
 *   unread count     INBOX#<tenant>                   UNREAD
 *   idempotency      IDEM#<tenant>#<key>              IDEM
 *   user             USER#<id>                        USER        (the portal's directory entry)
 *   user by subject  USERSUB#<provider subject>       USERSUB     { userId }: one entry per signed-in identity
 *   user by e-mail   USEREMAIL#<lower-case e-mail>    USEREMAIL   { userId }: one invitation per address
 *   org claim        ORGCLAIM#<id>                    ORGCLAIM
 *   document         DOC#<id>                         DOC
 *   document link    <its subject's pk>               DOC#<document id>   (kind, status, scan: the checklist's read)
 *   open org claim   ORGCLAIM_OPEN#<provider subject> ORGCLAIM_OPEN  { claimId }: one pending claim per identity
 *   import           IMPORT#<id>                     IMPORT      (a bulk import: status and progress counters)
 *   import batch     IMPORT#<id>                     BATCH#<n, 6 digits>  { counts, rejections }: applied once
 *   stats snapshot   STATS                            <yyyy-mm-dd>
 *   health probe     HEALTH                           HEALTH      (never written: reading it proves the table answers)
 */
import type { AssetKind } from '../domain/asset.js';
import type { IsoDate } from '../domain/dates.js';
import type { DesignationLevel } from '../domain/designation.js';
import type { DocumentSubjectKind } from '../domain/document.js';
import type { Subject, SubjectKind } from '../domain/domain-event.js';
import type { InForceType } from '../domain/statistics.js';

export interface Key {
  pk: string;
  sk: string;
}

/** The sort key of an aggregate's own item, equal to its kind's prefix. */
const ROOT: Record<SubjectKind, string> = {
  pledge: 'PLEDGE',
  policy: 'POLICY',
  claim: 'CLAIM',
  designation: 'DESIG',
  user: 'USER',
  org_claim: 'ORGCLAIM',
  document: 'DOC',
  import: 'IMPORT',
};

export const aggregateKey = (kind: SubjectKind, id: string): Key => ({
  pk: `${ROOT[kind]}#${id}`,
  sk: ROOT[kind],
});

export const EVENT_PREFIX = 'EVENT#';
/** The `entity` of an event item: what the stream's consumers pick out of every change to the table. */
export const EVENT_ENTITY = 'domain-event';
/** One sort-key format for every aggregate's events: zero-padded so they sort by version. */
export const eventKey = (subject: Subject, version: number): Key => ({
  pk: aggregateKey(subject.kind, subject.id).pk,
  sk: `${EVENT_PREFIX}${String(version).padStart(12, '0')}`,
});

/** The partition of an enterprise's own items (the enterprise, its statistics), before the USCC. */
export const ENTERPRISE_PREFIX = 'ENT#';
export const enterpriseKey = (uscc: string): Key => ({ pk: `${ENTERPRISE_PREFIX}${uscc}`, sk: 'ENT' });
export const institutionKey = (id: string): Key => ({ pk: `INST#${id}`, sk: 'INST' });
export const assetKey = (id: string): Key => ({ pk: `ASSET#${id}`, sk: 'ASSET' });
export const LEGAL_EVENT_PREFIX = 'LEGAL#';
export const legalEventKey = (assetId: string, seq: number): Key => ({
  pk: `ASSET#${assetId}`,
  sk: `${LEGAL_EVENT_PREFIX}${String(seq).padStart(6, '0')}`,
});
export const assetNumberKey = (kind: AssetKind, number: string): Key => ({
  pk: `ASSETNO#${kind}#${number}`,
  sk: 'ASSETNO',
});
export const pledgeKey = (id: string): Key => aggregateKey('pledge', id);
export const REPAYMENT_PREFIX = 'REPAY#';
/** A loan repayment, keyed by the pledge version its recording produced (one per version, sorted by it). */
export const repaymentKey = (pledgeId: string, version: number): Key => ({
  pk: pledgeKey(pledgeId).pk,
  sk: `${REPAYMENT_PREFIX}${String(version).padStart(12, '0')}`,
});
export const GUARANTEE_LINK_PREFIX = 'GUARANTEE#';
/** A guarantee policy applied for on the pledge: its insurer reads the loan, a default opens its claim. */
export const pledgeGuaranteeLinkKey = (pledgeId: string, policyId: string): Key => ({
  pk: pledgeKey(pledgeId).pk,
  sk: `${GUARANTEE_LINK_PREFIX}${policyId}`,
});
/** A guarantee claim in its beneficiary lender's list, newest last (the claim's own item has no index left). */
export const lenderClaimLinkKey = (lenderId: string, filedAt: string, claimId: string): Key => ({
  pk: `LENDER#${lenderId}#CLAIMS`,
  sk: `${filedAt}#${claimId}`,
});
export const policyKey = (id: string): Key => aggregateKey('policy', id);
export const claimKey = (id: string): Key => aggregateKey('claim', id);
export const designationKey = (id: string): Key => aggregateKey('designation', id);

export const assetPolicyLinkKey = (assetId: string, insurerId: string, policyId: string): Key => ({
  pk: assetKey(assetId).pk,
  sk: `POLICY#${insurerId}#${policyId}`,
});
export const assetPolicyLinkPrefix = (insurerId: string) => `POLICY#${insurerId}#`;
export const CLAIM_LINK_PREFIX = 'CLAIM#';
export const policyClaimLinkKey = (policyId: string, claimId: string): Key => ({
  pk: policyKey(policyId).pk,
  sk: `${CLAIM_LINK_PREFIX}${claimId}`,
});
export const policyNumberKey = (insurerId: string, number: string): Key => ({
  pk: `POLICYNO#${insurerId}#${number}`,
  sk: 'POLICYNO',
});
export const designationLockKey = (uscc: string, level: DesignationLevel): Key => ({
  pk: `DESIG_ACTIVE#${uscc}#${level}`,
  sk: 'DESIG_ACTIVE',
});
/** At most one open candidacy (applied, nominated, in notice) per enterprise and level. */
export const designationCandidacyKey = (uscc: string, level: DesignationLevel): Key => ({
  pk: `DESIG_CAND#${uscc}#${level}`,
  sk: 'DESIG_CAND',
});
/** An enterprise's designations of every state, listed from its own partition. */
export const ENTERPRISE_DESIGNATION_PREFIX = 'DESIGNATION#';
export const enterpriseDesignationLinkKey = (uscc: string, id: string): Key => ({
  pk: enterpriseKey(uscc).pk,
  sk: `${ENTERPRISE_DESIGNATION_PREFIX}${id}`,
});
/** The year's quota of titles per level, and how many the programme has granted against it. */
export const designationQuotaPartition = (year: number) => `DESIG_QUOTA#${year}`;
export const designationQuotaKey = (year: number, level: DesignationLevel): Key => ({
  pk: designationQuotaPartition(year),
  sk: level,
});
export const idempotencyKey = (tenant: string, key: string): Key => ({
  pk: `IDEM#${tenant}#${key}`,
  sk: 'IDEM',
});
export const consumedKey = (consumer: string, eventId: string): Key => ({
  pk: `CONSUMED#${consumer}#${eventId}`,
  sk: 'CONSUMED',
});
export const inboxPartition = (tenant: string) => `INBOX#${tenant}`;
export const NOTIFICATION_PREFIX = 'N#';
export const UNREAD_PREFIX = 'U#';
/** A notification's place in its inbox (`<at>#<event id>#<type>`) under the list's or the unread list's prefix. */
export const notificationKey = (tenant: string, place: string, prefix = NOTIFICATION_PREFIX): Key => ({
  pk: inboxPartition(tenant),
  sk: `${prefix}${place}`,
});
export const unreadCountKey = (tenant: string): Key => ({ pk: inboxPartition(tenant), sk: 'UNREAD' });
export const STATS_SNAPSHOTS = 'STATS';
export const statsSnapshotKey = (date: string): Key => ({ pk: STATS_SNAPSHOTS, sk: date });
export const HEALTH_KEY: Key = { pk: 'HEALTH', sk: 'HEALTH' };
/** A city programme's settings (the risk pool's shares, …): one item each. */
export const programmeKey = (programme: string): Key => ({ pk: 'PROGRAMME', sk: programme });
export const auditFeedPartition = (day: string) => `AUDIT#${day}`;
/** An audit-feed entry: the day's partition, ordered by time (the event id breaks ties). */
export const auditEntryKey = (day: string, at: string, eventId: string): Key => ({
  pk: auditFeedPartition(day),
  sk: `${at}#${eventId}`,
});

/** The partition of a document's subject, where its documents are linked (an enterprise's own partition). */
export const documentSubjectPartition = (subject: { kind: DocumentSubjectKind; id: string }): string =>
  subject.kind === 'enterprise' ? enterpriseKey(subject.id).pk : aggregateKey(subject.kind, subject.id).pk;
export const DOCUMENT_LINK_PREFIX = 'DOC#';
export const documentLinkKey = (
  subject: { kind: DocumentSubjectKind; id: string },
  documentId: string,
): Key => ({
  pk: documentSubjectPartition(subject),
  sk: `${DOCUMENT_LINK_PREFIX}${documentId}`,
});
export const importKey = (id: string): Key => aggregateKey('import', id);
export const IMPORT_BATCH_PREFIX = 'BATCH#';
/** A batch of an import, written with its counts in one transaction: a redelivered batch counts once. */
export const importBatchKey = (importId: string, batch: number): Key => ({
  pk: importKey(importId).pk,
  sk: `${IMPORT_BATCH_PREFIX}${String(batch).padStart(6, '0')}`,
});
/** Object keys of an import's file and of its error report in the files bucket. */
export const importSourceObject = (importId: string) => `imports/${importId}/source`;
export const importErrorsObject = (importId: string) => `imports/${importId}/errors.csv`;
/** Deployed: the batches the prepare step cut the file into, and their manifest (the Distributed Map's items). */
export const importBatchObject = (importId: string, batch: number) =>
  `imports/${importId}/batches/${String(batch).padStart(6, '0')}.json`;
export const importManifestObject = (importId: string) => `imports/${importId}/manifest.json`;

export const userSubKey = (sub: string): Key => ({ pk: `USERSUB#${sub}`, sk: 'USERSUB' });
export const userEmailKey = (email: string): Key => ({ pk: `USEREMAIL#${email}`, sk: 'USEREMAIL' });
export const openOrgClaimKey = (sub: string): Key => ({ pk: `ORGCLAIM_OPEN#${sub}`, sk: 'ORGCLAIM_OPEN' });

/** Index partitions (gsi1 owner lists, gsi2 counterparty queues, gsi3 office-wide views). */
export const partitions = {
  enterprises: 'ENTERPRISES',
  institutions: 'INSTITUTIONS',
  institutionsOfKind: (kind: string) => `INSTITUTIONS#${kind}`,
  ownerAssets: (uscc: string) => `ENT#${uscc}#ASSETS`,
  enterprisePledges: (uscc: string) => `ENT#${uscc}#PLEDGES`,
  lenderPledges: (lenderId: string) => `LENDER#${lenderId}#PLEDGES`,
  officePledges: 'PLEDGES',
  holderPolicies: (uscc: string) => `ENT#${uscc}#POLICIES`,
  insurerPolicies: (insurerId: string) => `INSURER#${insurerId}#POLICIES`,
  officePolicies: 'POLICIES',
  holderClaims: (uscc: string) => `ENT#${uscc}#CLAIMS`,
  insurerClaims: (insurerId: string) => `INSURER#${insurerId}#CLAIMS`,
  officeClaims: 'CLAIMS',
  enterpriseDesignations: (uscc: string) => `ENT#${uscc}#DESIGNATIONS`,
  designations: 'DESIGNATIONS',
  designationsOfYear: (year: number) => `DESIGNATIONS#Y${year}`,
  designationsOfLevel: (level: DesignationLevel) => `DESIGNATIONS#L#${level}`,
  users: 'USERS',
  organisationUsers: (role: string, org: string) => `ORG#${role}#${org}#USERS`,
  orgClaims: 'ORGCLAIMS',
  claimantClaims: (sub: string) => `SUB#${sub}#ORGCLAIMS`,
} as const;

/** `<status>#<createdAt>#<id>`: lists grouped by status, newest first inside a status; `?status=` is a prefix. */
export const byStatusSortKey = (r: { status: string; createdAt: string; id: string }) =>
  `${r.status}#${r.createdAt}#${r.id}`;

/**
 * gsi3 sort key of an ACTIVE policy, `active#<periodEnd>#<id>`: the scheduled expiry reads the range
 * `active#` … `active#<today>` (every end date before today) of `partitions.officePolicies` without a Scan.
 */
export const ACTIVE_POLICY_PREFIX = 'active#';
export const activePolicySortKey = (periodEnd: string, id: string) =>
  `${ACTIVE_POLICY_PREFIX}${periodEnd}#${id}`;

/** Statistics facts and counters (see stats-facts.ts). */
export const pledgeFactsPartition = (year: number) => `FACT#PLEDGE_REGISTERED#${year}`;
export const policyFactsPartition = (year: number) => `FACT#POLICY_ISSUED#${year}`;
export const claimFactsPartition = (year: number) => `FACT#CLAIM_PAID#${year}`;
/** Interest paid on pledge loans in a year (one item per repayment with interest): what the subsidy list reads. */
export const interestFactsPartition = (year: number) => `FACT#INTEREST_PAID#${year}`;
export const interestFactKey = (year: number, pledgeId: string, version: number): Key => ({
  pk: interestFactsPartition(year),
  sk: `${pledgeId}#${String(version).padStart(12, '0')}`,
});
export const inForcePartition = (type: InForceType) => `COUNT#IN_FORCE#${type}`;
export const grantedPartition = (year: number, kind: 'patent' | 'trademark') =>
  `COUNT#GRANTED#${year}#${kind}`;
/**
 * The members behind the portfolio counters (the records of `GET /stats/records`): one item per asset counted,
 * written and removed with the counter's own delta. In force: sk `<expiresOn>#<assetId>` (today's members are the
 * range from today on); granted in a year: sk `<assetId>`.
 */
export const inForceMembersPartition = (type: InForceType) => `MEMBERS#IN_FORCE#${type}`;
export const grantedMembersPartition = (year: number, kind: 'patent' | 'trademark') =>
  `MEMBERS#GRANTED#${year}#${kind}`;
export const OUTSTANDING_PARTITION = 'COUNT#OUTSTANDING';
export const DESIGNATIONS_COUNT_PARTITION = 'COUNT#DESIGNATIONS';
export const enterpriseSummaryKey = (uscc: string): Key => ({ pk: `ENT#${uscc}`, sk: 'SUMMARY' });
/** Written by an enterprise's first pledge registration: later ones are not first-time borrowing. */
export const firstLoanKey = (uscc: string): Key => ({ pk: `ENT#${uscc}`, sk: 'FIRSTLOAN' });
export const ENTERPRISE_IN_FORCE_PREFIX = 'INFORCE#';
export const enterpriseInForceKey = (uscc: string, expiresOn: IsoDate, type: InForceType): Key => ({
  pk: `ENT#${uscc}`,
  sk: `${ENTERPRISE_IN_FORCE_PREFIX}${expiresOn}#${type}`,
});

/**
 * Search index (store/search-index.ts). A document `SRCHDOC#<kind>#<id>`; per scope, the postings of each bigram
 * of its texts in `SRCH#<scope>#G#<bigram>` and of each number in `SRCH#<scope>#N#<its first 4 characters>`
 * (sort key `<number>#<kind>#<id>`, read by prefix), and each bigram's document count in `SRCHDF#<scope>#<bigram>`.
 */
export const searchDocKey = (kind: string, id: string): Key => ({
  pk: `SRCHDOC#${kind}#${id}`,
  sk: 'SRCHDOC',
});
export const searchGramPartition = (scope: string, gram: string) => `SRCH#${scope}#G#${gram}`;
export const searchGramKey = (scope: string, gram: string, kind: string, id: string): Key => ({
  pk: searchGramPartition(scope, gram),
  sk: `${kind}#${id}`,
});
export const searchNumberPartition = (scope: string, shard: string) => `SRCH#${scope}#N#${shard}`;
export const searchNumberKey = (
  scope: string,
  shard: string,
  number: string,
  kind: string,
  id: string,
): Key => ({
  pk: searchNumberPartition(scope, shard),
  sk: `${number}#${kind}#${id}`,
});
export const searchGramCountKey = (scope: string, gram: string): Key => ({
  pk: `SRCHDF#${scope}#${gram}`,
  sk: 'SRCHDF',
});
/** A fanned-out audit run's segment results (`RECON#<run>`, sk `<segment>#<chunk>`), combined by its last step. */
export const reconcileRunPartition = (run: string) => `RECON#${run}`;
export const reconcilePartKey = (run: string, segment: number, chunk: number): Key => ({
  pk: reconcileRunPartition(run),
  sk: `${String(segment).padStart(5, '0')}#${String(chunk).padStart(5, '0')}`,
});
