import {
  type ButtonInteraction,
  ChannelType,
  type ChatInputCommandInteraction,
  type Interaction,
  MessageFlags,
  type ModalSubmitInteraction,
  Routes,
} from 'discord.js';
import type { InboundRequest } from '../../core/engine/engine-types.js';
import type { InputImage } from '../../core/imagine-request.js';
import type { InlineFlags } from '../../core/inline-flags.js';
import type { DiscordContext } from './discord-context.js';
import type { AttachmentInfo } from './discord-image-links.js';
import { modelFromOption } from './discord-model-choices.js';
import { missingPermissions, missingPermissionsMessage } from './discord-permissions.js';
import { interactionRequester, isUserInstallOnly } from './discord-requester.js';
import { type DiscordTarget, interactionTokenLifetimeMs, toDelivery, webhookTarget } from './discord-target.js';

/** Threads can be started only from messages in text and announcement channels; elsewhere we answer in place. */
export function canStartThread(channelType: ChannelType | undefined): boolean {
  return channelType === ChannelType.GuildText || channelType === ChannelType.GuildAnnouncement;
}

const placeholder: InputImage = { bytes: new Uint8Array(0), mimeType: 'image/png' };

/**
 * `/imagine` and `/edit`: check everything that can be checked before answering (permissions, attachments, flags,
 * quota → an ephemeral explanation, no job), defer publicly well inside 3 s, download the attachments, submit. The
 * deferred reply becomes the status, then the result.
 */
export async function handleGenerateCommand(
  context: DiscordContext,
  interaction: ChatInputCommandInteraction,
): Promise<void> {
  const isEdit = interaction.commandName === 'edit';
  const isBlend = interaction.commandName === 'blend';
  const text = interaction.options.getString(isEdit ? 'instruction' : 'prompt', !isBlend) ?? '';
  const attachmentInfos = (
    isEdit ? ['image'] : isBlend ? ['image1', 'image2', 'image3', 'image4'] : ['image', 'image2']
  )
    .map((name) => interaction.options.getAttachment(name))
    .filter((attachment) => attachment !== null)
    .map(
      (attachment): AttachmentInfo => ({
        url: attachment.url,
        name: attachment.name,
        contentType: attachment.contentType,
        size: attachment.size,
      }),
    );
  const options: Partial<InlineFlags> = {};
  const model = interaction.options.getString('model');
  if (model) options.model = modelFromOption(context.engine.catalogue, model);
  if (!isEdit && !isBlend) {
    const aspect = interaction.options.getString('aspect');
    const count = interaction.options.getInteger('count');
    const seed = interaction.options.getInteger('seed');
    const quality = interaction.options.getString('quality');
    const size = interaction.options.getString('size');
    const no = interaction.options.getString('no');
    if (aspect) options.aspectRatio = aspect;
    if (count !== null) options.count = count;
    if (seed !== null) options.seed = seed;
    if (quality) options.quality = quality;
    if (size) options.size = size;
    if (no) options.negativePrompt = no;
  }
  await submitGeneration(context, interaction, { text, options, attachmentInfos, ...(isBlend ? { blend: true } : {}) });
}

/** Shared by the slash commands and the "Edit image" context menu's modal. */
export async function submitGeneration(
  context: DiscordContext,
  interaction: ChatInputCommandInteraction | ModalSubmitInteraction,
  request: {
    text: string;
    options: Partial<InlineFlags>;
    attachmentInfos: readonly AttachmentInfo[];
    /** `/blend`: the images are fused into one, on a model that can. */
    blend?: boolean;
  },
): Promise<void> {
  if (isUserInstallOnly(interaction)) return submitThroughWebhook(context, interaction, request);
  const guildId = interaction.guildId;
  if (!guildId || !interaction.channelId) {
    await interaction.reply({ content: 'threadpaint works in server channels only.', flags: MessageFlags.Ephemeral });
    return;
  }
  if (interaction.attachmentSizeLimit) context.sizeLimits.set(guildId, interaction.attachmentSizeLimit);
  const threadable = canStartThread(interaction.channel?.type);
  // Inside a thread (or a forum post) the bot answers in place, and the thread is the conversation's place.
  const parentId = interaction.channel?.isThread() ? interaction.channel.parentId : null;
  const missing = missingPermissions(interaction.appPermissions, {
    inThread: parentId !== null,
    startsThread: threadable,
  });
  if (missing.length > 0) {
    context.permissionNotices.report(guildId, interaction.channelId, missing);
    await interaction.reply({ content: missingPermissionsMessage(missing), flags: MessageFlags.Ephemeral });
    return;
  }
  const channelId = interaction.channelId;
  await precheckDeferAndSubmit(
    context,
    interaction,
    request,
    () => ({
      ...(request.blend ? { blend: true } : {}),
      channelId: parentId ?? channelId,
      ...(parentId !== null ? { threadId: channelId } : {}),
    }),
    (_requester, tokenExpiresAt, messageId) => ({
      kind: 'interaction',
      guildId,
      channelId,
      messageId,
      applicationId: interaction.applicationId,
      interactionToken: interaction.token,
      tokenExpiresAt,
      startThread: threadable,
      sizeLimit: interaction.attachmentSizeLimit ?? null,
    }),
  );
}

