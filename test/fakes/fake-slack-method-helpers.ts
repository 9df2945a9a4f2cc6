import { checkBlocks } from './fake-slack-blocks.js';
import type { SlackWorkspace } from './fake-slack-state.js';
import type { FakeSlackMessage } from './fake-slack-types.js';

export type Args = Readonly<Record<string, unknown>>;
export type MethodResult = Record<string, unknown>;

export interface MethodContext {
  readonly workspace: SlackWorkspace;
  readonly botId: string;
  readonly triggerTtlMs: number;
  /** Queues the event Slack would send back for the bot's own post. */
  echo(event: Record<string, unknown>): void;
  violation(message: string): void;
}

export const fail = (error: string, extra: MethodResult = {}): MethodResult => ({ ok: false, error, ...extra });
export const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** What every method checks the way Slack does: membership, thread parents, Block Kit; and the echo of bot posts. */
export function createMethodHelpers(context: MethodContext) {
  const { workspace } = context;
  const bot = workspace.botUserId;

  /** A channel the bot may post in, or the error Slack gives. */
  function postable(channelId: string | undefined): MethodResult | undefined {
    const channel = channelId ? workspace.channels.get(channelId) : undefined;
    if (!channel) return fail('channel_not_found');
    if (!channel.memberSet.has(bot)) return fail('not_in_channel');
    return undefined;
  }

  function checkThread(channel: string, threadTs: string | undefined): MethodResult | undefined {
    if (threadTs === undefined) return undefined;
    if (workspace.message(channel, threadTs)) return undefined;
    context.violation(`thread_ts ${threadTs} is not a message in ${channel}`);
    return fail('thread_not_found');
  }

  function blocksOf(args: Args, error: string): { blocks?: unknown[]; failure?: MethodResult } {
    if (args['blocks'] === undefined) return {};
    const { blocks, problems } = checkBlocks(args['blocks']);
    if (problems.length === 0) return blocks ? { blocks } : {};
    for (const problem of problems) context.violation(problem);
    return { failure: fail(error, { response_metadata: { messages: problems } }) };
  }

  /** A message's `text` (the notification and fallback) may be at most 40,000 characters; Slack truncates the rest. */
  function checkText(method: string, args: Args): void {
    const text = args['text'];
    if (typeof text === 'string' && text.length > 40_000) context.violation(`${method}: text over 40000 characters`);
  }

  function echoMessage(message: FakeSlackMessage, extra: Record<string, unknown> = {}): void {
    const channel = workspace.channels.get(message.channel);
    context.echo({
      type: 'message',
      channel: message.channel,
      channel_type: channel?.isIm ? 'im' : channel?.isPrivate ? 'group' : 'channel',
      user: bot,
      bot_id: context.botId,
      app_id: 'A1',
      text: message.text,
      ts: message.ts,
      event_ts: message.ts,
      ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
      ...extra,
    });
  }

  return { workspace, bot, postable, checkThread, blocksOf, checkText, echoMessage };
}

export type MethodHelpers = ReturnType<typeof createMethodHelpers>;
