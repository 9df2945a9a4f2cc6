import type { JobError } from '../../core/records.js';
import { newReferenceId } from '../../logging/logger.js';
import type { Audience, SlackOutbound } from './slack-context.js';
import { memberSentenceFor, SlackDeliveryError, slackFailureOf } from './slack-errors.js';
import { escapeMrkdwn } from './slack-text.js';

/** Codes that are the member's own doing (a bad flag, an unknown model): logged at info, not as a warning. */
const memberMistakes =
  /^(unknown_flag|duplicate_flag|flag_without_value|bad_|option_conflict|control_character|unknown_model|unknown_button|not_allowed|not_cancellable|nothing_to_edit|empty_|prompt_|too_many|not_an_image|image_too|size_ratio|model_|mask_)/;

/**
 * The one error sink of the Slack platform: the member gets a short, specific sentence (ephemeral where possible:
 * the `response_url`, else `chat.postEphemeral`, else a DM from the app), the operator one structured log line.
 */
export function createTeller(context: Pick<SlackOutbound, 'logger' | 'clients'>): SlackOutbound['tell'] {
  async function viaResponseUrl(url: string, text: string): Promise<boolean> {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text }),
      signal: AbortSignal.timeout(10_000),
    });
    await response.body?.cancel();
    return response.ok;
  }

  async function say(audience: Audience, text: string): Promise<string> {
    const client = context.clients.listener;
    const attempts: Array<[string, () => Promise<unknown>]> = [];
    if (audience.responseUrl) {
      const url = audience.responseUrl;
      attempts.push([
        'response_url',
        async () => {
          if (!(await viaResponseUrl(url, text))) throw new Error('response_url refused');
        },
      ]);
    }
    attempts.push([
      'ephemeral',
      () =>
        client.chat.postEphemeral({
          channel: audience.channel,
          user: audience.user,
          text,
          ...(audience.threadTs ? { thread_ts: audience.threadTs } : {}),
        }),
    ]);
    attempts.push(['direct message', () => client.chat.postMessage({ channel: audience.user, text })]);
    for (const [how, attempt] of attempts) {
      try {
        await attempt();
        return how;
      } catch {
        // Next way; the log line below says whether any worked.
      }
    }
    return 'nowhere';
  }

  return async (audience, error, details = {}) => {
    const { code, sentence, mrkdwn, reference } = isJobError(error)
      ? { code: error.code, sentence: error.message, mrkdwn: escapeMrkdwn(error.message), reference: undefined }
      : memberSentenceFor(error, audience.channel, newReferenceId);
    const told = await say(audience, mrkdwn);
    const slackError = slackErrorOf(error);
    const line = {
      platform: 'slack',
      code,
      ...(slackError ? { slackError } : {}),
      channel: audience.channel,
      user: audience.user,
      told,
      ...details,
    };
    if (reference) context.logger.error({ ...line, reference, err: error }, 'slack: request failed; member told');
    else if (memberMistakes.test(code)) context.logger.info(line, `slack: member told: ${sentence}`);
    else context.logger.warn(line, `slack: member told: ${sentence}`);
  };
}

/** A job's stored failure (its sentence was written for the member when the job failed). */
function isJobError(error: unknown): error is JobError {
  return (
    !(error instanceof Error) && typeof error === 'object' && error !== null && 'code' in error && 'message' in error
  );
}

/** Slack's own error code behind a failure, for the operator's line. */
function slackErrorOf(error: unknown): string | undefined {
  if (error instanceof SlackDeliveryError) return error.failure.code;
  return slackFailureOf(error)?.code;
}
