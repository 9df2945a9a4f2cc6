import { z } from 'zod';

/**
 * Button and modal ids carry what is needed to find the turn or job in the store, so buttons keep working after
 * a restart (and from another process). Format `tp:<action>:<id>[:<index>]`, at most 100 characters.
 */
export type CustomId =
  | { readonly action: 'reroll' | 'delete'; readonly turnId: string }
  | {
      readonly action: 'vary' | 'edit' | 'editmodal' | 'upscale' | 'upscaleok';
      readonly turnId: string;
      readonly index: number;
    }
  | { readonly action: 'cancel' | 'retry' | 'redeliver'; readonly jobId: string }
  | { readonly action: 'ctxedit'; readonly channelId: string; readonly messageId: string };

const id = z.string().regex(/^[\w-]{1,40}$/);
const index = z.coerce.number().int().min(0).max(9);

export function encodeCustomId(value: CustomId): string {
  switch (value.action) {
    case 'reroll':
    case 'delete':
      return `tp:${value.action}:${value.turnId}`;
    case 'vary':
    case 'edit':
    case 'editmodal':
    case 'upscale':
    case 'upscaleok':
      return `tp:${value.action}:${value.turnId}:${value.index}`;
    case 'cancel':
    case 'retry':
    case 'redeliver':
      return `tp:${value.action}:${value.jobId}`;
    case 'ctxedit':
      return `tp:ctxedit:${value.channelId}:${value.messageId}`;
  }
}

/** Parses an id made by {@link encodeCustomId}; undefined for anything else (another bot's, a tampered one). */
export function parseCustomId(raw: string): CustomId | undefined {
  const [prefix, action, first, second] = raw.split(':');
  if (prefix !== 'tp' || first === undefined || !id.safeParse(first).success) return undefined;
  switch (action) {
    case 'reroll':
    case 'delete':
      return second === undefined ? { action, turnId: first } : undefined;
    case 'vary':
    case 'edit':
    case 'editmodal':
    case 'upscale':
    case 'upscaleok': {
      const parsed = index.safeParse(second);
      return parsed.success ? { action, turnId: first, index: parsed.data } : undefined;
    }
    case 'cancel':
    case 'retry':
    case 'redeliver':
      return second === undefined ? { action, jobId: first } : undefined;
    case 'ctxedit':
      return second !== undefined && id.safeParse(second).success
        ? { action, channelId: first, messageId: second }
        : undefined;
    default:
      return undefined;
  }
}
