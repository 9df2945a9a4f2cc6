import type { GenerationRequest } from '../imagine-request.js';
import type { ModelSpec, SizeTier } from '../models/model-spec.js';
import type { Platform, ServerSettings } from '../records.js';
import type { QuotaGuard, Store, UsageQuery } from '../store.js';
import { UserFacingError } from '../user-facing-error.js';

export interface QuotaLimits {
  /** Cost units per member per rolling hour; 0 or undefined = no limit. */
  readonly memberPerHour?: number;
  readonly memberPerDay?: number;
  readonly serverPerDay?: number;
}

const hour = 3_600_000;
const day = 24 * hour;

/** The rolling windows quotas count in. */
export const quotaWindowMs = { hour, day } as const;

/** The first moment a rolling window ending now holds: a usage exactly one window old has left it. */
export function windowStart(now: number, windowMs: number): number {
  return now - windowMs + 1;
}

/** The limits that hold in a workspace: its own settings over the operator's; 0 or undefined is no limit. */
export function effectiveQuota(defaults: QuotaLimits, server: ServerSettings): QuotaLimits {
  const limit = (value: number | undefined) => (value ? { value } : undefined);
  const memberPerHour = limit(server.quotaMemberPerHour ?? defaults.memberPerHour);
  const memberPerDay = limit(server.quotaMemberPerDay ?? defaults.memberPerDay);
  const serverPerDay = limit(server.quotaServerPerDay ?? defaults.serverPerDay);
  return {
    ...(memberPerHour ? { memberPerHour: memberPerHour.value } : {}),
    ...(memberPerDay ? { memberPerDay: memberPerDay.value } : {}),
    ...(serverPerDay ? { serverPerDay: serverPerDay.value } : {}),
  };
}

/** Cost units of a request: per image, by quality, else by tier, else the model's base price. */
export function costOf(request: GenerationRequest): number {
  return Math.round(unitsPerImage(request.model, request.tier, request.quality) * request.count * 100) / 100;
}

/** Cost units of one image of a model at a tier (and quality, which wins where the model prices by it). */
export function unitsPerImage(model: ModelSpec, tier: SizeTier, quality?: string): number {
  const { cost } = model;
  return (quality !== undefined ? cost.byQuality?.[quality] : undefined) ?? cost.byTier?.[tier] ?? cost.perImage;
}

/**
 * What a request is charged against quotas and recorded as usage: its cost, or nothing for an offline preview (the
 * local renderer bills nobody, so a newcomer trying the playground never meets a quota).
 */
export function chargedUnits(request: GenerationRequest, offline: boolean): number {
  return offline ? 0 : costOf(request);
}

/** What a job that made `delivered` of the `requested` images is settled at: its charge, per image made. */
export function settledUnits(units: number, requested: number, delivered: number): number {
  const perImage = requested > 0 ? units / requested : units;
  return Math.round(perImage * delivered * 100) / 100;
}

/** A quota refusal; `retryAt` lets a platform show the time in the member's own clock. */
export class QuotaExceededError extends UserFacingError {
  override readonly name: string = 'QuotaExceededError';
  constructor(
    message: string,
    readonly retryAt: number,
  ) {
    super('quota_exceeded', message);
  }
}

export interface QuotaSubject {
  readonly platform: Platform;
  readonly workspaceId: string;
  readonly memberId: string;
  /** Admins (Manage Server, workspace admins) are exempt. */
  readonly exempt: boolean;
}

interface QuotaWindow {
  readonly limit: number;
  /** The server's own setting (not the operator's default) holds this limit. */
  readonly fromServer: boolean;
  readonly windowMs: number;
  readonly scope: QuotaScope;
  readonly guard: QuotaGuard;
}

