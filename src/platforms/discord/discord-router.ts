import { type Interaction, type MessageContextMenuCommandInteraction, MessageFlags } from 'discord.js';
import { editModal, handleButton, handleModalSubmit } from './discord-components.js';
import type { DiscordContext } from './discord-context.js';
import { encodeCustomId } from './discord-custom-ids.js';
import { discordCode, discordCodes, sentenceFor } from './discord-errors.js';
import { handleGenerateCommand, publicDeferrals } from './discord-imagine.js';
import { handleAutocomplete, handleModels, handleSettings, handleUsage } from './discord-info-commands.js';
import { answerUnknown } from './discord-unknown-interactions.js';

/** Every interaction goes through here: one error sink, members see a sentence, operators one log line. */
export async function routeInteraction(context: DiscordContext, interaction: Interaction): Promise<void> {
  try {
    if (interaction.isAutocomplete()) return await handleAutocomplete(context, interaction);
    if (interaction.isChatInputCommand()) {
      switch (interaction.commandName) {
        case 'imagine':
        case 'edit':
        case 'blend':
          return await handleGenerateCommand(context, interaction);
        case 'models':
          return await handleModels(context, interaction);
        case 'settings':
          return await handleSettings(context, interaction);
        case 'usage':
          return await handleUsage(context, interaction);
        default:
          return await answerUnknown(interaction);
      }
    }
    if (interaction.isMessageContextMenuCommand()) return await handleEditImageMenu(context, interaction);
    if (interaction.isButton()) return await handleButton(context, interaction);
    if (interaction.isModalSubmit()) return await handleModalSubmit(context, interaction);
    return await answerUnknown(interaction);
  } catch (error) {
    await answerError(context, interaction, error);
  }
}

/** "Edit image" on any message with an image: the image as the menu showed it waits for the modal's instruction. */
async function handleEditImageMenu(
  context: DiscordContext,
  interaction: MessageContextMenuCommandInteraction,
): Promise<void> {
  const message = interaction.targetMessage;
  const image = message.attachments.find((attachment) => attachment.contentType?.startsWith('image/') ?? false);
  if (!image) {
    await interaction.reply({ content: 'That message has no image to edit.', flags: MessageFlags.Ephemeral });
    return;
  }
  context.menuImages.keep(interaction.user.id, message.id, {
    url: image.url,
    name: image.name,
    contentType: image.contentType,
    size: image.size,
  });
  await interaction.showModal(
    editModal(encodeCustomId({ action: 'ctxedit', channelId: message.channelId, messageId: message.id }), 'Edit image'),
  );
}

async function answerError(context: DiscordContext, interaction: Interaction, error: unknown): Promise<void> {
  if (discordCode(error) === discordCodes.unknownInteraction) {
    // The token died before the first answer (Discord gives 3 s): any other answer would fail the same way.
    context.logger.warn(
      { code: discordCodes.unknownInteraction, interactionId: interaction.id, type: interaction.type },
      'discord: the interaction expired before it was answered; the member saw "This interaction failed"',
    );
    return;
  }
  const content = sentenceFor(error, context.logger, 'interaction', { interactionId: interaction.id });
  if (!interaction.isRepliable()) return;
  try {
    if (interaction.deferred && !interaction.ephemeral && publicDeferrals.has(interaction)) {
      await interaction.editReply({ content, components: [] });
    } else if (interaction.deferred || interaction.replied) {
      await interaction.followUp({ content, flags: MessageFlags.Ephemeral });
    } else {
      await interaction.reply({ content, flags: MessageFlags.Ephemeral });
    }
  } catch (replyError) {
    context.logger.warn(
      { err: replyError, interactionId: interaction.id },
      'discord: could not tell the member about an error',
    );
  }
}