/**
 * The common tail of a generation request, in a server or through a user install: check the attachments and the
 * request (quota, flags) before answering, defer publicly, download the attachments, submit with the deferred reply
 * as the root, and say so when the request was received before.
 */
async function precheckDeferAndSubmit(
  context: DiscordContext,
  interaction: ChatInputCommandInteraction | ModalSubmitInteraction,
  request: { text: string; options: Partial<InlineFlags>; attachmentInfos: readonly AttachmentInfo[] },
  place: (
    requester: ReturnType<typeof interactionRequester>,
  ) => Pick<InboundRequest, 'channelId' | 'threadId' | 'blend'>,
  target: (
    requester: ReturnType<typeof interactionRequester>,
    tokenExpiresAt: number,
    messageId: string,
  ) => DiscordTarget,
): Promise<void> {
  const requester = interactionRequester(interaction, 'quota');
  const inbound: InboundRequest = {
    ...requester,
    idempotencyKey: `discord:${interaction.id}`,
    action: 'imagine',
    text: request.text,
    options: request.options,
    attachments: request.attachmentInfos.map(() => placeholder),
    ...place(requester),
    delivery: {},
  };
  context.attachments.check(request.attachmentInfos);
  await context.engine.precheck(inbound);

  const tokenExpiresAt = context.now() + interactionTokenLifetimeMs;
  const messageId = await deferPublicly(context, interaction);
  const attachments = await context.attachments.download(request.attachmentInfos);
  const delivery = toDelivery(target(requester, tokenExpiresAt, messageId));
  const result = await context.engine.submit({ ...inbound, attachments, delivery, rootMessageId: messageId });
  if (result.status === 'duplicate') {
    await interaction.editReply({ content: 'Already on it: this request was received before.' });
  }
}

/** Defers with a public "thinking…" message and answers its id (from the callback, else from `@original`). */
export async function deferPublicly(
  context: DiscordContext,
  interaction: ChatInputCommandInteraction | ModalSubmitInteraction | ButtonInteraction,
): Promise<string> {
  const deferred = await interaction.deferReply({ withResponse: true });
  publicDeferrals.add(interaction);
  return (
    deferred.resource?.message?.id ??
    (
      (await context.rests.interaction.get(
        Routes.webhookMessage(interaction.applicationId, interaction.token, '@original'),
        { auth: false },
      )) as { id: string }
    ).id
  );
}

/** Interactions whose deferred reply is a public message: an error replaces it rather than leaving it "thinking…". */
export const publicDeferrals = new WeakSet<Interaction>();

/**
 * A request through a member's user install where the bot is not (a DM, a group DM, a server without the bot): the
 * member's own space, no thread, and everything through the interaction webhook (the deferred reply becomes the
 * status, then the result); the target records that the bot token cannot be used there.
 */
async function submitThroughWebhook(
  context: DiscordContext,
  interaction: ChatInputCommandInteraction | ModalSubmitInteraction,
  request: { text: string; options: Partial<InlineFlags>; attachmentInfos: readonly AttachmentInfo[] },
): Promise<void> {
  const channelIdOf = (requester: ReturnType<typeof interactionRequester>) =>
    interaction.channelId ?? requester.workspaceId;
  await precheckDeferAndSubmit(
    context,
    interaction,
    request,
    (requester) => ({ channelId: channelIdOf(requester) }),
    (requester, tokenExpiresAt, messageId) =>
      webhookTarget(requester.workspaceId, channelIdOf(requester), interaction, tokenExpiresAt, messageId),
  );
}
