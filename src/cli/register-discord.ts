import { REST, Routes } from 'discord.js';
import { ConfigError, loadConfig } from '../config/config.js';
import { createLogger } from '../logging/logger.js';
import { clearDiscordCommands, registerDiscordCommands } from '../platforms/discord/discord-registration.js';

/**
 * `npm run register:discord [-- --clear]`: registers the commands in DISCORD_GUILD_ID when set (instant, for
 * development), else globally; `--clear` removes them from that scope instead.
 */
async function main(argv: readonly string[]): Promise<number> {
  const config = loadConfig();
  if (!config.DISCORD_TOKEN) throw new ConfigError('DISCORD_TOKEN is not set: put the bot token in .env first.');
  const logger = createLogger({ level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL });
  const rest = new REST({ api: config.DISCORD_API_URL }).setToken(config.DISCORD_TOKEN);
  const applicationId =
    config.DISCORD_APPLICATION_ID ?? ((await rest.get(Routes.currentApplication())) as { id: string }).id;
  const scope = config.DISCORD_GUILD_ID ? `server ${config.DISCORD_GUILD_ID}` : 'all servers (global)';
  if (argv.includes('--clear')) {
    await clearDiscordCommands(rest, applicationId, config.DISCORD_GUILD_ID);
    process.stdout.write(`Removed threadpaint's commands from ${scope}.\n`);
    return 0;
  }
  const result = await registerDiscordCommands(rest, applicationId, config.DISCORD_GUILD_ID, logger);
  process.stdout.write(
    `${result.changed ? 'Registered' : 'Already up to date:'} ${result.count} commands in ${scope}.${result.scope === 'global' ? ' Global commands can take a few minutes to appear.' : ''}\n`,
  );
  if (result.globalAlsoRegistered) {
    process.stdout.write(
      'Note: they are registered globally too, so this server shows each twice. Remove the global ones with DISCORD_GUILD_ID unset and --clear.\n',
    );
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`register:discord: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
