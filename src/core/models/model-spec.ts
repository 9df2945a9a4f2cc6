import { z } from 'zod';
import { boundedCount, byteLimit, catalogueBounds, wireSize } from './model-bounds.js';

export const modelFamilies = ['gemini', 'seedream', 'gpt-image', 'qwen'] as const;
export type ModelFamily = (typeof modelFamilies)[number];

/**
 * How requests are written for a gateway: `documented` (docs/image-api.md: everything on `/v1/images/generations`) or
 * `new-api` (stock new-api: Gemini through chat completions, GPT edits on `/v1/images/edits`, …). one-api, new-api's
 * ancestor, is served by neither: its relay drops image inputs and Gemini images.
 */
export const imageApiDialects = ['documented', 'new-api'] as const;
export type ImageApiDialect = (typeof imageApiDialects)[number];

export const sizeTiers = ['1K', '2K', '4K'] as const;
export type SizeTier = (typeof sizeTiers)[number];

const sizeChoiceSchema = z.object({ size: wireSize, ratio: z.string() });

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
    maxPixels: z
      .number()
      .int()
      .positive()
      .max(
        catalogueBounds.maxSide ** 2,
        `must be at most ${catalogueBounds.maxSide}×${catalogueBounds.maxSide} pixels`,
      ),
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

const dialectSchema = z.enum(imageApiDialects);

export const modelSpecSchema = z
  .object({
    id: z.string().min(1),
    family: z.enum(modelFamilies),
    label: z.string(),
    aliases: z.array(z.string()).default([]),
    textToImage: z.boolean(),
    /** Most input images one request takes (0: text-to-image only). */
    maxInputImages: z.number().int().min(0).max(catalogueBounds.maxInputImages, 'must be at most 16'),
    /** Several input images are combined into one result. */
    multiImageFusion: z.boolean(),
    /** Most images one upstream call returns; larger counts are made with several calls. */
    maxOutputsPerCall: boundedCount(catalogueBounds.maxOutputsPerCall, 'images per upstream call'),
    /** The same, where one dialect's gateway passes more (or fewer) per call than the default. */
    maxOutputsPerCallByDialect: z
      .partialRecord(dialectSchema, boundedCount(catalogueBounds.maxOutputsPerCall, 'images per upstream call'))
      .optional(),
    /** Most images a member may ask for at once (`--n`). */
    maxCount: boundedCount(catalogueBounds.maxCount, 'images one request may ask for'),
    sizing: sizingSchema,
    qualities: z.array(z.string()).default([]),
    /** GPT Image `background` values (`--background`); empty: the model takes none. */
    backgrounds: z.array(z.enum(['transparent', 'opaque', 'auto'])).default([]),
    /** GPT Image `output_format` values the model can be asked for (picked to fit the upload cap). */
    outputFormats: z.array(z.enum(['png', 'jpeg', 'webp'])).default([]),
    /** Takes an inpainting mask (GPT Image edits). */
    mask: z.boolean().default(false),
    /** Takes Qwen's `prompt_extend` (`--extend`). */
    promptExtend: z.boolean().default(false),
    /** GPT Image `input_fidelity` values the model takes (none on gpt-image-1-mini: OpenAI answers 400). */
    inputFidelities: z.array(z.enum(['high', 'low'])).default([]),
    seed: z.boolean(),
    negativePrompt: z.boolean(),
    maxPromptChars: z.number().int().positive().max(catalogueBounds.maxPromptChars, 'must be at most 100000'),
    inputFormats: z.array(z.string()).min(1),
    /** Decoded bytes per input image. */
    maxInputBytes: byteLimit('per input image'),
    /** Decoded bytes of all input images of one request together. */
    maxRequestInputBytes: byteLimit('all input images of one request'),
    /** Decoded bytes per generated image: an answer past it is refused while it streams. */
    maxOutputBytes: byteLimit('per generated image').default(30_000_000),
    responseFormat: z.enum(['b64_json', 'url']),
    /** The model that takes over edits when this one takes no images. */
    editSibling: z.string().optional(),
    /** Request dialect for this model; unset follows `IMAGE_API_DIALECT`. */
    dialect: dialectSchema.optional(),
    /** Family-specific wire switches for the open questions of docs/image-api.md. */
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
        /** GPT Image edits: `input_fidelity` (`low` by default), sent only where `inputFidelities` lists it. */
        inputFidelity: z.enum(['high', 'low']).optional(),
        /**
         * new-api dialect, Seedream: the operator turned on body pass-through for the channel, so `seed`,
         * `guidance_scale` and `sequential_image_generation` reach Ark (a stock gateway drops them).
         */
        seedreamPassThrough: z.boolean().optional(),
        /** Seedream `guidance_scale` (1–10), sent where it reaches the model. */
        guidanceScale: z.number().min(1).max(10).optional(),
      })
      .default({}),
    cost: costSchema,
  })
  .superRefine((model, context) => {
    const fidelity = model.wire.inputFidelity;
    if (fidelity !== undefined && !model.inputFidelities.includes(fidelity)) {
      context.addIssue({
        code: 'custom',
        path: ['wire', 'inputFidelity'],
        message: `${model.id} does not take input_fidelity ${fidelity} (it takes ${model.inputFidelities.join(', ') || 'none'})`,
      });
    }
  });

export type ModelSpec = z.infer<typeof modelSpecSchema>;
export type ModelSpecInput = z.input<typeof modelSpecSchema>;
