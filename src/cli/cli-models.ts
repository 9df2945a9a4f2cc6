import type { ModelCatalogue } from '../core/models/model-catalogue.js';
import type { ModelSpec } from '../core/models/model-spec.js';

/** One block per model: what it can do and which values it takes. */
export function formatModels(catalogue: ModelCatalogue, defaultModel: string): string {
  return catalogue
    .list()
    .map((model) => formatModel(model, model.id === defaultModel))
    .join('\n\n');
}

function formatModel(model: ModelSpec, isDefault: boolean): string {
  const abilities = [
    model.textToImage ? 'text to image' : 'edits only',
    model.maxInputImages > 0
      ? `up to ${model.maxInputImages} input image${model.maxInputImages > 1 ? 's' : ''}`
      : 'no input images',
    model.multiImageFusion ? 'fuses several images' : undefined,
    `up to ${model.maxCount} per request`,
    model.seed ? 'seed' : undefined,
    model.negativePrompt ? '--no' : undefined,
    model.backgrounds.length > 0 ? '--background' : undefined,
    model.mask ? '--mask (new-api dialect)' : undefined,
    model.promptExtend ? '--extend' : undefined,
  ].filter(Boolean);
  const lines = [
    `${model.id}${isDefault ? '  (default)' : ''} — ${model.label}`,
    `  aliases: ${model.aliases.join(', ') || '—'}`,
    `  can: ${abilities.join(', ')}`,
    `  sizes: ${describeSizing(model)}`,
  ];
  if (model.qualities.length > 0) lines.push(`  quality: ${model.qualities.join(', ')}`);
  if (model.editSibling) lines.push(`  edits go to: ${model.editSibling}`);
  return lines.join('\n');
}

function describeSizing(model: ModelSpec): string {
  const sizing = model.sizing;
  switch (sizing.kind) {
    case 'ratio':
      return `--ar ${sizing.ratios.join(' ')}; --size ${sizing.tiers.join(' ')}`;
    case 'fixed':
      return sizing.sizes.map((choice) => `${choice.size} (${choice.ratio})`).join(', ');
    case 'free':
      return `--size ${Object.keys(sizing.tiers).join(' ')} or WxH; any --ar`;
    case 'input':
      return 'follows the input image';
  }
}
