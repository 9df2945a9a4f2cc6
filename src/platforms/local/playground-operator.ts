import { z } from 'zod';
import type { OperatorFilter } from '../../core/engine/operator-types.js';
import type { PlatformEngine } from '../../core/platform/platform-engine.js';
import type { JobRecord, JobState } from '../../core/records.js';
import { UserFacingError } from '../../core/user-facing-error.js';
import type { ConfigCheckReport } from './playground-config.js';
import { jobErrorPart, jobTimesPart } from './playground-views.js';

const text = (name: string) =>
  z
    .string()
    .max(128, `\`${name}\` is over 128 characters.`)
    .regex(/^[\x21-\x7e]*$/, `\`${name}\` must be printable ASCII without spaces.`)
    .optional()
    .transform((value) => (value === '' ? undefined : value));

const stateGroups: Record<string, readonly JobState[]> = {
  active: ['queued', 'running', 'generated'],
  failed: ['failed', 'delivery_failed', 'interrupted'],
  done: ['delivered', 'cancelled'],
};

const filterSchema = z.object({
  platform: z
    .enum(['discord', 'slack', 'local', ''], { error: '`platform` must be discord, slack or local.' })
    .optional()
    .transform((value) => (value === '' ? undefined : value)),
  workspace: text('workspace'),
  member: text('member'),
  state: z
    .enum(['active', 'failed', 'done', ''], { error: '`state` must be active, failed or done.' })
    .optional()
    .transform((value) => (value === '' ? undefined : value)),
  limit: z.coerce
    .number({ error: '`limit` must be a number.' })
    .int('`limit` must be a whole number.')
    .min(1, '`limit` must be 1 or more.')
    .max(200, '`limit` must be at most 200.')
    .default(50),
});

function filterOf(query: URLSearchParams) {
  const parsed = filterSchema.safeParse(Object.fromEntries(query));
  if (!parsed.success) throw new UserFacingError('bad_request', parsed.error.issues[0]?.message ?? 'Bad filter.');
  const { platform, workspace, member, state, limit } = parsed.data;
  const filter: OperatorFilter = {
    ...(platform ? { platform } : {}),
    ...(workspace !== undefined ? { workspaceId: workspace } : {}),
    ...(member !== undefined ? { memberId: member } : {}),
  };
  return { filter, states: state ? stateGroups[state] : undefined, limit };
}

export interface OperatorApiOptions {
  readonly engine: PlatformEngine;
  /** Prompts of every platform are shown only to an operator who opened the console with the token. */
  readonly showPrompts: boolean;
  readonly configCheck?: () => Promise<ConfigCheckReport>;
}

/** The operator console's read-only API: jobs and usage across platforms, and the configuration check. */
export function createOperatorApi(options: OperatorApiOptions) {
  const { engine } = options;
  const view = (job: JobRecord) => ({
    id: job.id,
    platform: job.platform,
    workspaceId: job.workspaceId,
    memberId: job.memberId,
    action: job.action,
    state: job.state,
    ...(job.input.model ? { model: job.input.model } : {}),
    // A local prompt is the operator's own; another platform's only with the token.
    ...(options.showPrompts || job.platform === 'local' ? { prompt: job.input.prompt } : {}),
    ...jobErrorPart(job),
    ...(engine.position(job.id) !== undefined ? { position: engine.position(job.id) } : {}),
    ...jobTimesPart(job),
  });
  return {
    async jobs(query: URLSearchParams) {
      const { filter, states, limit } = filterOf(query);
      const jobs = await engine.listJobs({ ...filter, ...(states ? { states } : {}), limit });
      return { jobs: jobs.map(view), promptsShown: options.showPrompts };
    },
    async usage(query: URLSearchParams) {
      const { filter, limit } = filterOf(query);
      return engine.usageOverview(filter, limit);
    },
    async config(): Promise<ConfigCheckReport | { readonly unavailable: string }> {
      if (!options.configCheck) return { unavailable: 'No configuration check is wired into this process.' };
      return options.configCheck();
    },
  };
}

export type OperatorApi = ReturnType<typeof createOperatorApi>;
