import type { ImagineRequest, InputImage } from '../imagine-request.js';
import type { InlineFlags } from '../inline-flags.js';
import { parseInlineFlags } from '../inline-flags.js';
import { refuseControlCharacters } from '../plain-text.js';
import type { JobInput, MemberSettings, ServerSettings } from '../records.js';
import { UserFacingError } from '../user-facing-error.js';

const optionLabels: Record<keyof InlineFlags, string> = {
  model: 'model',
  aspectRatio: 'aspect',
  count: 'count',
  seed: 'seed',
  quality: 'quality',
  size: 'size',
  negativePrompt: 'no',
  background: 'background',
  extend: 'extend',
  mask: 'mask',
};

/**
 * Merges inline flags with structured options (an option and a flag that disagree is an error) and fills what is
 * still missing from the member's, then the server's, defaults.
 */
export function requestInputFrom(
  text: string,
  options: Partial<InlineFlags> | undefined,
  defaults: { member: MemberSettings; server: ServerSettings; conversationModel?: string },
): Omit<JobInput, 'attachments'> {
  const { prompt, flags } = parseInlineFlags(text);
  const merged: InlineFlags = { ...flags };
  for (const [key, value] of Object.entries(options ?? {}) as Array<[keyof InlineFlags, string | number | undefined]>) {
    if (value === undefined) continue;
    if (typeof value === 'string') refuseControlCharacters(value, `The ${optionLabels[key]} option`);
    const flagValue = flags[key];
    if (flagValue !== undefined && String(flagValue).toLowerCase() !== String(value).toLowerCase()) {
      throw new UserFacingError(
        'option_conflict',
        `The ${optionLabels[key]} option says \`${value}\` but the prompt says \`--${optionLabels[key] === 'aspect' ? 'ar' : optionLabels[key]} ${flagValue}\`; keep one.`,
      );
    }
    (merged as Record<string, unknown>)[key] = value;
  }
  const model =
    merged.model ?? defaults.conversationModel ?? defaults.member.defaultModel ?? defaults.server.defaultModel;
  const aspectRatio =
    merged.aspectRatio ??
    (defaults.conversationModel ? undefined : (defaults.member.aspectRatio ?? defaults.server.aspectRatio));
  const quality = merged.quality ?? defaults.member.quality ?? defaults.server.quality;
  return {
    prompt,
    ...(model !== undefined ? { model } : {}),
    ...(aspectRatio !== undefined ? { aspectRatio } : {}),
    ...(merged.size !== undefined ? { size: merged.size } : {}),
    ...(quality !== undefined ? { quality } : {}),
    ...(merged.count !== undefined ? { count: merged.count } : {}),
    ...(merged.seed !== undefined ? { seed: merged.seed } : {}),
    ...(merged.negativePrompt !== undefined ? { negativePrompt: merged.negativePrompt } : {}),
    ...(merged.background !== undefined ? { background: merged.background } : {}),
    ...(merged.extend !== undefined ? { extend: merged.extend } : {}),
    ...(merged.mask !== undefined ? { mask: merged.mask } : {}),
  };
}

/** The neutral request for one job, once its input images are loaded. */
export function imagineRequestOf(
  input: Omit<JobInput, 'attachments' | 'base'>,
  images: readonly InputImage[],
): ImagineRequest {
  return {
    prompt: input.prompt,
    ...(input.model !== undefined ? { model: input.model } : {}),
    ...(input.aspectRatio !== undefined ? { aspectRatio: input.aspectRatio } : {}),
    ...(input.size !== undefined ? { size: input.size } : {}),
    ...(input.quality !== undefined ? { quality: input.quality } : {}),
    ...(input.count !== undefined ? { count: input.count } : {}),
    ...(input.seed !== undefined ? { seed: input.seed } : {}),
    ...(input.negativePrompt !== undefined ? { negativePrompt: input.negativePrompt } : {}),
    ...(input.background !== undefined ? { background: input.background } : {}),
    ...(input.extend !== undefined ? { extend: input.extend } : {}),
    ...(input.mask !== undefined ? { mask: input.mask } : {}),
    inputImages: images,
  };
}
