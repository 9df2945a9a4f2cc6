import { Agent } from 'undici';
import type { Config } from '../config/config.js';
import { dialectOf } from '../core/models/dialect-support.js';
import type { ConfigCheckReport } from '../platforms/local/playground-config.js';
import { type GatewayProbe, probeGateway } from '../providers/gateway-probe.js';

/** How long one answer is kept: opening the console again does not call the gateway again. */
const keepMs = 60_000;
const timeoutMs = 10_000;

/**
 * The configuration check of the operator console: each platform on, or what turns it on; the image API reached
 * with `GET /v1/models` (the doctor's probe; never its dialect probe, which makes and bills an image) and which
 * catalogue models the key can use; the dialect. Names of variables only, never a value of a secret.
 */
export function createConfigCheck(
  config: Config,
  probe: (signal: AbortSignal) => Promise<GatewayProbe> = defaultProbe(config),
): () => Promise<ConfigCheckReport> {
  let kept: { at: number; report: Promise<ConfigCheckReport> } | undefined;
  return () => {
    const now = Date.now();
    if (!kept || now - kept.at > keepMs) kept = { at: now, report: check(config, probe, now) };
    return kept.report;
  };
}

function defaultProbe(config: Config) {
  return async (signal: AbortSignal) => {
    const agent = new Agent({ connect: { timeout: timeoutMs } });
    try {
      return await probeGateway(
        { baseUrl: config.IMAGE_API_URL, apiKey: config.IMAGE_API_KEY ?? '', dispatcher: agent },
        signal,
      );
    } finally {
      await agent.close();
    }
  };
}

async function check(
  config: Config,
  probe: (signal: AbortSignal) => Promise<GatewayProbe>,
  now: number,
): Promise<ConfigCheckReport> {
  const platforms = [
    {
      name: 'playground',
      enabled: config.playgroundEnabled,
      detail: config.PLAYGROUND_TOKEN ? 'token required' : 'no token (loopback only)',
      missing: [],
    },
    {
      name: 'discord',
      enabled: config.discordEnabled,
      detail: config.discordEnabled ? 'gateway and REST' : 'set DISCORD_TOKEN to turn it on',
      missing: config.discordEnabled
        ? config.DISCORD_APPLICATION_ID
          ? []
          : ['DISCORD_APPLICATION_ID']
        : ['DISCORD_TOKEN'],
    },
    {
      name: 'slack',
      enabled: config.slackEnabled,
      detail: config.slackEnabled
        ? config.slackMode === 'socket'
          ? 'Socket Mode'
          : 'HTTP events on /slack/events'
        : 'set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN) to turn it on',
      missing: config.slackEnabled ? [] : ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET or SLACK_APP_TOKEN'],
    },
  ];
  const catalogue = config.catalogue.list();
  const dialect = `IMAGE_API_DIALECT=${config.IMAGE_API_DIALECT} (run \`threadpaint doctor\` to probe which fits)`;
  const base = { platforms, defaultModel: config.DEFAULT_MODEL, checkedAt: now };
  if (!config.IMAGE_API_KEY) {
    return {
      ...base,
      imageApi: { mode: 'offline', detail: 'no IMAGE_API_KEY: images come from the offline renderer', dialect },
      models: catalogue.map((model) => ({ id: model.id, dialect: dialectOf(model) })),
    };
  }
  const url = originOf(config.IMAGE_API_URL);
  try {
    const answer = await probe(AbortSignal.timeout(timeoutMs));
    const available = new Set(answer.modelIds);
    return {
      ...base,
      imageApi: {
        mode: 'gateway',
        url,
        reachable: true,
        detail: `GET /v1/models answered with ${answer.modelIds.length} models`,
        ...(answer.requestId ? { requestId: answer.requestId } : {}),
        dialect,
      },
      models: catalogue.map((model) => ({ id: model.id, usable: available.has(model.id), dialect: dialectOf(model) })),
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ...base,
      imageApi: { mode: 'gateway', url, reachable: false, detail: `GET /v1/models failed: ${reason}`, dialect },
      models: catalogue.map((model) => ({ id: model.id, dialect: dialectOf(model) })),
    };
  }
}

/** The gateway's origin only: a URL may carry a user and password, and its path says nothing the operator needs. */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(not a URL)';
  }
}
