import { type Body, isObject, Problems } from './fake-image-api-fields.js';
import { checkGptOutputOptions } from './fake-image-api-gpt-options.js';
import { describe } from './fake-image-api-images.js';
import type { FakeFamily } from './fake-image-api-types.js';

const geminiRatios = ['1:1', '3:2', '2:3', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'];
const gptSizes = ['1024x1024', '1024x1536', '1536x1024'];
const qwenSizes = ['1328*1328', '1664*928', '928*1664', '1472*1140', '1140*1472'];
const maxSeed = 2_147_483_647;

export type ShapeCheck =
  | { readonly kind: 'ok'; readonly model: string; readonly family: FakeFamily; readonly body: Body }
  | { readonly kind: 'unknown-model'; readonly model: string }
  | { readonly kind: 'invalid'; readonly model: string | undefined; readonly problems: readonly string[] };

export function familyOf(model: string): FakeFamily | undefined {
  if (model.startsWith('gemini-')) return 'gemini';
  if (model.startsWith('doubao-')) return 'seedream';
  if (model.startsWith('gpt-image')) return 'gpt';
  if (model.startsWith('qwen-')) return 'qwen';
  return undefined;
}

/** Checks a `/v1/images/generations` body against docs/image-api.md, the documented dialect. */
export function checkGenerationBody(body: unknown): ShapeCheck {
  if (!isObject(body)) return { kind: 'invalid', model: undefined, problems: ['body must be a JSON object'] };
  const model = body['model'];
  if (typeof model !== 'string' || model === '') {
    return {
      kind: 'invalid',
      model: undefined,
      problems: [`model must be a non-empty string, got ${describe(model)}`],
    };
  }
  const family = familyOf(model);
  if (!family) return { kind: 'unknown-model', model };
  const problems = new Problems();
  if (body['prompt'] === undefined && body['contents'] === undefined)
    problems.add('one of prompt or contents is needed');
  problems.type(body, 'prompt', 'string');
  problems.oneOf(body, 'response_format', ['b64_json', 'url']);
  problems.integer(body, 'n', 1, 10);
  familyChecks[family](body, model, problems);
  return problems.list.length === 0
    ? { kind: 'ok', model, family, body }
    : { kind: 'invalid', model, problems: problems.list };
}

const familyChecks: Record<FakeFamily, (body: Body, model: string, problems: Problems) => void> = {
  gemini(body, model, problems) {
    problems.oneOf(body, 'size', geminiRatios);
    if (model.startsWith('gemini-2.5-flash-image') && body['image_size'] !== undefined) {
      problems.add(`image_size must be omitted for ${model} (1K only upstream)`);
    } else {
      problems.oneOf(body, 'image_size', ['1K', '2K', '4K']);
    }
    problems.oneOf(body, 'mime_type', ['image/png', 'image/jpeg']);
    problems.oneOf(body, 'response_format', ['b64_json'], 'response_format (gemini answers base64 only)');
    if (body['image'] !== undefined) problems.add('gemini takes input images in contents[].parts[].image, not image');
    problems.contents(body['contents'], 'gemini');
  },

  seedream(body, model, problems) {
    const size = body['size'];
    if (size !== undefined && !(typeof size === 'string' && /^(2K|4K|adaptive|\d+x\d+)$/.test(size))) {
      problems.add(`size must be 2K | 4K | WxH | adaptive, got ${describe(size)}`);
    }
    const images = problems.images(body['image'], 'seedream');
    if (model.includes('seedream-3-0-t2i') && images > 0) problems.add(`${model} takes no input image`);
    if (model.includes('seededit') && images !== 1)
      problems.add(`${model} takes exactly one input image, got ${images}`);
    if (body['contents'] !== undefined) problems.add('seedream takes input images in image, not contents');
    problems.type(body, 'watermark', 'boolean');
    checkSeedreamExtras(body, problems);
  },

  gpt(body, _model, problems) {
    problems.oneOf(body, 'size', gptSizes);
    problems.oneOf(body, 'quality', ['high', 'medium', 'low']);
    checkGptOutputOptions(body, problems);
    problems.oneOf(body, 'input_fidelity', ['auto', 'high', 'medium', 'low']);
    problems.images(body['image'], 'gpt');
    problems.contents(body['contents'], 'gpt');
  },

  qwen(body, model, problems) {
    const parameters = body['parameters'];
    if (parameters !== undefined && !isObject(parameters)) problems.add('parameters must be an object');
    const options = isObject(parameters) ? parameters : {};
    const edit = model.includes('-edit');
    for (const [source, where] of [
      [body, ''],
      [options, 'parameters.'],
    ] as const) {
      const size = source['size'];
      if (size !== undefined && !(edit ? /^\d+\*\d+$/.test(String(size)) : qwenSizes.includes(String(size)))) {
        problems.add(`${where}size must be ${edit ? 'W*H' : `one of ${qwenSizes.join(' | ')}`}, got ${describe(size)}`);
      }
      problems.integer(source, 'seed', 0, maxSeed, `${where}seed`);
      problems.type(source, 'watermark', 'boolean', `${where}watermark`);
      problems.type(source, 'prompt_extend', 'boolean', `${where}prompt_extend`);
      problems.type(source, 'negative_prompt', 'string', `${where}negative_prompt`);
      if (!edit) problems.integer(source, 'n', 1, 1, `${where}n (${model} makes one image per request)`);
    }
    if (body['size'] !== undefined && options['size'] !== undefined && body['size'] !== options['size']) {
      problems.add('size and parameters.size disagree');
    }
    if (body['image'] !== undefined) problems.add('qwen takes input images in contents[0].parts, not image');
    const turns = problems.contents(body['contents'], 'qwen');
    const parts = turns[0] ?? [];
    const images = parts.filter((part) => part['image'] !== undefined).length;
    if (!edit && images > 0) problems.add(`${model} takes no input image (edits go to qwen-image-edit-plus)`);
    if (edit) {
      const shapeOk = images >= 1 && images <= 3 && parts.length === images + 1 && parts.at(-1)?.['text'] !== undefined;
      if (!shapeOk || turns.length !== 1) {
        problems.add(`${model} needs contents[0].parts = 1-3 {image} parts then one {text} part`);
      }
    }
  },
};

/** Ark's own Seedream fields: the documented gateway passes them, stock new-api only with body pass-through. */
export function checkSeedreamExtras(body: Body, problems: Problems): void {
  problems.integer(body, 'seed', 0, maxSeed);
  problems.number(body, 'guidance_scale', 1, 10);
  problems.oneOf(body, 'sequential_image_generation', ['disabled', 'auto']);
  const sequential = body['sequential_image_generation_options'];
  if (sequential !== undefined) {
    if (!isObject(sequential)) problems.add('sequential_image_generation_options must be an object');
    else problems.integer(sequential, 'max_images', 1, 4, 'sequential_image_generation_options.max_images');
  }
}
