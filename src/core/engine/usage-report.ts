import { effectiveQuota, type QuotaLimits, quotaWindowMs, windowStart } from '../jobs/quota.js';
import type { Platform, ServerSettings } from '../records.js';
import type { Store, UsageSummaryRow } from '../store.js';
import type { Requester } from './engine-types.js';

/** Cost units used in one quota window, and the limit that holds there (none when unset). */
export interface UsageFigure {
  readonly units: number;
  readonly limit?: number;
}

/** What `/usage` shows, counted in the very windows the quotas use. */
export interface UsageReport {
  readonly lastHour: UsageFigure;
  readonly lastDay: UsageFigure;
  /** The member's last 24 hours, per model. */
  readonly byModel: readonly UsageSummaryRow[];
  /** The whole workspace's last 24 hours: for admins only. */
  readonly workspaceDay?: UsageFigure;
}

/** The requester's usage in the rolling hour and day the quotas count, with the workspace's limits over the operator's. */
export async function usageReportFor(
  store: Store,
  requester: Requester,
  options: { readonly now: number; readonly defaults: QuotaLimits; readonly server: ServerSettings },
): Promise<UsageReport> {
  const { now } = options;
  const member: { platform: Platform; workspaceId: string; memberId: string } = {
    platform: requester.platform,
    workspaceId: requester.workspaceId,
    memberId: requester.memberId,
  };
  const limits = effectiveQuota(options.defaults, options.server);
  const since = { hour: windowStart(now, quotaWindowMs.hour), day: windowStart(now, quotaWindowMs.day) };
  const [lastHour, lastDay, byModel, workspace] = await Promise.all([
    store.sumUsage({ ...member, since: since.hour }),
    store.sumUsage({ ...member, since: since.day }),
    store.usageSummary({ ...member, since: since.day }),
    requester.isAdmin
      ? store.sumUsage({ platform: member.platform, workspaceId: member.workspaceId, since: since.day })
      : undefined,
  ]);
  const figure = (units: number, limit: number | undefined): UsageFigure => ({
    units,
    ...(limit !== undefined ? { limit } : {}),
  });
  return {
    lastHour: figure(lastHour, limits.memberPerHour),
    lastDay: figure(lastDay, limits.memberPerDay),
    byModel,
    ...(workspace !== undefined ? { workspaceDay: figure(workspace, limits.serverPerDay) } : {}),
  };
}
