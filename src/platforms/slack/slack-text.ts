import type { QuotaExceededError } from '../../core/jobs/quota.js';
import type { JobInput, TurnParameters } from '../../core/records.js';

/** Text going into mrkdwn: Slack requires `&`, `<` and `>` escaped (api.slack.com "Formatting text"). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Cuts mrkdwn to `max` characters with an ellipsis, never inside an entity (`&amp;`) or a `<…>` token (a mention, a
 * date), which Slack would show broken or refuse.
 */
export function truncateMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text
    .slice(0, max - 1)
    .replace(/&[a-z]*$/i, '')
    .replace(/<[^>]*$/, '');
  return `${cut}…`;
}

/** Member text as a mrkdwn block quote: runs of blank lines collapsed to one line break, escaped, every line quoted. */
export function quoteMrkdwn(text: string): string {
  const lines = text
    .replace(/\r\n?/g, '\n')
    .replace(/\n\s*\n/g, '\n')
    .trim();
  return escapeMrkdwn(lines)
    .split('\n')
    .map((line) => `>${line}`)
    .join('\n');
}

/**
 * A member's message text as a prompt: the bot's own mention removed, other mentions, channels and links turned
 * back into readable text, entities decoded (Slack escapes `&`, `<`, `>` in messages and slash command text).
 */
export function promptFromSlack(text: string, botUserId?: string): string {
  return text
    .replace(/<([@#!])([^>|]+)(?:\|([^>]*))?>/g, (_whole, sigil: string, id: string, label: string | undefined) => {
      if (sigil === '@' && id === botUserId) return ' ';
      if (sigil === '#') return label ? `#${label}` : `#${id}`;
      if (sigil === '@') return label ? `@${label}` : `@${id}`;
      return label ?? '';
    })
    .replace(
      /<((?:https?|mailto):[^>|]+)(?:\|([^>]*))?>/g,
      (_whole, url: string, label: string | undefined) => label ?? url,
    )
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

/** Whether the text mentions the bot. */
export const mentionsBot = (text: string, botUserId: string) => new RegExp(`<@${botUserId}(\\|[^>]*)?>`).test(text);

/** The parameters that reproduce a turn, in one line: `gpt-image-1 · 1536x1024 · quality high · seed 42`. */
export function describeTurnParameters(parameters: TurnParameters): string {
  const parts = [parameters.model];
  if (parameters.aspectRatio) parts.push(parameters.aspectRatio);
  // Gemini's wire size is the ratio itself: say it once.
  if (parameters.size && parameters.size !== parameters.aspectRatio) parts.push(parameters.size);
  if (parameters.imageSize) parts.push(parameters.imageSize);
  if (parameters.quality) parts.push(`quality ${parameters.quality}`);
  if (parameters.seed !== undefined) parts.push(`seed ${parameters.seed}`);
  if (parameters.negativePrompt) parts.push(`no: ${parameters.negativePrompt}`);
  if (parameters.count > 1) parts.push(`${parameters.count} images`);
  return parts.join(' · ');
}

/** What was asked for, before the job ran (the model resolved to the default when none was named). */
export function describeRequestedInput(input: JobInput, defaultModel: string): string {
  const parts = [input.model ?? defaultModel];
  if (input.aspectRatio) parts.push(`--ar ${input.aspectRatio}`);
  if (input.size) parts.push(`--size ${input.size}`);
  if (input.quality) parts.push(`quality ${input.quality}`);
  if (input.seed !== undefined) parts.push(`seed ${input.seed}`);
  if (input.negativePrompt) parts.push(`no: ${input.negativePrompt}`);
  if ((input.count ?? 1) > 1) parts.push(`${input.count} images`);
  if (input.attachments.length > 0)
    parts.push(`${input.attachments.length} reference image${input.attachments.length > 1 ? 's' : ''}`);
  return parts.join(' · ');
}

/** A Slack date token: every member sees the time in their own time zone. */
export function slackTime(epochMs: number, fallback: string): string {
  return `<!date^${Math.floor(epochMs / 1000)}^{time}|${fallback}>`;
}

/** A quota refusal as mrkdwn, with the time shown in the member's own clock instead of UTC. */
export function quotaSentence(error: QuotaExceededError): string {
  const fallback = `${new Date(error.retryAt).toISOString().slice(11, 16)} UTC`;
  const local = slackTime(error.retryAt, fallback);
  const message = escapeMrkdwn(error.message);
  const replaced = message.replace(/\(at \d\d:\d\d UTC\)/, `(at ${local})`);
  return replaced === message ? `${message} (at ${local})` : replaced;
}
