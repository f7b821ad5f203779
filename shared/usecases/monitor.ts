/**
 * The collateral monitor (API.md v2), the daily scheduled run: for every right held by a registered, unreleased
 * pledge (`registered`, `active`, `defaulted`, `disposed`) or covered by an active policy, the alerts of the day
 * (domain/collateral-monitor.ts). A new alert notifies the bank and the owner (`collateral.<type>`) or the insurer
 * (`insured_asset.<type>`), once per right, type and due date; the lender's and the office's collateral-watch lists
 * show the rights with open alerts. Reads: one Query per 100 pledges or policies of those states and one BatchGet
 * per page for their rights and watches — never the table. Idempotent for its business date: a second run finds
 * every watch as it would write it and writes nothing.
 */
import { type Actor, tenantOf } from '../domain/actor.js';
import type { Asset } from '../domain/asset.js';
import { alertsOn, nextAlerts } from '../domain/collateral-monitor.js';
import { legalStatusOn } from '../domain/legal-status.js';
import { maturityOf } from '../domain/loan.js';
import type { NotificationDraft } from '../domain/notification.js';
import type { Pledge } from '../domain/pledge.js';
import type { PledgeStatus } from '../domain/pledge-state-machine.js';
import type { Policy } from '../domain/policy.js';
import { assetKey } from '../store/keys.js';
import { NotificationRepository } from '../store/notification-repository.js';
import { PledgeRepository } from '../store/pledge-repository.js';
import { PolicyRepository } from '../store/policy-repository.js';
import { eachPage, type Page, type PageRequest } from '../store/query-page.js';
import { toResource } from '../store/records.js';
import { ConditionsFailed } from '../store/toolkit.js';
import { type Watch, WatchRepository, watchKey } from '../store/watch-repository.js';
import type { UseCaseContext } from './context.js';

/** The pledge states whose rights are collateral: registered and not released. */
const WATCHED_PLEDGES: readonly PledgeStatus[] = ['registered', 'active', 'defaulted', 'disposed'];

export interface MonitorResult {
  /** Rights watched (a right in two watches counts twice). */
  watched: number;
  /** Alerts raised in this run (each notified). */
  raised: number;
  /** Watches whose open alerts changed. */
  changed: number;
}

interface Watcher {
  scope: string;
  subject: Watch['subject'];
  assetIds: string[];
  /** Who is told of a new alert, and under which type prefix. */
  tell: string[];
  prefix: 'collateral' | 'insured_asset';
  maturesOn?: string;
}

const pledgeWatcher = (p: Pledge): Watcher => ({
  scope: tenantOf({ role: 'lender', org: p.lenderId }),
  subject: { kind: 'pledge', id: p.id },
  assetIds: p.assetIds,
  tell: [tenantOf({ role: 'lender', org: p.lenderId }), tenantOf({ role: 'enterprise', org: p.applicant })],
  prefix: 'collateral',
  maturesOn: p.loan ? maturityOf(p.loan) : p.maturesOn,
});

const policyWatcher = (p: Policy): Watcher => ({
  scope: tenantOf({ role: 'insurer', org: p.insurerId }),
  subject: { kind: 'policy', id: p.id },
  assetIds: p.assetIds,
  tell: [tenantOf({ role: 'insurer', org: p.insurerId })],
  prefix: 'insured_asset',
});

export async function runCollateralMonitor(uc: UseCaseContext, pageSize = 100): Promise<MonitorResult> {
  const result: MonitorResult = { watched: 0, raised: 0, changed: 0 };
  const pledges = new PledgeRepository(uc.store);
  const policies = new PolicyRepository(uc.store);
  for (const status of WATCHED_PLEDGES)
    await eachPage(
      (page) => pledges.inState(status, page),
      pageSize,
      (items) => watch(uc, items.map(pledgeWatcher), result),
    );
  await eachPage(
    (page) => policies.activePage(page),
    pageSize,
    (items) => watch(uc, items.map(policyWatcher), result),
  );
  return result;
}

/** One page of watchers: their rights and watches in one BatchGet, then a write for each watch that changed. */
async function watch(uc: UseCaseContext, watchers: Watcher[], result: MonitorResult): Promise<void> {
  const pairs = watchers.flatMap((w) => w.assetIds.map((assetId) => ({ w, assetId })));
  const read = await uc.store.batchGet(
    [...pairs.map((p) => assetKey(p.assetId)), ...pairs.map(({ w, assetId }) => watchKey({ ...w, assetId }))],
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: a strongly consistent read costs twice and reads the same here, where no write is a moment old
    { consistent: false },
  );
  const today = uc.clock.today();
  const at = uc.clock.now().toISOString();
  const watches = new WatchRepository(uc.store);
  for (const { w, assetId } of pairs) {
    const item = read.get(assetKey(assetId));
    if (!item) continue;
    result.watched++;
    const asset = toResource<Asset>(item);
    const storedItem = read.get(watchKey({ ...w, assetId }));
    const stored = storedItem ? toResource<Watch>(storedItem) : undefined;
    const next = nextAlerts(alertsOn(asset, today, w.maturesOn), stored ?? { open: [], raised: [] }, today);
    const unchanged =
      stored !== undefined &&
      JSON.stringify(stored.open) === JSON.stringify(next.open) &&
      JSON.stringify(stored.raised) === JSON.stringify(next.raised);
    if (unchanged || (stored === undefined && next.open.length === 0)) continue;
    const drafts: NotificationDraft[] = next.raisedNow.flatMap((alert) =>
      w.tell.map((tenant) => ({
        tenant,
        type: `${w.prefix}.${alert.type}`,
        subject: { kind: 'asset' as const, id: asset.id },
        title: `${asset.number}: ${alert.type.replace(/_/g, ' ')}${alert.dueOn ? ` (${alert.dueOn})` : ''}`,
        at,
        eventId: `monitor:${w.subject.kind}:${w.subject.id}:${asset.id}:${alert.type}:${alert.dueOn ?? '-'}`,
      })),
    );
    const saved: Watch = {
      scope: w.scope,
      subject: w.subject,
      asset: {
        id: asset.id,
        kind: asset.kind,
        number: asset.number,
        legalStatus: legalStatusOn(asset, today),
      },
      owner: asset.owner,
      open: next.open,
      raised: next.raised,
      version: (stored?.version ?? 0) + 1,
    };
    try {
      await uc.store.transact([
        watches.save(saved, stored?.version ?? 0),
        ...new NotificationRepository(uc.store).deliver(drafts),
      ]);
    } catch (error) {
      // Another run got there first: it wrote what this one would.
      if (error instanceof ConditionsFailed && error.has('watch')) continue;
      throw error;
    }
    result.changed++;
    result.raised += next.raisedNow.length;
  }
}

/** The rights with open alerts: a lender's own pledges', or every pledge's for the IP office. */
export async function listCollateralWatch(
  uc: UseCaseContext,
  actor: Actor,
  page: PageRequest,
): Promise<Page<Watch>> {
  // Stryker disable next-line StringLiteral: a lender always has its organisation (the directory's); '' only types it
  return new WatchRepository(uc.store).list(actor.role === 'ipoffice' ? undefined : (actor.org ?? ''), page);
}
