import type { Requester } from '../../core/engine/engine-types.js';
import { UserFacingError } from '../../core/user-facing-error.js';
import { withAdminRights } from './slack-admins.js';
import { deletedMessage } from './slack-blocks.js';
import type { Audience, SlackContext } from './slack-context.js';
import { slackFailureOf } from './slack-errors.js';
import { readSlackTarget } from './slack-target.js';

/**
 * Delete, for the member who asked or a workspace admin: the turn and its stored images go from the store at once
 * (before the listener returns), then its files (`files.delete`) and messages (`chat.delete`) from Slack. The
 * root message anchors the thread, so it is kept and marked deleted.
 */
export async function deleteTurnForMember(
  context: SlackContext,
  turnId: string,
  member: Requester,
  audience: Audience,
): Promise<void> {
  const { engine } = context;
  const turn = await engine.getTurn(turnId, member);
  if (!turn) throw new UserFacingError('already_deleted', 'That turn was already deleted.');
  const requester = await withAdminRights(context, member, turn.authorId);
  const job = await engine.getJob(turn.jobId, member);
  const links = await engine.deleteTurn(turn.id, requester);
  const root = job ? readSlackTarget(job.delivery) : undefined;
  context.tasks.run('delete messages', async () => {
    const client = context.clients.delivery;
    const removals = links.map(async (link) => {
      try {
        if (link.messageId.startsWith('file:'))
          await client.files.delete({ file: link.messageId.slice('file:'.length) });
        else await client.chat.delete({ channel: link.channelId, ts: link.messageId });
      } catch (error) {
        const code = slackFailureOf(error)?.code;
        if (code !== 'message_not_found' && code !== 'file_not_found') throw error;
      }
    });
    if (root?.rootTs && root.statusTs === root.rootTs) {
      const marked = deletedMessage(member.memberId);
      removals.push(client.chat.update({ channel: root.channel, ts: root.rootTs, ...marked }).then(() => undefined));
    }
    const failed = (await Promise.allSettled(removals)).filter((result) => result.status === 'rejected');
    if (failed.length > 0) {
      const first = failed[0] as PromiseRejectedResult;
      await context.tell(audience, first.reason, { action: 'delete', turnId: turn.id, failed: failed.length });
    }
  });
}
