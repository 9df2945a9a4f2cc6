import { z } from 'zod';

/** The envelope fields of an Events API delivery that say whose it is. */
export const eventEnvelopeSchema = z.object({
  team_id: z.string().optional(),
  event_id: z.string().optional(),
  authorizations: z.array(z.object({ team_id: z.string().nullish() })).optional(),
});

export type EventEnvelope = z.infer<typeof eventEnvelopeSchema>;

export interface EventTeams {
  /** Where the app is installed: conversations, quotas, settings and idempotency keys live under it. */
  readonly installed: string;
  /** The sender's own team; another organisation's for an external member of a Slack Connect channel. */
  readonly sender: string;
}

/**
 * Whose event it is. In a Slack Connect channel the envelope's `team_id` can be the sender's team, so a
 * conversation looked up by it is not found for an external member (or is made under the wrong workspace). The
 * installed team is `authorizations[0].team_id`, as Bolt reads it (`context.teamId`); the envelope's and the
 * message's team are fallbacks for payloads without authorizations.
 *
 * @see https://github.com/slackapi/bolt-js/blob/main/src/App.ts (buildSource)
 */
export function eventTeams(envelope: unknown, message: { team?: string; user_team?: string }): EventTeams {
  const parsed = eventEnvelopeSchema.safeParse(envelope);
  const body = parsed.success ? parsed.data : {};
  const installed = body.authorizations?.[0]?.team_id ?? body.team_id ?? message.team ?? '';
  return { installed, sender: message.user_team ?? message.team ?? body.team_id ?? installed };
}
