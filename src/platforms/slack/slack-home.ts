import type { App, types } from '@slack/bolt';
import { z } from 'zod';
import type { Requester } from '../../core/engine/engine-types.js';
import type { SettingsChange } from '../../core/engine/member-settings.js';
import type { RecentResult } from '../../core/platform/platform-engine.js';
import type { MemberSettings } from '../../core/records.js';
import { isUserFacingError } from '../../core/user-facing-error.js';
import type { SlackContext } from './slack-context.js';
import { eventTeams } from './slack-identity.js';
import { usageText } from './slack-subcommands.js';
import { escapeMrkdwn, slackTime, truncateMrkdwn } from './slack-text.js';

/** The App Home's buttons: `tp:home:model:<n>`, `tp:home:aspect:<n>`, `tp:home:reset` (the value says which). */
export const homeActionPattern = /^tp:home:(model|aspect|reset)(?::\d{1,2})?$/;

/** How many results the Home tab lists. */
const recentShown = 10;
/** The aspect ratios offered as buttons (any other is `/imagine settings ar <w:h>`). */
const homeAspects = ['1:1', '16:9', '9:16', '4:3', '3:4'] as const;
/** Buttons one actions block holds (25), less the Clear button. */
const maxModelButtons = 24;

const homeOpenedSchema = z.object({
  type: z.literal('app_home_opened'),
  user: z.string().min(1).max(64),
  tab: z.string().max(32).optional(),
});

const homePressSchema = z.object({
  team: z.object({ id: z.string() }).nullable().optional(),
  user: z.object({ id: z.string().max(64), team_id: z.string().optional() }),
  view: z.object({ app_installed_team_id: z.string().optional() }).optional(),
  actions: z.array(z.object({ action_id: z.string().max(255), value: z.string().max(200).optional() })).min(1),
});

/**
 * The App Home tab (`app_home_opened` → `views.publish`): the member's recent results with where they are, their
 * usage against the quota in its own windows, and their defaults with buttons that change them (saved by the engine,
 * then the tab is published again). Everything is the member's own, in the installed workspace.
 */
export function registerAppHome(app: App, context: SlackContext): void {
  app.event('app_home_opened', async ({ event, body }) => {
    const parsed = homeOpenedSchema.safeParse(event);
    if (!parsed.success || (parsed.data.tab !== undefined && parsed.data.tab !== 'home')) return;
    const team = eventTeams(body, {}).installed;
    const member: Requester = { platform: 'slack', workspaceId: team, memberId: parsed.data.user };
    context.tasks.run('home', () => publishHome(context, member));
  });

  app.action(homeActionPattern, async ({ ack, body }) => {
    await ack();
    const parsed = homePressSchema.safeParse(body);
    if (!parsed.success) return;
    const { user, actions } = parsed.data;
    const team = parsed.data.view?.app_installed_team_id ?? parsed.data.team?.id ?? user.team_id ?? '';
    const member: Requester = { platform: 'slack', workspaceId: team, memberId: user.id };
    const change = changeOf(actions[0]?.action_id ?? '', actions[0]?.value);
    context.tasks.run('home', async () => {
      let notice: string | undefined;
      try {
        if (change) await context.engine.changeSettings(member, 'member', change);
      } catch (error) {
        if (!isUserFacingError(error)) throw error;
        notice = error.message;
      }
      await publishHome(context, member, notice);
    });
  });
}

function changeOf(actionId: string, value: string | undefined): SettingsChange | undefined {
  const [, , kind] = actionId.split(':');
  if (kind === 'reset') return { model: null, aspectRatio: null, quality: null };
  if (value === undefined) return undefined;
  const cleared = value === 'default' ? null : value;
  if (kind === 'model') return { model: cleared };
  if (kind === 'aspect') return { aspectRatio: cleared };
  return undefined;
}

/** Renders and publishes the member's Home tab. */
export async function publishHome(context: SlackContext, member: Requester, notice?: string): Promise<void> {
  const { engine } = context;
  const [recent, usage, settings] = await Promise.all([
    engine.recentResults(member, recentShown),
    engine.usage(member),
    engine.settings(member),
  ]);
  const view = homeView({
    recent,
    usage: usageText(usage),
    member: settings.member,
    defaultModel: settings.workspace.defaultModel ?? settings.defaultModel,
    models: engine.catalogue.list().map((model) => model.id),
    ...(notice ? { notice } : {}),
  });
  await context.clients.listener.views.publish({ user_id: member.memberId, view });
}

const section = (text: string): types.SectionBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: truncateMrkdwn(text, 3000) },
});

function resultLine(result: RecentResult): string {
  const when = result.finishedAt ? ` · ${slackTime(result.finishedAt, 'recently')}` : '';
  const model = result.model ? ` · \`${escapeMrkdwn(result.model)}\`` : '';
  const images = `${result.images} image${result.images === 1 ? '' : 's'}`;
  return `• ${truncateMrkdwn(escapeMrkdwn(result.instruction.replace(/\s+/g, ' ')), 120)} — ${images}${model} in <#${result.channelId}>${when}`;
}

const choiceButton = (actionId: string, label: string, value: string, chosen: boolean): types.Button => ({
  type: 'button',
  action_id: actionId,
  text: { type: 'plain_text', text: truncateMrkdwn(label, 75) },
  value,
  ...(chosen ? { style: 'primary' as const } : {}),
});

export function homeView(input: {
  readonly recent: readonly RecentResult[];
  readonly usage: string;
  readonly member: MemberSettings;
  readonly defaultModel: string;
  readonly models: readonly string[];
  readonly notice?: string;
}): types.HomeView {
  const { member } = input;
  const models = input.models.slice(0, maxModelButtons);
  const blocks: types.KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'threadpaint' } },
    ...(input.notice ? [section(`⚠️ ${escapeMrkdwn(input.notice)}`)] : []),
    section('*Your recent results*'),
    section(
      input.recent.length > 0
        ? input.recent.map(resultLine).join('\n')
        : 'Nothing yet: `/imagine a lighthouse at dusk` in any channel starts one.',
    ),
    { type: 'divider' },
    section(input.usage),
    { type: 'divider' },
    section(
      `*Your defaults*: model \`${escapeMrkdwn(member.defaultModel ?? input.defaultModel)}\`${member.defaultModel ? '' : ' (the default)'}, aspect ${member.aspectRatio ?? '1:1 (the default)'}`,
    ),
    {
      type: 'actions',
      block_id: 'home_model',
      elements: [
        ...models.map((id, index) => choiceButton(`tp:home:model:${index}`, id, id, member.defaultModel === id)),
        choiceButton(`tp:home:model:${models.length}`, 'Workspace default', 'default', !member.defaultModel),
      ],
    },
    {
      type: 'actions',
      block_id: 'home_aspect',
      elements: [
        ...homeAspects.map((ratio, index) =>
          choiceButton(`tp:home:aspect:${index}`, ratio, ratio, member.aspectRatio === ratio),
        ),
        { type: 'button', action_id: 'tp:home:reset', text: { type: 'plain_text', text: 'Reset all' }, value: 'reset' },
      ],
    },
  ];
  return { type: 'home', blocks };
}
