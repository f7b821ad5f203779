/**
 * Business metrics: one CloudWatch metric per transition kind (the domain event's type, e.g. `pledge.approved`,
 * `policy.claim_paid`), counted where every transition passes exactly once: the stream publisher, after the bus has
 * accepted the event (a retried stream batch resumes after the events already published, so none counts twice).
 * Written as CloudWatch embedded metric format by Powertools Metrics (log lines, no PutMetricData call), offered
 * wherever CloudWatch Logs is, China included.
 *
 * Each count goes out twice: once with the service dimension only (the portal's total), and once per institution
 * the event names (the lender, the insurer), so the dashboard can show a bank's or an insurer's activity. Institution
 * ids are few and chosen by the IP office; enterprises (tens of thousands) are never a dimension.
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DomainEvent } from '../domain/domain-event.js';

export const BUSINESS_METRICS_NAMESPACE = 'IpFinancePortal/Business';
export const INSTITUTION_DIMENSION = 'institution';

/** The keys of an event's data that name an institution, and so become a dimension. */
const INSTITUTION_KEYS = ['lenderId', 'insurerId'] as const;

export const institutionsOf = (event: Pick<DomainEvent, 'data'>): string[] => [
  ...new Set(
    INSTITUTION_KEYS.map((key) => event.data[key]).filter(
      (v): v is string => typeof v === 'string' && /^[\w.-]{1,64}$/.test(v),
    ),
  ),
];

/** Counts the events on `metrics` (flushed by the caller with publishStoredMetrics). */
export function countTransitions(metrics: Metrics, events: readonly DomainEvent[]): void {
  for (const event of events) {
    metrics.addMetric(event.type, MetricUnit.Count, 1);
    for (const institution of institutionsOf(event)) {
      const single = metrics.singleMetric();
      single.addDimension(INSTITUTION_DIMENSION, institution);
      single.addMetric(event.type, MetricUnit.Count, 1);
    }
  }
}
