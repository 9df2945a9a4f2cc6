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
import { UpscaleConfirmationNeeded, unitsText } from '../../core/engine/upscale.js';
import { UserFacingError } from '../../core/user-facing-error.js';
import type { DiscordContext } from './discord-context.js';
import { continueConversation } from './discord-continue.js';
import { type CustomId, encodeCustomId, parseCustomId } from './discord-custom-ids.js';
import { submitGeneration } from './discord-imagine.js';
import { interactionRequester } from './discord-requester.js';
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
      // Acknowledge first: the status message is posted after the job is recorded, through this interaction's
      // follow-ups when the thread refuses it.
      await interaction.deferUpdate();
      const outcome = await continueConversation(context, {
        requester: interactionRequester(interaction, 'quota'),
        idempotencyKey: `discord:${interaction.id}`,
        conversation,
        action,
        text: turn.instruction,
        attachments: [],
        target: { turnId: turn.id, index },
        interaction: { applicationId: interaction.applicationId, token: interaction.token },
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
    if (interaction.isFromMessage()) await interaction.deferUpdate();
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
    });
    if (outcome === 'duplicate')
      await interaction.followUp({ content: 'Already on it.', flags: MessageFlags.Ephemeral });
    else if (!interaction.isFromMessage()) await interaction.editReply({ content: 'Queued in the thread.' });
    return;
  }
  if (id.action === 'ctxedit') {
    const message = (await context.rests.bot.get(Routes.channelMessage(id.channelId, id.messageId))) as {
      attachments?: Array<{ url: string; filename: string; content_type?: string; size: number }>;
    };
    const image = message.attachments?.find((attachment) => attachment.content_type?.startsWith('image/'));
    if (!image) throw new UserFacingError('nothing_to_edit', 'That message has no image to edit any more.');
    await submitGeneration(context, interaction, {
      text: instruction,
      options: {},
      attachmentInfos: [
        { url: image.url, name: image.filename, contentType: image.content_type ?? null, size: image.size },
      ],
    });
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
