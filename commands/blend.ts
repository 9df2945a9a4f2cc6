import type { CommandDefinition } from './command-definition.js';

/** `/blend image1 image2 [image3] [image4] [prompt] [model]`: 2–4 images fused into one, on models that can. */
export const blendCommand = {
  name: 'blend',
  description: 'Blend 2 to 4 images into one; reply in its thread to keep editing',
  options: [
    { name: 'image1', kind: 'attachment', description: 'The first image', required: true },
    { name: 'image2', kind: 'attachment', description: 'The second image', required: true },
    { name: 'image3', kind: 'attachment', description: 'A third image' },
    { name: 'image4', kind: 'attachment', description: 'A fourth image' },
    { name: 'prompt', kind: 'string', description: 'How to blend them; flags like --ar 16:9 work here too' },
    {
      name: 'model',
      kind: 'string',
      description: 'A model that blends images (Gemini, Seedream 4.x, GPT Image, Qwen edit)',
      flag: '--model',
      autocomplete: true,
    },
  ],
} as const satisfies CommandDefinition;
