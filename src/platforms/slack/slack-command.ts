import type { App, SlashCommand } from '@slack/bolt';
import type { Requester } from '../../core/engine/engine-types.js';
import { isUserFacingError } from '../../core/user-facing-error.js';
import { newReferenceId } from '../../logging/logger.js';
import type { SlackContext } from './slack-context.js';
import { memberSentenceFor, slackFailureSentence } from './slack-errors.js';
import { commandKey } from './slack-ids.js';
import type { Membership } from './slack-membership.js';
import { blendText, helpText, modelsText, parseSubcommand, settingsText, usageText } from './slack-subcommands.js';
import { slackDelivery } from './slack-target.js';
import { promptFromSlack } from './slack-text.js';

type Ack = (response?: { response_type: 'ephemeral'; text: string }) => Promise<void>;

/**
 * `/imagine <prompt with flags>`, and `help`, `models`, `settings …`, `usage`. The listener only validates,
 * records and queues (the HTTP answer waits for it, `processBeforeResponse`): the job exists before Slack gets
 * its 200. The root message is posted after it returns; generation never runs here.
 */
export function registerImagineCommand(app: App, context: SlackContext, membership: Membership): void {
  app.command('/imagine', async ({ command, ack }) => {
    await handleCommand(context, membership, command, ack as Ack);
  });
}

async function handleCommand(
  context: SlackContext,
  membership: Membership,
  command: SlashCommand,
  ack: Ack,
): Promise<void> {
  const ephemeral = (text: string) => ack({ response_type: 'ephemeral', text });
  const requester: Requester = { platform: 'slack', workspaceId: command.team_id, memberId: command.user_id };
  const text = promptFromSlack(command.text ?? '');
  const refuse = async (error: unknown, details: Record<string, unknown> = {}) => {
    const { code, sentence, mrkdwn, reference } = memberSentenceFor(error, command.channel_id, newReferenceId);
    const line = {
      platform: 'slack',
      code,
      channel: command.channel_id,
      user: command.user_id,
      told: 'ack',
      ...details,
    };
    if (reference) context.logger.error({ ...line, reference, err: error }, 'slack: /imagine failed; member told');
    else context.logger.info(line, `slack: /imagine refused: ${sentence}`);
    await ephemeral(mrkdwn);
  };

  const subcommand = parseSubcommand(text, context.engine.catalogue);
  if (subcommand || text === '') {
    try {
      if (!subcommand || subcommand.kind === 'help') return await ephemeral(helpText());
      if (subcommand.kind === 'models') {
        const { member } = await context.engine.settings(requester);
        return await ephemeral(
          modelsText(context.engine.catalogue, member.defaultModel ?? context.engine.defaultModel),
        );
      }
      if (subcommand.kind === 'usage') return await ephemeral(usageText(await context.engine.usage(requester)));
      if (subcommand.kind === 'blend') return await ephemeral(blendText(context.engine.catalogue));
      return await ephemeral(await settingsText(context, requester, subcommand.args, command.channel_id));
    } catch (error) {
      return refuse(error, { subcommand: subcommand?.kind });
    }
  }

  const inbound = {
    ...requester,
    idempotencyKey: commandKey(command.team_id, command.channel_id, command.trigger_id),
    action: 'imagine',
    text,
    channelId: command.channel_id,
    // The root message is posted by the job's queued status, once the request is recorded.
    delivery: slackDelivery({ channel: command.channel_id, responseUrl: command.response_url }),
  } as const;
  try {
    // What the engine refuses (a channel the workspace's rules leave out, a flag) is answered before the bot joins.
    await context.engine.precheck(inbound);
  } catch (error) {
    if (isUserFacingError(error)) return refuse(error);
    return refuse(error, { step: 'precheck' });
  }

  const failure = await membership.ensure(command.channel_id);
  if (failure) {
    context.logger.warn(
      { platform: 'slack', code: failure.code, channel: command.channel_id, user: command.user_id, told: 'ack' },
      'slack: cannot post in the channel of a /imagine',
    );
    return ephemeral(slackFailureSentence(failure, command.channel_id));
  }

  try {
    await context.engine.submit(inbound);
  } catch (error) {
    if (isUserFacingError(error)) return refuse(error);
    return refuse(error, { step: 'submit' });
  }
  await ack();
}
