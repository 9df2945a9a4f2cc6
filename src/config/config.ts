import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { createModelCatalogue, type ModelCatalogue, type ModelOverride } from '../core/models/model-catalogue.js';
import { configHints, configSchema, configSecrets, type RawConfig } from './config-schema.js';
import { isLoopbackHost } from './loopback-host.js';

/** The validated configuration; the only place that reads the environment. */
export interface Config extends RawConfig {
  readonly catalogue: ModelCatalogue;
  /** True when no API key is set: the offline renderer serves, clearly labelled. */
  readonly offline: boolean;
  readonly discordEnabled: boolean;
  readonly slackEnabled: boolean;
  /** Socket Mode when SLACK_APP_TOKEN is set, else HTTP events on /slack/events. */
  readonly slackMode: 'http' | 'socket';
  /** The browser playground is served: `PLAYGROUND`, by default only when no chat platform is enabled. */
  readonly playgroundEnabled: boolean;
  /** `/metrics` is served: `METRICS`, else on where it cannot be open to the network (loopback, a token, public). */
  readonly metricsEnabled: boolean;
  /** The `.env` file that was read, if any. */
  readonly envFile?: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export interface LoadConfigOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Directory whose `.env` is read when present (or where a relative `ENV_FILE` starts). */
  readonly cwd?: string;
  /** Set false to ignore `.env` (tests). */
  readonly readEnvFile?: boolean;
}

/**
 * Reads the environment (and `.env` when present, or the file `ENV_FILE` names; a real environment variable wins),
 * validates it and builds the model catalogue. Throws a ConfigError whose message names each bad variable and how to
 * fix it.
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const named = nonEmpty(env['ENV_FILE']);
  const envPath = named ? path.resolve(cwd, named) : path.join(cwd, '.env');
  if (named && options.readEnvFile !== false && !existsSync(envPath)) {
    throw new ConfigError(
      `Invalid configuration: ENV_FILE=${named} does not exist (expected the path of a .env file).`,
    );
  }
  const fromFile = options.readEnvFile !== false && existsSync(envPath) ? parseEnv(readFileSync(envPath, 'utf8')) : {};
  const merged: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const value = nonEmpty(env[key]) ?? nonEmpty(fromFile[key]);
    if (value !== undefined) merged[key] = value;
  }
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0]) as keyof RawConfig;
      const hint = configHints[key];
      const shown = configSecrets.has(key) ? '(hidden)' : JSON.stringify(merged[key] ?? '');
      return `  ${key}=${shown}: ${issue.message}${hint ? ` (expected ${hint})` : ''}`;
    });
    throw new ConfigError(`Invalid configuration; fix these in .env or the environment:\n${lines.join('\n')}`);
  }
  const raw = parsed.data;
  const catalogue = buildCatalogue(raw, cwd);
  if (!catalogue.find(raw.DEFAULT_MODEL)) {
    throw new ConfigError(
      `Invalid configuration: DEFAULT_MODEL=${raw.DEFAULT_MODEL} is not a known model (expected ${configHints.DEFAULT_MODEL}).`,
    );
  }
  if (raw.SLACK_BOT_TOKEN && !raw.SLACK_SIGNING_SECRET && !raw.SLACK_APP_TOKEN) {
    throw new ConfigError(
      'Invalid configuration: SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET (HTTP events) nor SLACK_APP_TOKEN (Socket Mode) is; set one of them from the Slack app page.',
    );
  }
  if (!raw.SLACK_BOT_TOKEN && (raw.SLACK_SIGNING_SECRET || raw.SLACK_APP_TOKEN)) {
    throw new ConfigError(
      'Invalid configuration: SLACK_SIGNING_SECRET/SLACK_APP_TOKEN are set but SLACK_BOT_TOKEN is not; Slack needs the bot token too.',
    );
  }
  const playgroundEnabled = raw.PLAYGROUND ?? (raw.DISCORD_TOKEN === undefined && raw.SLACK_BOT_TOKEN === undefined);
  if (playgroundEnabled && !raw.PLAYGROUND_TOKEN && !isLoopbackHost(raw.HOST)) {
    throw new ConfigError(
      `Invalid configuration: HOST=${raw.HOST} is not a loopback address, so the playground would be open to the network; set PLAYGROUND_TOKEN (${configHints.PLAYGROUND_TOKEN}), or set PLAYGROUND=false, or HOST=127.0.0.1.`,
    );
  }
  // Like the playground: served off loopback only with a token or an explicit METRICS_PUBLIC. Left unset there, it is
  // off (the banner says how to turn it on); asked for there without either, start-up refuses.
  const metricsGuarded = isLoopbackHost(raw.HOST) || raw.METRICS_TOKEN !== undefined || raw.METRICS_PUBLIC;
  const metricsEnabled = raw.METRICS ?? metricsGuarded;
  if (metricsEnabled && !metricsGuarded) {
    throw new ConfigError(
      `Invalid configuration: HOST=${raw.HOST} is not a loopback address, so /metrics would be open to the network; set METRICS_TOKEN (${configHints.METRICS_TOKEN}), or METRICS_PUBLIC=true when only your own network reaches the port, or METRICS=false.`,
    );
  }
  const discordApiUrl = raw.DISCORD_API_URL.replace(/\/v\d+$/, '');
  return {
    ...raw,
    DISCORD_API_URL: discordApiUrl,
    discordEnabled: raw.DISCORD_TOKEN !== undefined,
    slackEnabled: raw.SLACK_BOT_TOKEN !== undefined,
    slackMode: raw.SLACK_APP_TOKEN ? 'socket' : 'http',
    playgroundEnabled,
    metricsEnabled,
    DEFAULT_MODEL: catalogue.resolve(raw.DEFAULT_MODEL).id,
    DATA_DIR: path.resolve(cwd, raw.DATA_DIR),
    catalogue,
    offline: raw.IMAGE_API_KEY === undefined,
    ...(Object.keys(fromFile).length > 0 ? { envFile: envPath } : {}),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function buildCatalogue(raw: RawConfig, cwd: string): ModelCatalogue {
  const options = { dialect: raw.IMAGE_API_DIALECT };
  if (!raw.IMAGE_MODELS_FILE) return createModelCatalogue([], options);
  const file = path.resolve(cwd, raw.IMAGE_MODELS_FILE);
  let entries: unknown;
  try {
    entries = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`Invalid configuration: IMAGE_MODELS_FILE=${file} could not be read as JSON (${reason}).`);
  }
  const list = Array.isArray(entries) ? entries : (entries as { models?: unknown })?.models;
  if (!Array.isArray(list) || list.some((entry) => typeof entry?.id !== 'string')) {
    throw new ConfigError(
      `Invalid configuration: IMAGE_MODELS_FILE=${file} must hold an array of models, each with an "id" (or {"models": [...]}).`,
    );
  }
  try {
    return createModelCatalogue(list as ModelOverride[], options);
  } catch (error) {
    throw new ConfigError(`Invalid configuration: IMAGE_MODELS_FILE=${file}: ${(error as Error).message}`);
  }
}
