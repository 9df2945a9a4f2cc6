import { Agent } from 'undici';
import type { Config } from '../config/config.js';
import { dialectOf } from '../core/models/dialect-support.js';
import type { ImageApiDialect, ModelSpec } from '../core/models/model-spec.js';
import { type GatewayProbe, probeGateway } from '../providers/gateway-probe.js';
import type { ImageApiError } from '../providers/image-api-error.js';
import { toImageApiError } from '../providers/upstream-errors.js';

export interface DoctorIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/**
 * `threadpaint doctor`: one `GET /v1/models` with the key (nothing billable). Prints which dialect the gateway looks
 * like (stock new-api sends `X-New-Api-Version`), whether IMAGE_API_DIALECT agrees, and which catalogue models the
 * key can use. An unreachable gateway or a refused key is one line on stderr and exit code 1.
 */
export async function runDoctor(config: Config, io: DoctorIo, timeoutMs = 30_000): Promise<number> {
  if (!config.IMAGE_API_KEY) {
    io.err(
      'threadpaint: doctor: IMAGE_API_KEY is not set, so there is no gateway to check (the offline renderer serves).',
    );
    return 1;
  }
  const agent = new Agent({ connect: { timeout: Math.min(timeoutMs, 10_000) } });
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const probe = await probeGateway(
      { baseUrl: config.IMAGE_API_URL, apiKey: config.IMAGE_API_KEY, dispatcher: agent },
      signal,
    );
    for (const line of doctorReport(config, probe)) io.out(line);
    return 0;
  } catch (error) {
    io.err(`threadpaint: doctor: ${describeProbeFailure(config.IMAGE_API_URL, toImageApiError(error, signal))}`);
    return 1;
  } finally {
    await agent.close();
  }
}

export function doctorReport(config: Config, probe: GatewayProbe): string[] {
  const looksLike: ImageApiDialect = probe.newApiVersion !== undefined ? 'new-api' : 'documented';
  const lines = [`gateway  ${config.IMAGE_API_URL} answered GET /v1/models${reference(probe.requestId)}`];
  lines.push(
    probe.newApiVersion !== undefined
      ? `version  X-New-Api-Version: ${probe.newApiVersion}: a stock new-api / one-api gateway is likely, so the new-api dialect fits`
      : 'version  no X-New-Api-Version header: not stock new-api as far as this shows, so the documented dialect fits' +
          ' (stock one-api sends none either: if Gemini then fails with convert_request_failed, use new-api)',
  );
  lines.push(
    config.IMAGE_API_DIALECT === looksLike
      ? `dialect  IMAGE_API_DIALECT=${config.IMAGE_API_DIALECT} agrees`
      : `dialect  IMAGE_API_DIALECT=${config.IMAGE_API_DIALECT} disagrees: set IMAGE_API_DIALECT=${looksLike} (or "dialect" per model in IMAGE_MODELS_FILE)`,
  );
  const available = new Set(probe.modelIds);
  const models = config.catalogue.list();
  const usable = models.filter((model) => available.has(model.id));
  lines.push(`models   ${usable.length} of ${models.length} catalogue models are usable with this key:`);
  const width = Math.max(...models.map((model) => model.id.length));
  for (const model of models) {
    const state = available.has(model.id) ? 'usable ' : 'missing';
    const override = dialectOf(model) !== config.IMAGE_API_DIALECT ? ', set in the catalogue' : '';
    lines.push(`  ${state}  ${model.id.padEnd(width)}  ${routeOf(model)}${override}`);
  }
  const known = new Set(models.map((model) => model.id));
  const others = probe.modelIds.filter((id) => !known.has(id));
  if (others.length > 0) {
    const shown = others.slice(0, 8).join(', ');
    lines.push(
      `  ${others.length} more on the gateway, not in the catalogue: ${shown}${others.length > 8 ? ', …' : ''}`,
    );
  }
  if (!available.has(config.DEFAULT_MODEL)) {
    lines.push(`warning  DEFAULT_MODEL=${config.DEFAULT_MODEL} is not usable with this key: pick a usable one`);
  }
  return lines;
}

/** Where a model's requests go in its dialect. */
function routeOf(model: ModelSpec): string {
  if (dialectOf(model) === 'documented') return 'documented: /v1/images/generations';
  switch (model.family) {
    case 'gemini':
      return model.wire.geminiNative ? 'new-api: /v1beta/models/…:generateContent' : 'new-api: /v1/chat/completions';
    case 'gpt-image':
      return 'new-api: /v1/images/generations, edits on /v1/images/edits';
    default:
      return 'new-api: /v1/images/generations';
  }
}

function describeProbeFailure(url: string, error: ImageApiError): string {
  const { status, upstreamCode, upstreamMessage, requestId } = error.details;
  const answer = `HTTP ${status}${upstreamCode ? ` ${upstreamCode}` : ''}${upstreamMessage ? `: ${upstreamMessage}` : ''}`;
  if (error.code === 'auth') return `${url} refused IMAGE_API_KEY (${answer})${reference(requestId)}`;
  if (status === undefined) return `cannot reach the image API at ${url} (${error.message})`;
  if (error.code === 'invalid_response') {
    return `${url} answered GET /v1/models without a model list (HTTP ${status}): is IMAGE_API_URL the gateway's base URL?${reference(requestId)}`;
  }
  return `GET ${url}/v1/models failed (${answer})${reference(requestId)}`;
}

const reference = (requestId: string | undefined) => (requestId ? ` (request id ${requestId})` : '');
