import { z } from 'zod';
import type { GenerationRequest } from '../core/imagine-request.js';

/** One part of a model answer as kept on the turn: text, or the output image (its bytes are the stored output). */
const statePartSchema = z.object({
  text: z.string().optional(),
  image: z.literal(true).optional(),
  thoughtSignature: z.string().optional(),
});
export type NativeStatePart = z.infer<typeof statePartSchema>;

/**
 * A turn's `providerState` after native Gemini calls: the instruction and, per output image, the parts of the answer
 * that made it with their thought signatures. The next edit sends them back as the model turn it continues from.
 */
const geminiNativeStateSchema = z.object({
  kind: z.literal('gemini-native'),
  model: z.string(),
  prompt: z.string(),
  outputs: z.array(z.object({ parts: z.array(statePartSchema) })),
});
export type GeminiNativeState = z.infer<typeof geminiNativeStateSchema>;

export function geminiNativeState(
  request: GenerationRequest,
  outputs: readonly (readonly NativeStatePart[])[],
): GeminiNativeState {
  return {
    kind: 'gemini-native',
    model: request.model.id,
    prompt: request.prompt,
    outputs: outputs.map((parts) => ({ parts: [...parts] })),
  };
}

/**
 * The exchange an edit continues from: the previous instruction and the model parts of its picked output. Only a
 * state the same model left counts (a thought signature is meaningless to another model).
 */
export function continuationOf(request: GenerationRequest): { prompt: string; parts: NativeStatePart[] } | undefined {
  const previous = request.previousTurn;
  if (!previous) return undefined;
  const parsed = geminiNativeStateSchema.safeParse(previous.providerState);
  if (!parsed.success || parsed.data.model !== request.model.id) return undefined;
  const output = parsed.data.outputs[previous.outputIndex];
  if (!output?.parts.some((part) => part.image)) return undefined;
  return { prompt: parsed.data.prompt, parts: output.parts };
}
