import { UserFacingError } from '../../core/user-facing-error.js';
import type { SlackOutbound } from './slack-context.js';
import { slackFailureOf } from './slack-errors.js';
import { fileSchema, type SlackFileRef, type UnseenFile } from './slack-message-event.js';

/** `files.info` answers for a file this token may not see. */
const notVisible = new Set(['file_not_found', 'file_deleted', 'access_denied']);

/**
 * A file object without URLs: Slack sends one for a file shared in a Slack Connect channel
 * (`file_access: "check_file_info"`) and for one hidden by a free plan's limit (`mode: "hidden_by_limit"`).
 *
 * @see https://docs.slack.dev/reference/objects/file-object#slack_connect_files
 */
export function isFileStub(file: SlackFileRef): boolean {
  return (
    file.file_access === 'check_file_info' ||
    file.mode === 'hidden_by_limit' ||
    (file.url_private === undefined && file.url_private_download === undefined)
  );
}

/**
 * Reads every stub with `files.info` (one call each, the files of one message only): a file the workspace may see
 * comes back whole; one it may not is listed as unseen, so the member is told and the rest of the message still runs.
 */
export async function resolveFileStubs(
  context: Pick<SlackOutbound, 'clients' | 'logger'>,
  files: readonly SlackFileRef[],
): Promise<{ visible: SlackFileRef[]; unseen: UnseenFile[] }> {
  const resolved = await Promise.all(files.map((file) => (isFileStub(file) ? lookUp(context, file) : file)));
  return {
    visible: resolved.filter((entry): entry is SlackFileRef => !('reason' in entry)),
    unseen: resolved.filter((entry): entry is UnseenFile => 'reason' in entry && 'name' in entry),
  };
}

async function lookUp(
  context: Pick<SlackOutbound, 'clients' | 'logger'>,
  stub: SlackFileRef,
): Promise<SlackFileRef | UnseenFile> {
  const name = stub.name ?? 'the shared file';
  if (!stub.id) return { name, reason: 'no_access' };
  let file: SlackFileRef;
  try {
    const info = await context.clients.listener.files.info({ file: stub.id });
    file = fileSchema.parse(info.file ?? {});
  } catch (error) {
    const code = slackFailureOf(error)?.code;
    if (code !== undefined && notVisible.has(code)) return { name, reason: 'no_access' };
    context.logger.warn(
      { platform: 'slack', code: code ?? 'internal', file: stub.id, err: error },
      'slack: files.info failed for a shared file',
    );
    throw new UserFacingError(
      'attachment_unavailable',
      `I couldn't look up ${name} in Slack. Share it again in a moment.`,
      {
        cause: error,
      },
    );
  }
  if (file.mode === 'hidden_by_limit') return { name: file.name ?? name, reason: 'hidden_by_limit' };
  return isFileStub(file) ? { name: file.name ?? name, reason: 'no_access' } : file;
}

/** What the member reads about files the workspace cannot see; `ranAnyway` when the rest of the message went ahead. */
export function unseenSentence(unseen: readonly UnseenFile[], ranAnyway: boolean): string {
  const hidden = unseen.filter((file) => file.reason === 'hidden_by_limit');
  const foreign = unseen.filter((file) => file.reason === 'no_access');
  const names = (list: readonly UnseenFile[]) => list.map((file) => file.name).join(', ');
  const parts = [
    ...(foreign.length > 0
      ? [
          `I can't see ${names(foreign)}: it was shared from another organisation's workspace (Slack Connect), and this workspace has no access to it.`,
        ]
      : []),
    ...(hidden.length > 0
      ? [`I can't see ${names(hidden)}: Slack hides it because of this workspace's file storage limit.`]
      : []),
  ];
  const next = ranAnyway
    ? 'I went ahead with the rest of your message.'
    : 'Share the image again from a message of your own in this workspace.';
  return `${parts.join(' ')} ${next}`;
}
