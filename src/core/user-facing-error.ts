/**
 * Every condition a member can be told about, one code each. The list is closed: a new condition gets a new code
 * here (logs, tests and metrics key on these), and two sentences for one condition share one code.
 */
export const userFacingCodes = [
  // The request as typed (flags, options, text).
  'unknown_flag',
  'duplicate_flag',
  'flag_without_value',
  'bad_number',
  'bad_switch',
  'option_conflict',
  'control_character',
  'empty_prompt',
  'prompt_too_long',
  // The request against the model.
  'unknown_model',
  'bad_aspect',
  'bad_size',
  'size_ratio_conflict',
  'bad_count',
  'bad_seed',
  'bad_quality',
  'bad_background',
  'model_needs_image',
  'model_takes_no_images',
  'too_many_images',
  'no_larger_size',
  'bad_blend',
  'model_cannot_blend',
  'confirm_cost',
  'mask_unsupported',
  'mask_without_image',
  'mask_without_alpha',
  'mask_too_large',
  // Images a member sent, or that were stored.
  'not_an_image',
  'unsupported_image',
  'image_too_large',
  'image_too_many_pixels',
  'image_corrupt',
  'image_missing',
  'output_too_large',
  'attachment_unavailable',
  'attachment_not_visible',
  'attachment_host_refused',
  'too_many_links',
  // Conversations, turns and jobs.
  'conversation_expired',
  'turn_missing',
  'job_missing',
  'nothing_to_edit',
  'not_finished',
  'not_allowed',
  'not_cancellable',
  'already_deleted',
  'duplicate',
  'shutting_down',
  'quota_exceeded',
  'delivery_timeout',
  'bad_setting',
  // A workspace's channel rules (`/settings`, admins).
  'channel_not_allowed',
  'blocked_term',
  'model_not_allowed',
  'bad_request',
  'unknown_button',
  // Where the bot posts.
  'thread_locked',
  'thread_deleted',
  'thread_unreachable',
  'interaction_expired',
  'slack_no_thread',
  'slack_not_in_channel',
  'slack_channel_not_found',
  'slack_private_channel',
  'slack_is_archived',
  'slack_missing_scope',
  'slack_ratelimited',
  'slack_token_invalid',
  'slack_refused',
  // The command line.
  'file_not_found',
] as const;

export type UserFacingCode = (typeof userFacingCodes)[number];

/**
 * An error whose message is written for the member who caused it: short, specific, safe to show.
 * Platforms show `message` as is; anything that is not a UserFacingError is logged and replaced by a
 * generic apology with a reference id.
 */
export class UserFacingError extends Error {
  override readonly name: string = 'UserFacingError';
  constructor(
    /** Stable identifier for logs, tests and metrics. */
    readonly code: UserFacingCode,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

export function isUserFacingError(error: unknown): error is UserFacingError {
  return error instanceof UserFacingError;
}
