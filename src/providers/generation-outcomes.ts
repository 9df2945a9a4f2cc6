import type { GeneratedImage, GenerationResult } from '../core/image-provider.js';
import type { GenerationRequest } from '../core/imagine-request.js';
import { geminiNativeState, type NativeStatePart } from './gemini-native-state.js';
import { ImageApiError } from './image-api-error.js';
import { toImageApiError } from './upstream-errors.js';

/** What one upstream call of a generation came to. */
export interface CallOutcome {
  readonly images: readonly GeneratedImage[];
  /** Native Gemini parts of each image, in the images' order. */
  readonly parts: readonly (readonly NativeStatePart[] | undefined)[];
  /** Images of this call that failed (an `error` item, a download, a check). */
  readonly failures: readonly ImageApiError[];
  readonly requestId: string | undefined;
}

/**
 * The result of every call of a generation: the images that passed, with the member told how many of the asked
 * ones could not be made and why. Nothing usable at all is the first failure, thrown.
 */
export function collectOutcomes(
  request: GenerationRequest,
  outcomes: readonly PromiseSettledResult<CallOutcome>[],
  signal: AbortSignal,
): GenerationResult {
  const done = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const failures = outcomes.flatMap((outcome) =>
    outcome.status === 'rejected' ? [toImageApiError(outcome.reason, signal)] : outcome.value.failures,
  );
  const images = done.flatMap((outcome) => outcome.images);
  const [first] = failures;
  if (images.length === 0) throw first ?? new ImageApiError('invalid_response', 'image API answered no images');
  const missing = Math.max(0, request.count - images.length);
  const notices =
    first && missing > 0
      ? [`${missing} of the ${request.count} images could not be made: ${first.memberMessage}`]
      : undefined;
  // Native Gemini answers carry thought signatures: they stay with the turn for the next edit.
  const parts = done.flatMap((outcome) => outcome.parts);
  return {
    images,
    requestIds: done.flatMap((outcome) => (outcome.requestId ? [outcome.requestId] : [])),
    offline: false,
    ...(notices ? { notices } : {}),
    ...(parts.some((part) => part !== undefined)
      ? {
          providerState: geminiNativeState(
            request,
            parts.map((part) => part ?? []),
          ),
        }
      : {}),
  };
}
