import type { Config } from '../config/config.js';
import { dialectOf } from '../core/models/dialect-support.js';
import type { ModelSpec } from '../core/models/model-spec.js';
import type { DialectVerdict } from '../providers/dialect-probe.js';
import type { GatewayProbe } from '../providers/gateway-probe.js';

/** The lines `threadpaint doctor` prints: the gateway, its dialect and why, and the models the key can use. */
export function doctorReport(config: Config, probe: GatewayProbe, verdict: DialectVerdict): string[] {
  const lines = [`gateway  ${config.IMAGE_API_URL} answered GET /v1/models${reference(probe.requestId)}`];
  lines.push(
    probe.newApiVersion !== undefined
      ? `version  X-New-Api-Version: ${probe.newApiVersion} (every new-api build and fork sends it, so it does not tell the dialect)`
      : 'version  no X-New-Api-Version header',
  );
  lines.push(`probe    ${verdict.evidence}`, dialectLine(config, verdict));
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

function dialectLine(config: Config, verdict: DialectVerdict): string {
  const current = `IMAGE_API_DIALECT=${config.IMAGE_API_DIALECT}`;
  switch (verdict.kind) {
    case 'one-api':
      return 'dialect  unsupported: threadpaint speaks to new-api gateways (documented or stock); one-api drops image inputs, Gemini images and Seedream options whatever IMAGE_API_DIALECT says. Use a new-api gateway.';
    case 'unknown':
      return `dialect  ${current} kept: the probe could not tell (stock new-api answers convert_request_failed; the documented gateway makes the image)`;
    default: {
      const fits =
        verdict.kind === 'new-api' ? 'stock new-api: the new-api dialect fits' : 'the documented dialect fits';
      return config.IMAGE_API_DIALECT === verdict.kind
        ? `dialect  ${fits}; ${current} agrees`
        : `dialect  ${fits}; ${current} disagrees: set IMAGE_API_DIALECT=${verdict.kind} (or "dialect" per model in IMAGE_MODELS_FILE)`;
    }
  }
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

export const reference = (requestId: string | undefined) => (requestId ? ` (request id ${requestId})` : '');
