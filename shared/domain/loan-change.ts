/**
 * Changes to a running pledge loan that the IP office registers (变更登记): an extension of the maturity the lender
 * asks for, and the release of some of the pledged rights (部分解除). Pure rules; the schedule maths is `loan.ts`.
 */
import { compareDates, type IsoDate } from './dates.js';
import { type FieldIssue, unprocessable } from './errors.js';
import { monthsAfterMaturity } from './loan.js';
import type { Pledge } from './pledge.js';

/** An extension the lender asked for, waiting for the IP office to register it. */
export interface ChangeRequest {
  newMaturesOn: IsoDate;
  requestedAt: string;
}

/**
 * Every reason an extension to `newMaturesOn` is refused (422): not after the current maturity, the maturity
 * already passed (arrears are not rescheduled away), not a whole number of months later for a monthly product,
 * or a pledged right that expires before it. Checked when the lender asks and again when the office registers.
 */
export function checkExtension(pledge: Pledge, newMaturesOn: IsoDate, today: IsoDate): void {
  const issues: FieldIssue[] = [];
  if (compareDates(newMaturesOn, pledge.maturesOn) <= 0)
    issues.push({
      path: 'newMaturesOn',
      code: 'not_after_maturity',
      message: `must be after the current maturity ${pledge.maturesOn}`,
    });
  else if (
    pledge.loan &&
    pledge.loan.repaymentType !== 'bullet' &&
    !monthsAfterMaturity(pledge.loan, newMaturesOn)
  )
    issues.push({
      path: 'newMaturesOn',
      code: 'not_whole_months',
      message: `must fall a whole number of months after the current maturity ${pledge.maturesOn}`,
    });
  if (compareDates(pledge.maturesOn, today) <= 0)
    issues.push({
      path: 'newMaturesOn',
      code: 'maturity_passed',
      message: `the loan matured on ${pledge.maturesOn}: an overdue loan is not extended`,
    });
  pledge.assets.forEach((asset, i) => {
    if (compareDates(asset.expiresOn, newMaturesOn) < 0)
      issues.push({
        path: `assetIds.${i}`,
        code: 'expires_before_maturity',
        message: `${asset.number} expires on ${asset.expiresOn}, before the new maturity ${newMaturesOn}`,
      });
  });
  if (issues.length > 0)
    throw unprocessable('The pledged rights or the loan do not allow this extension.', { errors: issues });
}

/**
 * The rights a partial release frees, or every reason it is refused (422): each must be one of the pledge's, and
 * at least one must stay pledged (releasing all is the ordinary release).
 */
export function checkPartialRelease(pledge: Pledge, assetIds: readonly string[]): void {
  const issues: FieldIssue[] = [];
  assetIds.forEach((id, i) => {
    if (!pledge.assetIds.includes(id))
      issues.push({
        path: `assetIds.${i}`,
        code: 'not_pledged',
        message: `${id} is not pledged by this pledge`,
      });
  });
  if (issues.length === 0 && pledge.assetIds.every((id) => assetIds.includes(id)))
    issues.push({
      path: 'assetIds',
      code: 'releases_every_asset',
      message: 'at least one right must stay pledged; release the pledge itself to free them all',
    });
  if (issues.length > 0) throw unprocessable('The partial release was refused.', { errors: issues });
}
