import { Agent } from 'undici';
import type { Config } from '../config/config.js';
import { probeDialect } from '../providers/dialect-probe.js';
import { probeGateway } from '../providers/gateway-probe.js';
import type { ImageApiError } from '../providers/image-api-error.js';
import { toImageApiError } from '../providers/upstream-errors.js';
import { doctorReport, reference } from './doctor-report.js';

export { doctorReport } from './doctor-report.js';

export interface DoctorIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/**
 * `threadpaint doctor`: `GET /v1/models` with the key, then the dialect probe (`probeDialect`): without
 * `X-New-Api-Version`, two free requests that tell one-api; then one Gemini image request on `/v1/images/generations`
 * with the cheapest usable Gemini model (stock new-api refuses it for free with `convert_request_failed`; the
 * documented gateway makes, and bills, one 1K image).
 * Prints the dialect that fits, whether IMAGE_API_DIALECT agrees, and which catalogue models the key can use. An
 * unreachable gateway, a refused key or an unsupported gateway (one-api) is one line on stderr and exit code 1.
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
  const target = { baseUrl: config.IMAGE_API_URL, apiKey: config.IMAGE_API_KEY, dispatcher: agent };
  try {
    const probe = await probeGateway(target, signal);
    const available = new Set(probe.modelIds);
    const gemini = config.catalogue
      .list()
      .filter((model) => model.family === 'gemini' && available.has(model.id))
      .sort((a, b) => a.cost.perImage - b.cost.perImage)[0];
    const verdict = await probeDialect(
      target,
      {
        ...(probe.newApiVersion !== undefined ? { newApiVersion: probe.newApiVersion } : {}),
        ...(gemini ? { geminiModel: gemini.id } : {}),
      },
      signal,
    );
    for (const line of doctorReport(config, probe, verdict)) io.out(line);
    if (verdict.kind !== 'one-api') return 0;
    io.err(
      `threadpaint: doctor: ${config.IMAGE_API_URL} looks like one-api, which threadpaint does not support: point IMAGE_API_URL at a new-api gateway.`,
    );
    return 1;
  } catch (error) {
    io.err(`threadpaint: doctor: ${describeProbeFailure(config.IMAGE_API_URL, toImageApiError(error, signal))}`);
    return 1;
  } finally {
    await agent.close();
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
