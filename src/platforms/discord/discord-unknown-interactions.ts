import { type Interaction, MessageFlags } from 'discord.js';

/**
 * Discord sends an app only the interactions of its own commands and components, so one the bot does not know
 * comes from an older version of it (a button on an old result, a command since removed). Left unanswered it shows
 * "This interaction failed"; answered, the member learns what to do instead.
 */
export async function answerUnknown(interaction: Interaction): Promise<void> {
  if (interaction.isAutocomplete()) {
    await interaction.respond([]);
    return;
  }
  if (!interaction.isRepliable() || interaction.replied || interaction.deferred) return;
  const content =
    interaction.isButton() || interaction.isModalSubmit() || interaction.isAnySelectMenu()
      ? '⚠️ This button comes from an older version of threadpaint and no longer works. Use /imagine to start again.'
      : '⚠️ That command is no longer part of threadpaint. Use /imagine to start a new image.';
  await interaction.reply({ content, flags: MessageFlags.Ephemeral });
}
