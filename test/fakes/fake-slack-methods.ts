import { checkHomeView, checkView } from './fake-slack-blocks.js';
import { createFileMethods } from './fake-slack-file-methods.js';
import {
  type Args,
  createMethodHelpers,
  fail,
  type MethodContext,
  type MethodResult,
  str,
} from './fake-slack-method-helpers.js';

export type { MethodContext, MethodResult } from './fake-slack-method-helpers.js';

/** The Web API methods the bot uses, with the errors real Slack answers for the cases that matter. */
export function createMethods(context: MethodContext): Record<string, (args: Args) => MethodResult> {
  const helpers = createMethodHelpers(context);
  const { workspace, bot, postable, checkThread, blocksOf, checkText, echoMessage } = helpers;
  return {
    'auth.test': () => ({
      ok: true,
      url: 'https://fake.slack.com/',
      team: 'Fake',
      user: 'threadpaint',
      team_id: workspace.teamId,
      user_id: bot,
      bot_id: context.botId,
    }),

    'chat.postMessage'(args) {
      const channel = str(args['channel']);
      const refused = postable(channel) ?? checkThread(channel ?? '', str(args['thread_ts']));
      if (refused) return refused;
      const { blocks, failure } = blocksOf(args, 'invalid_blocks');
      if (failure) return failure;
      const text = str(args['text']);
      if (text === undefined && !blocks) return fail('no_text');
      checkText('chat.postMessage', args);
      const threadTs = str(args['thread_ts']);
      const message = workspace.addMessage({
        channel: channel as string,
        ...(threadTs ? { threadTs } : {}),
        user: bot,
        text: text ?? '',
        ...(blocks ? { blocks } : {}),
        fromBot: true,
        files: [],
      });
      echoMessage(message);
      return {
        ok: true,
        channel,
        ts: message.ts,
        message: { type: 'message', user: bot, bot_id: context.botId, text, ts: message.ts },
      };
    },

    'chat.update'(args) {
      const channel = str(args['channel']) ?? '';
      const message = workspace.message(channel, str(args['ts']) ?? '');
      if (!message || message.deleted) return fail('message_not_found');
      if (!message.fromBot) return fail('cant_update_message');
      const { blocks, failure } = blocksOf(args, 'invalid_blocks');
      if (failure) return failure;
      checkText('chat.update', args);
      if (args['text'] !== undefined) message.text = String(args['text']);
      if (blocks) message.blocks = blocks;
      echoMessage(message, { subtype: 'message_changed', hidden: true });
      return { ok: true, channel, ts: message.ts, text: message.text };
    },

    'chat.delete'(args) {
      const channel = str(args['channel']) ?? '';
      const message = workspace.message(channel, str(args['ts']) ?? '');
      if (!message || message.deleted) return fail('message_not_found');
      if (!message.fromBot) return fail('cant_delete_message');
      message.deleted = true;
      echoMessage(message, { subtype: 'message_deleted', hidden: true, deleted_ts: message.ts });
      return { ok: true, channel, ts: message.ts };
    },

    'chat.postEphemeral'(args) {
      const channel = str(args['channel']);
      const user = str(args['user']) ?? '';
      const refused = postable(channel);
      if (refused) return refused;
      if (!workspace.users.has(user)) return fail('user_not_found');
      if (!workspace.isMember(channel as string, user)) return fail('user_not_in_channel');
      const { failure } = blocksOf(args, 'invalid_blocks');
      if (failure) return failure;
      checkText('chat.postEphemeral', args);
      const threadTs = str(args['thread_ts']);
      workspace.ephemerals.push({
        channel: channel as string,
        user,
        text: String(args['text'] ?? ''),
        ...(threadTs ? { threadTs } : {}),
      });
      return { ok: true, message_ts: workspace.nextTs() };
    },

    'views.open'(args) {
      const triggerId = str(args['trigger_id']) ?? '';
      const trigger = workspace.triggers.get(triggerId);
      if (!trigger || trigger.used) return fail('invalid_trigger_id');
      if (performance.now() - trigger.issuedAt > context.triggerTtlMs) return fail('expired_trigger_id');
      const { view, problems } = checkView(args['view']);
      if (!view || problems.length > 0) {
        for (const problem of problems) context.violation(problem);
        return fail('invalid_arguments', { response_metadata: { messages: problems } });
      }
      trigger.used = true;
      const id = workspace.nextId('V');
      workspace.views.push({ id, triggerId, view });
      return { ok: true, view: { id, team_id: workspace.teamId, ...view } };
    },

    'views.publish'(args) {
      const user = str(args['user_id']) ?? '';
      if (!workspace.users.has(user)) return fail('user_not_found');
      const { view, problems } = checkHomeView(args['view']);
      if (!view || problems.length > 0) {
        for (const problem of problems) context.violation(problem);
        return fail('invalid_arguments', { response_metadata: { messages: problems } });
      }
      workspace.homeViews.set(user, view);
      return { ok: true, view: { id: workspace.nextId('V'), team_id: workspace.teamId, ...view } };
    },

    'conversations.info'(args) {
      const channel = workspace.channels.get(str(args['channel']) ?? '');
      // Slack hides private conversations the bot is not in.
      if (!channel || (channel.isPrivate && !channel.memberSet.has(bot))) return fail('channel_not_found');
      return { ok: true, channel: workspace.channelObject(channel) };
    },

    'conversations.open'(args) {
      const users = (str(args['users']) ?? '').split(',').filter(Boolean);
      if (users.length !== 1) return fail(users.length === 0 ? 'users_list_not_supplied' : 'not_enough_users');
      const user = users[0] as string;
      if (!workspace.users.has(user)) return fail('user_not_found');
      // The member's DM with the app: the one the workspace has, else a new one.
      const existing = [...workspace.channels.values()].find(
        (channel) => channel.isIm && channel.memberSet.has(user) && channel.memberSet.has(bot),
      );
      const channel =
        existing ??
        workspace.addChannel({ id: workspace.nextId('D'), name: `dm-${user}`, isIm: true, members: [user] });
      return { ok: true, channel: { id: channel.id } };
    },

    'conversations.join'(args) {
      const channel = workspace.channels.get(str(args['channel']) ?? '');
      if (!channel) return fail('channel_not_found');
      if (channel.isPrivate || channel.isIm) return fail('method_not_supported_for_channel_type');
      channel.memberSet.add(bot);
      return { ok: true, channel: workspace.channelObject(channel) };
    },

    'users.info'(args) {
      const user = workspace.users.get(str(args['user']) ?? '');
      if (!user) return fail('user_not_found');
      return {
        ok: true,
        user: {
          id: user.id,
          team_id: workspace.teamId,
          name: user.name ?? user.id,
          is_admin: user.isAdmin === true,
          is_owner: user.isOwner === true,
          is_bot: false,
        },
      };
    },

    ...createFileMethods({ ...helpers, violation: context.violation }),
  };
}
