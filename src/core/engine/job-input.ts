import type { JobInput, TurnParameters, TurnRecord } from '../records.js';
import { hasRatio, parseExactSize, parseTier } from '../size-mapping.js';
import { UserFacingError } from '../user-facing-error.js';
import { requestInputFrom } from './build-request.js';
import type { EngineSettings } from './engine-context.js';
import type { InboundRequest } from './engine-types.js';

/** The instruction of a message that is only images: every platform sends the same words. */
export const imageOnlyPrompt = 'mix these images';

/**
 * What the job will send, by action: reroll repeats the turn with a new seed; variations start from the pick.
 * `attachments` holds the images taken from earlier turns; the delivery's own attachments are added once stored.
 */
export function jobInputFor(
  inbound: InboundRequest,
  parent: TurnRecord | undefined,
  defaults: Parameters<typeof requestInputFrom>[2],
  settings: Pick<EngineSettings, 'variationCount'>,
): JobInput {
  const parameters = parent?.parameters;
  if ((inbound.action === 'reroll' || inbound.action === 'variations') && parent) {
    if (!parameters)
      throw new UserFacingError('not_finished', 'That turn has not finished yet; try again when its image is there.');
    const base = {
      prompt: parameters.prompt,
      model: parameters.model,
      ...repeatedSize(parameters),
      ...(parameters.quality !== undefined ? { quality: parameters.quality } : {}),
      ...(parameters.negativePrompt !== undefined ? { negativePrompt: parameters.negativePrompt } : {}),
      ...(parameters.background !== undefined ? { background: parameters.background } : {}),
      ...(parameters.extend ? { extend: true } : {}),
    };
    if (inbound.action === 'reroll') {
      const mask = parameters.mask ? { mask: true } : {};
      return { ...base, ...mask, count: parameters.count, attachments: [...parent.inputImages] };
    }
    const index = inbound.target?.index ?? 0;
    const picked = parent.outputImages[index];
    if (!picked) throw new UserFacingError('nothing_to_edit', 'That image is not part of this turn.');
    const count = (inbound.options?.count as number | undefined) ?? settings.variationCount;
    return { ...base, count, attachments: [picked] };
  }
  const input = requestInputFrom(inbound.text, inbound.options, defaults);
  const images = (inbound.attachments?.length ?? 0) + (inbound.files?.length ?? 0);
  return {
    ...input,
    ...(input.prompt === '' && images > 0 ? { prompt: imageOnlyPrompt } : {}),
    attachments: [],
    ...(inbound.action === 'edit' && inbound.target
      ? { base: { turnId: inbound.target.turnId, index: inbound.target.index ?? 0 } }
      : {}),
  };
}

/**
 * What makes a repeat the same size: exact pixels as made (they fix the shape too: `3000x2000`, `1024x1536`), or the
 * ratio and the resolution tier as sent (`16:9` at `2K`; Seedream's bare `4K`).
 */
export function repeatedSize(parameters: TurnParameters): { aspectRatio?: string; size?: string } {
  const wire = parameters.size;
  const exact = wire !== undefined ? parseExactSize(wire) : undefined;
  if (wire !== undefined && exact) {
    // The pixels decide; the ratio's name stays where it is their shape (a table's 4K 16:9 is not quite 16:9).
    const named = parameters.aspectRatio !== undefined && hasRatio(exact, parameters.aspectRatio);
    return { size: wire, ...(named ? { aspectRatio: parameters.aspectRatio } : {}) };
  }
  const tier = parameters.imageSize ?? (wire !== undefined ? parseTier(wire) : undefined);
  return {
    ...(parameters.aspectRatio !== undefined ? { aspectRatio: parameters.aspectRatio } : {}),
    ...(tier !== undefined ? { size: tier } : {}),
  };
}
