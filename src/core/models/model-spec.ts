import { z } from 'zod';

export const modelFamilies = ['gemini', 'seedream', 'gpt-image', 'qwen'] as const;
export type ModelFamily = (typeof modelFamilies)[number];

/**
 * How requests are written for a gateway: `documented` (docs/image-api.md: everything on `/v1/images/generations`) or
 * `new-api` (stock new-api / one-api: Gemini through chat completions, GPT edits on `/v1/images/edits`, …).
 */
export const imageApiDialects = ['documented', 'new-api'] as const;
export type ImageApiDialect = (typeof imageApiDialects)[number];

export const sizeTiers = ['1K', '2K', '4K'] as const;
export type SizeTier = (typeof sizeTiers)[number];

const sizeChoiceSchema = z.object({ size: z.string(), ratio: z.string() });

/**
 * How a model is told the shape and resolution of its output. Plain data, so operators can describe new
 * models in `IMAGE_MODELS_FILE`.
 * - `ratio`: the wire `size` is the aspect ratio itself; resolution is a tier (Gemini).
 * - `fixed`: one of a list of exact sizes; an aspect ratio maps to the nearest (GPT Image, Seedream 3.0, Qwen).
 * - `free`: any `WxH` within a pixel range; a ratio maps to the table of the chosen tier (Seedream 4.x).
 * - `input`: the output follows the input image; no size is sent (SeedEdit, Qwen edit).
 */
export const sizingSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('ratio'),
    ratios: z.array(z.string()).min(1),
    tiers: z.array(z.enum(sizeTiers)).min(1),
    /** Send `image_size` (false for models that only make 1K and reject the field). */
    sendTier: z.boolean(),
  }),
  z.object({
    kind: z.literal('fixed'),
    sizes: z.array(sizeChoiceSchema).min(1),
    /** `x` (`1024x1024`) or `*` (`1328*1328`). */
    separator: z.enum(['x', '*']),
  }),
  z.object({
    kind: z.literal('free'),
    tiers: z.record(z.string(), z.array(sizeChoiceSchema)),
    defaultTier: z.enum(sizeTiers),
    minPixels: z.number().int().positive(),
    maxPixels: z.number().int().positive(),
  }),
  z.object({ kind: z.literal('input'), wireSize: z.string().optional() }),
]);
export type Sizing = z.infer<typeof sizingSchema>;

export const costSchema = z.object({
  /** Units charged per image when nothing more specific applies (1 = one Flash 1K image). */
  perImage: z.number().nonnegative(),
  byTier: z.partialRecord(z.enum(sizeTiers), z.number().nonnegative()).optional(),
  byQuality: z.record(z.string(), z.number().nonnegative()).optional(),
});

export const modelSpecSchema = z.object({
  id: z.string().min(1),
  family: z.enum(modelFamilies),
  label: z.string(),
  aliases: z.array(z.string()).default([]),
  textToImage: z.boolean(),
  /** Most input images one request takes (0: text-to-image only). */
  maxInputImages: z.number().int().nonnegative(),
  /** Several input images are combined into one result. */
  multiImageFusion: z.boolean(),
  /** Most images one upstream call returns; larger counts are made with several calls. */
  maxOutputsPerCall: z.number().int().positive(),
  /** Most images a member may ask for at once (`--n`). */
  maxCount: z.number().int().positive(),
  sizing: sizingSchema,
  qualities: z.array(z.string()).default([]),
  seed: z.boolean(),
  negativePrompt: z.boolean(),
  maxPromptChars: z.number().int().positive(),
  inputFormats: z.array(z.string()).min(1),
  /** Decoded bytes per input image. */
  maxInputBytes: z.number().int().positive(),
  /** Decoded bytes of all input images of one request together. */
  maxRequestInputBytes: z.number().int().positive(),
  responseFormat: z.enum(['b64_json', 'url']),
  /** The model that takes over edits when this one takes no images. */
  editSibling: z.string().optional(),
  /** Request dialect for this model; unset follows `IMAGE_API_DIALECT`. */
  dialect: z.enum(imageApiDialects).optional(),
  /** Family-specific wire switches, where the gateway's documents disagree (docs/image-api.md). */
  wire: z
    .object({
      /** GPT Image: where input images go. */
      gptImageInputField: z.enum(['image', 'contents']).optional(),
      /** Qwen: options in a `parameters` object, flat, or both. */
      qwenOptions: z.enum(['parameters', 'flat', 'both']).optional(),
      /** Seedream: `watermark` value (upstream defaults to true). */
      watermark: z.boolean().optional(),
      /** new-api dialect, Gemini: native `/v1beta/models/{model}:generateContent` (true multi-turn) instead of chat. */
      geminiNative: z.boolean().optional(),
      /** new-api dialect, GPT Image edits on `/v1/images/edits`: multipart files (default) or JSON `images`. */
      gptImageEdits: z.enum(['multipart', 'json']).optional(),
      /** new-api dialect, GPT Image edits: `input_fidelity` (`low` by default; gpt-image-1 also takes `high`). */
      inputFidelity: z.enum(['high', 'low']).optional(),
    })
    .default({}),
  cost: costSchema,
});

export type ModelSpec = z.infer<typeof modelSpecSchema>;
export type ModelSpecInput = z.input<typeof modelSpecSchema>;
