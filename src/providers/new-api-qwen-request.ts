import type { GenerationRequest } from '../core/imagine-request.js';
import { generationsPath, type UpstreamCall, type UpstreamRequest } from './upstream-request.js';

/**
 * Qwen on stock new-api: options only in the top-level `parameters` object it forwards (`size` as `W*H`, `n` —
 * several edits in one call on the edit model —, `watermark`, `prompt_extend`, `seed`; it drops `negative_prompt`,
 * so that is not sent), and input images only in
 * a top-level `input.messages[0].content` of `{image}` parts then one `{text}` part, sent verbatim. The answer is a
 * time-limited `url` (with `b64_json: ""`) whatever `response_format` says, so none is sent.
 */
export function buildNewApiQwenRequest(request: GenerationRequest, call: UpstreamCall): UpstreamRequest {
  const { model } = request;
  const parameters = {
    ...(request.size !== undefined ? { size: request.size } : {}),
    n: call.count,
    watermark: model.wire.watermark ?? false,
    // Off unless the member asked (`--extend`): the rewritten prompt is not the member's and costs 3–4 s.
    prompt_extend: request.promptExtend === true,
    ...(call.seed !== undefined ? { seed: call.seed } : {}),
  };
  const input =
    call.imageUrls.length === 0
      ? {}
      : {
          input: {
            messages: [
              { role: 'user', content: [...call.imageUrls.map((image) => ({ image })), { text: request.prompt }] },
            ],
          },
        };
  return {
    method: 'POST',
    path: generationsPath,
    body: { model: model.id, prompt: request.prompt, n: call.count, parameters, ...input },
  };
}
