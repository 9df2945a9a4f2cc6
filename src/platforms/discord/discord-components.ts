import {
  ActionRowBuilder,
  ButtonBuilder,
  type ButtonInteraction,
  ButtonStyle,
  type Interaction,
  MessageFlags,
  ModalBuilder,
  type ModalSubmitInteraction,
  Routes,
  TextInputBuilder,
  TextInputStyle,
} from 'discord.js';
import { conversationExpired } from '../../core/engine/job-errors.js';
import { jobMissing } from '../../core/engine/ownership.js';
import { UpscaleConfirmationNeeded, unitsText } from '../../core/engine/upscale.js';
import { UserFacingError } from '../../core/user-facing-error.js';
import type { DiscordContext } from './discord-context.js';
import { continueConversation } from './discord-continue.js';
import { type CustomId, encodeCustomId, parseCustomId } from './discord-custom-ids.js';
import type { AttachmentInfo } from './discord-image-links.js';
import { deferPublicly, submitGeneration } from './discord-imagine.js';
import { interactionRequester, isUserInstallOnly } from './discord-requester.js';
import { interactionTokenLifetimeMs, readTarget, toDelivery, webhookTarget } from './discord-target.js';
import { answerUnknown } from './discord-unknown-interactions.js';

/** The Edit modal opens as the first response (no lookup first); the turn id rides in its custom id. */
export function editModal(customId: string, title: string): ModalBuilder {
  const input = new TextInputBuilder()
    .setCustomId('instruction')
    .setLabel('What should change?')
    .setPlaceholder('make it stormy --ar 16:9')
    .setStyle(TextInputStyle.Paragraph)
    .setRequired(true)
    .setMaxLength(2000);
  return new ModalBuilder()
    .setCustomId(customId)
    .setTitle(title)
    .addComponents(new ActionRowBuilder<TextInputBuilder>().addComponents(input));
}

export async function handleButton(context: DiscordContext, interaction: ButtonInteraction): Promise<void> {
  const id = parseCustomId(interaction.customId);
  if (!id) return answerUnknown(interaction);
  if (id.action === 'edit') {
    await interaction.showModal(
      editModal(encodeCustomId({ action: 'editmodal', turnId: id.turnId, index: id.index }), 'Edit this image'),
    );
    return;
  }
  await handleAction(context, interaction, id);
}

async function handleAction(context: DiscordContext, interaction: ButtonInteraction, id: CustomId): Promise<void> {
  const { engine } = context;
  switch (id.action) {
    case 'reroll':
    case 'vary': {
      const { turn, conversation } = await turnAndConversation(context, id.turnId, interaction);
      const index = id.action === 'vary' ? id.index : 0;
      const action = id.action === 'reroll' ? 'reroll' : 'variations';
      const webhookOnly = isUserInstallOnly(interaction);
      // Acknowledge first: the status message is posted after the job is recorded, through this interaction's
      // follow-ups when the thread refuses it. A user install has no thread: its new public reply is the status.
      if (webhookOnly) await deferPublicly(context, interaction);
      else await interaction.deferUpdate();
      const outcome = await continueConversation(context, {
        requester: interactionRequester(interaction, 'quota'),
        idempotencyKey: `discord:${interaction.id}`,
        conversation,
        action,
        text: turn.instruction,
        attachments: [],
        target: { turnId: turn.id, index },
        interaction: { applicationId: interaction.applicationId, token: interaction.token },
        webhookOnly,
      });
      if (outcome === 'duplicate')
        await interaction.followUp({ content: 'Already on it.', flags: MessageFlags.Ephemeral });
      return;
    }
    case 'upscale':
    case 'upscaleok':
      return upscale(context, interaction, id.turnId, id.index, id.action === 'upscaleok');
    case 'delete': {
      const links = await engine.deleteTurn(id.turnId, interactionRequester(interaction, 'moderate'));
      await interaction.deferUpdate();
      // A user install's result is this button's message: only its webhook can remove it.
      if (isUserInstallOnly(interaction)) return void (await interaction.deleteReply());
      for (const link of links) {
        if (link.messageId.startsWith('attachment:')) continue;
        await context.rests.bot.delete(Routes.channelMessage(link.channelId, link.messageId)).catch(() => undefined);
      }
      return;
    }
    case 'cancel':
      await engine.cancel(id.jobId, interactionRequester(interaction, 'moderate'));
      await interaction.deferUpdate();
      return;
    case 'retry': {
      if (isUserInstallOnly(interaction)) return retryThroughWebhook(context, interaction, id.jobId);
      const result = await engine.retry(
        id.jobId,
        interactionRequester(interaction, 'quota'),
        `discord:${interaction.id}`,
      );
      await interaction.deferUpdate();
      if (result.status === 'duplicate' && result.job.state === 'delivered') {
        await interaction.followUp({ content: 'That one is already done.', flags: MessageFlags.Ephemeral });
      }
      return;
    }
    case 'redeliver':
      if (isUserInstallOnly(interaction)) return showResult(context, interaction, id.jobId);
      await interaction.deferUpdate();
      await engine.redeliver(id.jobId, interactionRequester(interaction, 'quota'));
      return;
    default:
      // A modal's id on a button (`editmodal`, `ctxedit`): not something any version put there.
      return answerUnknown(interaction);
  }
}

/**
 * Upscale under an image: a new turn at the model's next size. One that costs more than the confirm threshold per
 * image is answered, only to the member, with its cost and a button that confirms it (a fresh interaction).
 */
