import type { GenerationRequest } from './imagine-request.js';

/** One image a provider made. */
export interface GeneratedImage {
  readonly bytes: Uint8Array;
  /** Sniffed from the bytes, not taken from the API's word. */
  readonly mimeType: string;
  readonly width?: number;
  readonly height?: number;
  /** The seed that made this image, when the model took one. */
  readonly seed?: number;
  readonly revisedPrompt?: string;
}

export interface GenerationResult {
  readonly images: readonly GeneratedImage[];
  /** Upstream request ids (one per call), for operators to quote to their provider. */
  readonly requestIds: readonly string[];
  /** True when the offline renderer made these: every surface must say it is a preview. */
  readonly offline: boolean;
  /** Member-facing sentences about the result (some of several calls failed, …). */
  readonly notices?: readonly string[];
  /** Continuation state to keep on the turn (Gemini thought signatures); JSON-serializable, opaque to the core. */
  readonly providerState?: unknown;
}

export interface GenerateOptions {
  readonly signal?: AbortSignal;
}

/** Turns one validated request into images. Implementations: the HTTP client for the image API, the offline renderer. */
export interface ImageProvider {
  readonly name: string;
  readonly offline: boolean;
  generate(request: GenerationRequest, options?: GenerateOptions): Promise<GenerationResult>;
}