/** The rolling windows a request counts against (none for an admin or a free request); server settings win. */
function quotaWindows(
  subject: QuotaSubject,
  units: number,
  defaults: QuotaLimits,
  server: ServerSettings,
  now: number,
): QuotaWindow[] {
  if (subject.exempt || units === 0) return [];
  const candidates = [
    {
      limit: server.quotaMemberPerHour ?? defaults.memberPerHour,
      fromServer: server.quotaMemberPerHour !== undefined,
      windowMs: hour,
      scope: quotaScopes.memberPerHour,
    },
    {
      limit: server.quotaMemberPerDay ?? defaults.memberPerDay,
      fromServer: server.quotaMemberPerDay !== undefined,
      windowMs: day,
      scope: quotaScopes.memberPerDay,
    },
    {
      limit: server.quotaServerPerDay ?? defaults.serverPerDay,
      fromServer: server.quotaServerPerDay !== undefined,
      windowMs: day,
      scope: quotaScopes.serverPerDay,
    },
  ];
  return candidates.flatMap(({ limit, ...window }) => {
    if (!limit) return [];
    const query: UsageQuery = {
      platform: subject.platform,
      workspaceId: subject.workspaceId,
      // A usage exactly one window old has left it: the member told "at 10:00" is let in at 10:00.
      since: windowStart(now, window.windowMs),
      ...(window.scope.perMember ? { memberId: subject.memberId } : {}),
    };
    return [{ ...window, limit, guard: { query, limit } }];
  });
}

/**
 * The guards the store checks again in the transaction that writes the reservation, so two processes (or two
 * requests at once) cannot both take the last units of a window.
 */
export function quotaGuards(
  subject: QuotaSubject,
  units: number,
  defaults: QuotaLimits,
  server: ServerSettings,
  now: number,
): QuotaGuard[] {
  return quotaWindows(subject, units, defaults, server, now).map((window) => window.guard);
}

/**
 * Refuses a request that would take a member or a server past a rolling-window quota, saying when the member can
 * go again. Server settings override the operator's defaults.
 */
export async function checkQuota(
  store: Store,
  subject: QuotaSubject,
  units: number,
  defaults: QuotaLimits,
  server: ServerSettings,
  now: number,
): Promise<void> {
  for (const { limit, fromServer, windowMs, scope, guard } of quotaWindows(subject, units, defaults, server, now)) {
    const used = await store.sumUsage(guard.query);
    if (used + units <= limit) continue;
    const raise = fromServer
      ? "This server's admins set this limit in the bot's settings."
      : `The bot's operator sets this limit (${scope.variable}); server admins can set their own in the bot's settings.`;
    if (units > limit) {
      throw new UserFacingError(
        'quota_exceeded',
        `This request costs ${format(units)} units, more than the limit of ${format(limit)} ${scope.per}. Ask for fewer or smaller images. ${raise}`,
      );
    }
    const releaseAt = await store.usageReleaseAt({ ...guard.query, units: used + units - limit });
    const when = releaseAt === undefined ? now + windowMs : releaseAt + windowMs;
    const whose = scope.perMember ? 'You have' : 'This server has';
    throw new QuotaExceededError(
      `${whose} used ${format(used)} of ${format(limit)} image units ${scope.window}; this request needs ${format(units)}. You can go again ${describeWait(when - now)} (at ${new Date(when).toISOString().slice(11, 16)} UTC). ${raise}`,
      when,
    );
  }
}

interface QuotaScope {
  readonly perMember: boolean;
  /** "per hour", for a request bigger than the whole limit. */
  readonly per: string;
  /** "this hour", for the usage so far. */
  readonly window: string;
  /** The operator's setting, named so a refusal says how the limit is raised. */
  readonly variable: string;
}

const quotaScopes = {
  memberPerHour: { perMember: true, per: 'per hour', window: 'this hour', variable: 'QUOTA_MEMBER_PER_HOUR' },
  memberPerDay: { perMember: true, per: 'per day', window: 'today', variable: 'QUOTA_MEMBER_PER_DAY' },
  serverPerDay: {
    perMember: false,
    per: 'per day for this server',
    window: 'today',
    variable: 'QUOTA_SERVER_PER_DAY',
  },
} as const satisfies Record<string, QuotaScope>;

function format(units: number): string {
  return Number.isInteger(units) ? String(units) : units.toFixed(1);
}

/** `in 3 minutes`, `in about 2 hours`; `approximate` says "about" for minutes too (a wait someone else announced). */
export function describeWait(ms: number, options: { readonly approximate?: boolean } = {}): string {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  if (minutes < 60) return `in ${options.approximate ? 'about ' : ''}${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.round(minutes / 60);
  return `in about ${hours} hour${hours === 1 ? '' : 's'}`;
}
