import type { ModelSpec, SizeTier } from './models/model-spec.js';

/** An image given to a model: bytes always (never a platform URL, those expire), with its sniffed type. */
export interface InputImage {
  readonly bytes: Uint8Array;
  /** Real type from the magic bytes, e.g. `image/png`. */
  readonly mimeType: string;
  /** What the member called it (a file name), for messages. */
  readonly name?: string;
}

/**
 * What a member asked for, before validation: platform-neutral. Built from inline flags, slash-command
 * options and member/server defaults.
 */
export interface ImagineRequest {
  prompt: string;
  model?: string;
  aspectRatio?: string;
  size?: string;
  quality?: string;
  count?: number;
  seed?: number;
  negativePrompt?: string;
  /** GPT Image `background` (`--background`). */
  background?: string;
  /** Qwen `prompt_extend` (`--extend`). */
  extend?: boolean;
  /** The last input image is an inpainting mask, not a reference. */
  mask?: boolean;
  inputImages?: readonly InputImage[];
}

/**
 * A request validated against one model and mapped to that family's own parameters; what a provider sends.
 * Values here are the wire values (`1536x1024`, `1328*1328`, `16:9` + `2K`).
 */
export interface GenerationRequest {
  readonly model: ModelSpec;
  readonly prompt: string;
  readonly count: number;
  /** Only set when the model takes a seed: never show a member a seed the model did not take. */
  readonly seed?: number;
  readonly negativePrompt?: string;
  readonly quality?: string;
  /** The ratio the member asked for (or the model's default), for display. */
  readonly aspectRatio?: string;
  /** The family's wire `size` value; undefined when the model sizes from its input. */
  readonly size?: string;
  /** Gemini `image_size`, only for models that take it. */
  readonly imageSize?: SizeTier;
  /** Resolution tier, for cost accounting. */
  readonly tier: SizeTier;
  readonly inputImages: readonly InputImage[];
  /** GPT Image `background`, only for models that take it. */
  readonly background?: string;
  /** Qwen `prompt_extend: true`, only for models that take it. */
  readonly promptExtend?: boolean;
  /** An inpainting mask for the first input image (GPT Image edits), kept out of `inputImages`. */
  readonly mask?: InputImage;
  /**
   * Earlier turns, oldest first, for families that take multi-turn context (`CONVERSATION_CONTEXT=full`):
   * the member's instruction, then the images the model answered with.
   */
  readonly history?: readonly HistoryTurn[];
  /**
   * For an edit: the turn it starts from, as its provider left it (`providerState`, opaque to the core) and which of
   * its outputs is the base image. Dialects with native multi-turn (Gemini `generateContent`) continue from it.
   */
  readonly previousTurn?: PreviousTurn;
}

export interface PreviousTurn {
  readonly providerState: unknown;
  /** Index of the base image among that turn's outputs. */
  readonly outputIndex: number;
}

export interface HistoryTurn {
  readonly role: 'user' | 'model';
  readonly text?: string;
  readonly images: readonly InputImage[];
}

/** What the member is told about a request that was accepted but changed ("16:9 became 1536x1024 (3:2)"). */
export interface RequestNotice {
  readonly code: string;
  readonly message: string;
}

export interface ValidatedRequest {
  readonly request: GenerationRequest;
  readonly notices: readonly RequestNotice[];
}