async function upscale(
  context: DiscordContext,
  interaction: ButtonInteraction,
  turnId: string,
  index: number,
  confirmed: boolean,
): Promise<void> {
  const { turn, conversation } = await turnAndConversation(context, turnId, interaction);
  await interaction.deferUpdate();
  try {
    const outcome = await continueConversation(context, {
      requester: interactionRequester(interaction, 'quota'),
      idempotencyKey: `discord:${interaction.id}`,
      conversation,
      action: 'upscale',
      text: '',
      attachments: [],
      target: { turnId: turn.id, index },
      interaction: { applicationId: interaction.applicationId, token: interaction.token },
      confirmed,
    });
    if (outcome === 'duplicate')
      await interaction.followUp({ content: 'Already on it.', flags: MessageFlags.Ephemeral });
  } catch (error) {
    if (!(error instanceof UpscaleConfirmationNeeded)) throw error;
    const confirm = new ButtonBuilder()
      .setCustomId(encodeCustomId({ action: 'upscaleok', turnId: turn.id, index }))
      .setLabel(`Upscale to ${error.tier} · ${unitsText(error.units)}`)
      .setStyle(ButtonStyle.Primary);
    await interaction.followUp({
      content: error.message,
      components: [new ActionRowBuilder<ButtonBuilder>().addComponents(confirm)],
      flags: MessageFlags.Ephemeral,
    });
  }
}

export async function handleModalSubmit(context: DiscordContext, interaction: ModalSubmitInteraction): Promise<void> {
  const id = parseCustomId(interaction.customId);
  if (!id) return answerUnknown(interaction);
  const instruction = interaction.fields.getTextInputValue('instruction');
  if (id.action === 'editmodal') {
    const { turn, conversation } = await turnAndConversation(context, id.turnId, interaction);
    const webhookOnly = isUserInstallOnly(interaction);
    if (webhookOnly) await deferPublicly(context, interaction);
    else if (interaction.isFromMessage()) await interaction.deferUpdate();
    else await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const outcome = await continueConversation(context, {
      requester: interactionRequester(interaction, 'quota'),
      idempotencyKey: `discord:${interaction.id}`,
      conversation,
      action: 'edit',
      text: instruction,
      attachments: [],
      target: { turnId: turn.id, index: id.index },
      interaction: { applicationId: interaction.applicationId, token: interaction.token },
      webhookOnly,
    });
    if (outcome === 'duplicate')
      await interaction.followUp({ content: 'Already on it.', flags: MessageFlags.Ephemeral });
    else if (!interaction.isFromMessage() && !webhookOnly)
      await interaction.editReply({ content: 'Queued in the thread.' });
    return;
  }
  if (id.action === 'ctxedit') {
    const image = await menuImage(context, interaction, id.channelId, id.messageId);
    await submitGeneration(context, interaction, { text: instruction, options: {}, attachmentInfos: [image] });
    return;
  }
  return answerUnknown(interaction);
}

/** The turn a button or modal acts on, and its conversation; either gone (or not this server's) means expired. */
async function turnAndConversation(context: DiscordContext, turnId: string, interaction: Interaction) {
  const requester = interactionRequester(interaction, 'quota');
  const turn = await context.engine.getTurn(turnId, requester);
  const conversation = turn ? await context.engine.getConversation(turn.conversationId, requester) : undefined;
  if (!turn || !conversation) throw conversationExpired();
  return { turn, conversation };
}

/**
 * The image of the message "Edit image" was used on: as the menu's interaction showed it (kept for the modal), else
 * read again with the bot token where the bot is installed. Through a user install the bot cannot read the message,
 * so a modal whose menu this process did not see (a restart in between) asks the member to use the menu again.
 */
async function menuImage(
  context: DiscordContext,
  interaction: ModalSubmitInteraction,
  channelId: string,
  messageId: string,
): Promise<AttachmentInfo> {
  const shown = context.menuImages.take(interaction.user.id, messageId);
  if (shown) return shown;
  if (isUserInstallOnly(interaction)) {
    throw new UserFacingError('nothing_to_edit', 'I lost track of that image: use Edit image on the message again.');
  }
  const message = (await context.rests.bot.get(Routes.channelMessage(channelId, messageId))) as {
    attachments?: Array<{ url: string; filename: string; content_type?: string; size: number }>;
  };
  const image = message.attachments?.find((attachment) => attachment.content_type?.startsWith('image/'));
  if (!image) throw new UserFacingError('nothing_to_edit', 'That message has no image to edit any more.');
  return { url: image.url, name: image.filename, contentType: image.content_type ?? null, size: image.size };
}

/** Retry in a user install: the new turn is this press's own public reply, edited through its webhook. */
async function retryThroughWebhook(context: DiscordContext, interaction: ButtonInteraction, jobId: string) {
  const requester = interactionRequester(interaction, 'quota');
  const job = await context.engine.getJob(jobId, requester);
  if (!job) throw jobMissing();
  await deferPublicly(context, interaction);
  const target = webhookTarget(
    requester.workspaceId,
    readTarget(job.delivery).channelId,
    interaction,
    context.now() + interactionTokenLifetimeMs,
    null,
  );
  await context.engine.retry(jobId, requester, `discord:${interaction.id}`, toDelivery(target));
}

/**
 * Show result in a user install: the press brings a fresh 15-minute token, kept on the job; a finished result is
 * posted through it in place of the status message, one still being made will be.
 */
async function showResult(context: DiscordContext, interaction: ButtonInteraction, jobId: string): Promise<void> {
  await interaction.deferUpdate();
  const fresh = {
    applicationId: interaction.applicationId,
    interactionToken: interaction.token,
    tokenExpiresAt: context.now() + interactionTokenLifetimeMs,
  };
  const job = await context.engine.redeliver(jobId, interactionRequester(interaction, 'quota'), fresh);
  if (job?.state === 'queued' || job?.state === 'running') {
    await interaction.followUp({
      content: 'Still being made: it will appear here when it is done.',
      flags: MessageFlags.Ephemeral,
    });
  }
}
