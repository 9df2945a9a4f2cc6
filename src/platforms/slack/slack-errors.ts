import { webApi } from '@slack/bolt';
import { QuotaExceededError } from '../../core/jobs/quota.js';
import { isUserFacingError, type UserFacingCode, UserFacingError } from '../../core/user-facing-error.js';
import { escapeMrkdwn, quotaSentence } from './slack-text.js';

/** What went wrong with a Web API call, as data. */
export interface SlackFailure {
  /** Slack's error (`not_in_channel`, `missing_scope`, …), `ratelimited`, `http_<status>` or `request_failed`. */
  readonly code: string;
  /** Seconds Slack asked to wait (a 429). */
  readonly retryAfter?: number;
  /** The scope a `missing_scope` needs. */
  readonly needed?: string;
}

/** Reads a Web API error; undefined for anything that did not come from the Web API client. */
export function slackFailureOf(error: unknown): SlackFailure | undefined {
  if (!(error instanceof Error) || !('code' in error)) return undefined;
  const { ErrorCode } = webApi;
  switch ((error as { code: unknown }).code) {
    case ErrorCode.PlatformError: {
      const data = (error as webApi.WebAPIPlatformError).data as { error?: string; needed?: string };
      return { code: data.error ?? 'platform_error', ...(data.needed ? { needed: data.needed } : {}) };
    }
    case ErrorCode.RateLimitedError:
      return { code: 'ratelimited', retryAfter: (error as webApi.WebAPIRateLimitedError).retryAfter };
    case ErrorCode.HTTPError:
      return { code: `http_${(error as webApi.WebAPIHTTPError).statusCode}` };
    case ErrorCode.RequestError:
      return { code: 'request_failed' };
    default:
      return undefined;
  }
}

/** The member-facing code of a Slack failure: one per sentence, the rest `slack_refused` (the log keeps Slack's own). */
export function slackFailureCode(failure: SlackFailure): UserFacingCode {
  switch (failure.code) {
    case 'not_in_channel':
    case 'channel_not_found':
    case 'private_channel':
    case 'is_archived':
    case 'missing_scope':
    case 'ratelimited':
      return `slack_${failure.code}`;
    case 'invalid_auth':
    case 'not_authed':
    case 'token_revoked':
    case 'token_expired':
    case 'account_inactive':
      return 'slack_token_invalid';
    default:
      return 'slack_refused';
  }
}

const invite = 'Invite me with `/invite @threadpaint`, then try again.';

/** The member's sentence for a Slack failure: specific, and saying what to do. */
export function slackFailureSentence(failure: SlackFailure, channelId = ''): string {
  switch (failure.code) {
    case 'not_in_channel':
      return `I'm not a member of this channel, so I can't post here. ${invite}`;
    case 'channel_not_found':
      return channelId.startsWith('D')
        ? "I can't post in this direct message. Use `/imagine` in a channel I'm in, or in your DM with threadpaint (Apps → threadpaint)."
        : `I can't see this conversation: it's private and I'm not in it. ${invite}`;
    case 'private_channel':
      return `This is a private channel I'm not in. ${invite}`;
    case 'is_archived':
      return "This channel is archived, so I can't post in it.";
    case 'missing_scope':
      return `The threadpaint Slack app is missing a permission it needs${failure.needed ? ` (\`${failure.needed}\`)` : ''}. A workspace admin has to reinstall it from the manifest in the README's Slack guide.`;
    case 'ratelimited':
      return 'Slack is rate-limiting me right now. Please try again in a minute.';
    case 'invalid_auth':
    case 'not_authed':
    case 'token_revoked':
    case 'token_expired':
    case 'account_inactive':
      return "threadpaint's Slack token is no longer valid. A workspace admin needs to reinstall the app (and update SLACK_BOT_TOKEN).";
    default:
      return `Slack refused that (\`${failure.code}\`). Please try again in a moment.`;
  }
}

/** A Slack failure during delivery, as the error the engine stores on the job (its message is shown to the member). */
export class SlackDeliveryError extends UserFacingError {
  override readonly name = 'SlackDeliveryError';
  constructor(
    readonly failure: SlackFailure,
    channelId: string,
    options: { cause?: unknown } = {},
  ) {
    super(slackFailureCode(failure), slackFailureSentence(failure, channelId), options);
  }
}

export interface MemberSentence {
  readonly code: string;
  /** Plain text, for places Slack shows as is (a modal's field error). */
  readonly sentence: string;
  /**
   * The same for a message: escaped, because errors quote what members and the image API wrote, and Slack reads
   * `<!channel>` in a message as a ping; the only markup added is Slack's own date token for a quota.
   */
  readonly mrkdwn: string;
  /** Set for errors nobody should see the inside of: the operator's log line carries it. */
  readonly reference?: string;
}

/** The member's sentence for anything thrown at the edge. */
export function memberSentenceFor(error: unknown, channelId: string, reference: () => string): MemberSentence {
  if (error instanceof QuotaExceededError) {
    return { code: error.code, sentence: error.message, mrkdwn: quotaSentence(error) };
  }
  const plain = (code: string, sentence: string, id?: string): MemberSentence => ({
    code,
    sentence,
    mrkdwn: escapeMrkdwn(sentence),
    ...(id ? { reference: id } : {}),
  });
  if (isUserFacingError(error)) return plain(error.code, error.message);
  const failure = slackFailureOf(error);
  if (failure) return plain(slackFailureCode(failure), slackFailureSentence(failure, channelId));
  const id = reference();
  return plain('internal', `Something went wrong on our side, sorry. Please try again (ref ${id}).`, id);
}
