import { z } from 'zod';

/**
 * Identities on Slack: idempotency keys for the engine, and the ids Block Kit elements carry. Buttons hold only
 * store ids (a turn, a job), so they keep working after a restart.
 */

/** A member's message: the same key whether it arrived as `message` or `app_mention` (or as a retry). */
export const messageKey = (team: string, channel: string, ts: string) => `slack:${team}:${channel}:${ts}`;

/** Slash commands have no message ts; their trigger id is unique per invocation. */
export const commandKey = (team: string, channel: string, triggerId: string) =>
  `slack:${team}:${channel}:command:${triggerId}`;

/** A button press: the message it sits on and the press's own `action_ts`. */
export const actionKey = (team: string, channel: string, messageTs: string, actionTs: string) =>
  `slack:${team}:${channel}:${messageTs}:action:${actionTs}`;

/** A modal submission: the view id is unique per opened modal. */
export const viewKey = (team: string, channel: string, viewId: string) => `slack:${team}:${channel}:view:${viewId}`;

export type ActionKind =
  | 'cancel'
  | 'retry'
  | 'redeliver'
  | 'reroll'
  | 'variations'
  | 'upscale'
  /** An Upscale whose button carried Slack's confirmation dialog with the cost: the member confirmed it. */
  | 'upscaleok'
  | 'edit'
  | 'delete';

/** `tp:<kind>` or `tp:<kind>:<output index>` (action ids must be unique within a block). */
export const actionId = (kind: ActionKind, index?: number) =>
  index === undefined ? `tp:${kind}` : `tp:${kind}:${index}`;

export const actionIdPattern =
  /^tp:(cancel|retry|redeliver|reroll|variations|upscale|upscaleok|edit|delete)(?::(\d))?$/;

export const editCallbackId = 'tp:edit';
export const instructionBlockId = 'instruction';

const storeId = z.string().regex(/^[\w-]{1,64}$/);

export interface ParsedAction {
  readonly kind: ActionKind;
  readonly index?: number;
  /** A turn id (reroll, variations, edit, delete) or a job id (cancel, retry, redeliver). */
  readonly id: string;
}

export function parseAction(id: string, value: string | undefined): ParsedAction | undefined {
  const match = actionIdPattern.exec(id);
  const parsed = storeId.safeParse(value);
  if (!match?.[1] || !parsed.success) return undefined;
  return {
    kind: match[1] as ActionKind,
    id: parsed.data,
    ...(match[2] !== undefined ? { index: Number(match[2]) } : {}),
  };
}

/** What the Edit modal carries through Slack: the turn, and where its conversation lives. */
export const modalMetadataSchema = z.object({
  turn: storeId,
  index: z.number().int().min(0).max(9).optional(),
  channel: z.string().min(1).max(32),
  thread: z.string().min(1).max(32),
});

export type ModalMetadata = z.infer<typeof modalMetadataSchema>;

export function parseModalMetadata(raw: string): ModalMetadata | undefined {
  try {
    const parsed = modalMetadataSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
