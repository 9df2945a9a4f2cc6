import type { App, types } from '@slack/bolt';
import { z } from 'zod';
import { imageGone } from '../../core/engine/ownership.js';
import { newReferenceId } from '../../logging/logger.js';
import type { SlackContext } from './slack-context.js';
import { memberSentenceFor } from './slack-errors.js';
import { editCallbackId, instructionBlockId, type ModalMetadata, parseModalMetadata, viewKey } from './slack-ids.js';
import { slackDelivery } from './slack-target.js';

/** The Edit modal: one instruction field; the turn rides in `private_metadata` (no lookup before opening it). */
export function editModal(metadata: ModalMetadata): types.ModalView {
  return {
    type: 'modal',
    callback_id: editCallbackId,
    private_metadata: JSON.stringify(metadata),
    title: { type: 'plain_text', text: 'Edit image' },
    submit: { type: 'plain_text', text: 'Edit' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'input',
        block_id: instructionBlockId,
        label: { type: 'plain_text', text: 'What should change?' },
        element: {
          type: 'plain_text_input',
          action_id: instructionBlockId,
          multiline: true,
          max_length: 2000,
          placeholder: { type: 'plain_text', text: 'make it night time --ar 16:9' },
        },
      },
    ],
  };
}

const submissionSchema = z.object({
  team: z.object({ id: z.string() }).nullable().optional(),
  user: z.object({ id: z.string(), team_id: z.string().optional() }),
  view: z.object({
    id: z.string(),
    /** Set when the modal was opened from a Slack Connect channel: the team the app is installed in. */
    app_installed_team_id: z.string().optional(),
    private_metadata: z.string().default(''),
    state: z.object({
      values: z.record(z.string(), z.record(z.string(), z.object({ value: z.string().nullable().optional() }))),
    }),
  }),
});

type ViewAck = (response?: { response_action: 'errors'; errors: Record<string, string> }) => Promise<void>;

/** A submitted Edit modal becomes an edit of the picked turn, exactly like a thread reply; errors show in the field. */
export function registerEditModal(app: App, context: SlackContext): void {
  app.view(editCallbackId, async ({ ack, body }) => {
    const respond = ack as ViewAck;
    const parsed = submissionSchema.safeParse(body);
    const metadata = parsed.success ? parseModalMetadata(parsed.data.view.private_metadata) : undefined;
    if (!parsed.success || !metadata) {
      return respond({
        response_action: 'errors',
        errors: { [instructionBlockId]: 'This form is out of date; press Edit again.' },
      });
    }
    const { user, view } = parsed.data;
    // As Bolt reads it: in a Slack Connect channel `team` can be the member's own organisation.
    const team = view.app_installed_team_id ?? parsed.data.team?.id ?? user.team_id ?? '';
    const instruction = view.state.values[instructionBlockId]?.[instructionBlockId]?.value?.trim() ?? '';
    try {
      const turn = await context.engine.getTurn(metadata.turn, { platform: 'slack', workspaceId: team });
      if (!turn) throw imageGone();
      await context.engine.submit({
        platform: 'slack',
        workspaceId: team,
        memberId: user.id,
        idempotencyKey: viewKey(team, metadata.channel, view.id),
        action: 'edit',
        text: instruction,
        conversationId: turn.conversationId,
        target: { turnId: turn.id, index: metadata.index ?? 0 },
        channelId: metadata.channel,
        delivery: slackDelivery({ channel: metadata.channel, threadTs: metadata.thread }),
      });
      await respond();
    } catch (error) {
      const { code, sentence, reference } = memberSentenceFor(error, metadata.channel, newReferenceId);
      const line = { platform: 'slack', code, channel: metadata.channel, user: user.id, told: 'modal' };
      if (reference) context.logger.error({ ...line, reference, err: error }, 'slack: edit modal failed; member told');
      else context.logger.info(line, `slack: edit refused: ${sentence}`);
      await respond({ response_action: 'errors', errors: { [instructionBlockId]: sentence.slice(0, 2000) } });
    }
  });
}
