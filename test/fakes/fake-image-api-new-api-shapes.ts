import { type Body, isObject, Problems } from './fake-image-api-fields.js';
import { checkGptOutputOptions, checkMask } from './fake-image-api-gpt-options.js';
import { checkImageFile, checkImageReference, describe } from './fake-image-api-images.js';
import { fieldsOf } from './fake-image-api-multipart.js';
import { checkSeedreamExtras, familyOf } from './fake-image-api-shapes.js';
import type { FakeFamily, FakeFormPart } from './fake-image-api-types.js';

const gptSizes = ['1024x1024', '1024x1536', '1536x1024'];
const qwenSizes = ['1328*1328', '1664*928', '928*1664', '1472*1140', '1140*1472'];
const maxSeed = 2_147_483_647;

/** What stock new-api's image request keeps on `/v1/images/generations` (docs/image-api.md, "The new-api dialect"). */
const keptFields = new Set(
  'model prompt n size quality response_format stream style user background moderation output_format output_compression partial_images images mask input_fidelity watermark image'.split(
    ' ',
  ),
);
const keptEditFields = new Set([...keptFields, 'image[]']);
const qwenParameters = new Set(['size', 'n', 'watermark', 'prompt_extend', 'seed']);

/**
 * A new-api request as the fake judged it. `dropped` lists what the gateway silently ignores; `gateway: true`
 * marks new-api's own validation (HTTP 500 `new_api_error` / `invalid_request`), `upstream: true` Gemini's
 * refusal of what new-api forwarded (HTTP 400, relayed), rather than the fake's own 400 for a client bug.
 */
export type NewApiCheck =
  | { readonly kind: 'ok'; readonly model: string; readonly family: FakeFamily; readonly body: Body; dropped: string[] }
  | { readonly kind: 'unknown-model'; readonly model: string; dropped: string[] }
  | { readonly kind: 'convert-failed'; readonly model: string; dropped: string[] }
  | {
      readonly kind: 'invalid';
      readonly model: string | undefined;
      readonly problems: readonly string[];
      readonly gateway?: boolean;
      readonly upstream?: boolean;
      dropped: string[];
    };

export function modelOf(body: unknown): { model: string; family: FakeFamily | undefined } | NewApiCheck {
  if (!isObject(body))
    return { kind: 'invalid', model: undefined, problems: ['body must be a JSON object'], dropped: [] };
  const model = body['model'];
  if (typeof model !== 'string' || model === '') {
    const problems = [`model must be a non-empty string, got ${describe(model)}`];
    return { kind: 'invalid', model: undefined, problems, dropped: [], gateway: true };
  }
  return { model, family: familyOf(model) };
}

export function verdict(
  model: string,
  family: FakeFamily,
  body: Body,
  problems: Problems,
  dropped: string[],
): NewApiCheck {
  if (problems.list.length === 0) return { kind: 'ok', model, family, body, dropped };
  return { kind: 'invalid', model, problems: problems.list, dropped };
}

/** What body pass-through on the channel lets reach Ark besides the kept fields. */
const passedSeedreamFields = [
  'seed',
  'guidance_scale',
  'sequential_image_generation',
  'sequential_image_generation_options',
];

/**
 * `POST /v1/images/generations` on stock new-api; with `passThrough` (the channel setting) the body reaches the
 * upstream as written, so Seedream's own fields are kept instead of dropped.
 */
export function checkNewApiGenerations(body: unknown, passThrough = false): NewApiCheck {
  const named = modelOf(body);
  if ('kind' in named) return named;
  const { model, family } = named;
  if (!family) return { kind: 'unknown-model', model, dropped: [] };
  const request = body as Body;
  const extra =
    family === 'qwen' ? ['parameters', 'input'] : family === 'seedream' && passThrough ? passedSeedreamFields : [];
  const dropped = Object.keys(request).filter((key) => !keptFields.has(key) && !extra.includes(key));
  // Gemini image models cannot be converted to an images request: the gateway refuses them outright.
  if (family === 'gemini') return { kind: 'convert-failed', model, dropped };
  const problems = new Problems();
  if (typeof request['prompt'] !== 'string' || request['prompt'] === '') {
    return { kind: 'invalid', model, problems: ['prompt is required'], dropped, gateway: true };
  }
  if (typeof request['size'] === 'string' && request['size'].includes('×')) {
    return { kind: 'invalid', model, problems: ['size must not contain ×'], dropped, gateway: true };
  }
  problems.oneOf(request, 'response_format', ['b64_json', 'url']);
  problems.integer(request, 'n', 1, 10);
  newApiFamilyChecks[family](request, model, problems, dropped);
  if (family === 'seedream' && passThrough) checkSeedreamExtras(request, problems);
  return verdict(model, family, request, problems, dropped);
}

type FamilyCheck = (body: Body, model: string, problems: Problems, dropped: string[]) => void;

const newApiFamilyChecks: Record<Exclude<FakeFamily, 'gemini'>, FamilyCheck> = {
  gpt(body, _model, problems, dropped) {
    problems.oneOf(body, 'size', gptSizes);
    problems.oneOf(body, 'quality', ['high', 'medium', 'low']);
    checkGptOutputOptions(body, problems);
    // Kept by the gateway, ignored by OpenAI on /generations: edits belong on /v1/images/edits.
    if (body['image'] !== undefined) dropped.push('image');
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
    problems.type(body, 'watermark', 'boolean');
  },

  qwen(body, model, problems, dropped) {
    const edit = model.includes('-edit');
    const parameters = body['parameters'];
    if (parameters !== undefined && !isObject(parameters)) problems.add('parameters must be an object');
    if (isObject(parameters)) {
      // With a `parameters` object the standard fields are not read; of its own keys some are forwarded.
      for (const key of ['size', 'watermark']) if (body[key] !== undefined) dropped.push(key);
      for (const key of Object.keys(parameters)) if (!qwenParameters.has(key)) dropped.push(`parameters.${key}`);
      const size = parameters['size'];
      if (size !== undefined && !(edit ? /^\d+\*\d+$/.test(String(size)) : qwenSizes.includes(String(size)))) {
        problems.add(
          `parameters.size must be ${edit ? 'W*H' : `one of ${qwenSizes.join(' | ')}`}, got ${describe(size)}`,
        );
      }
      problems.integer(parameters, 'seed', 0, maxSeed, 'parameters.seed');
      problems.type(parameters, 'watermark', 'boolean', 'parameters.watermark');
      problems.type(parameters, 'prompt_extend', 'boolean', 'parameters.prompt_extend');
      problems.integer(
        parameters,
        'n',
        1,
        edit ? 6 : 1,
        `parameters.n${edit ? '' : ` (${model} makes one image per request)`}`,
      );
    }
    const images = qwenInputImages(body['input'], problems);
    if (!edit && images > 0) problems.add(`${model} takes no input image (edits go to qwen-image-edit-plus)`);
    if (edit && images === 0) problems.add(`${model} needs its images in input.messages[0].content`);
  },
};

/** `input: {messages: [{role: "user", content: [{image}…, {text}]}]}`; returns how many images it carries. */
function qwenInputImages(input: unknown, problems: Problems): number {
  if (input === undefined) return 0;
  const messages = isObject(input) ? input['messages'] : undefined;
  const message = Array.isArray(messages) && messages.length === 1 ? messages[0] : undefined;
  const content = isObject(message) && message['role'] === 'user' ? message['content'] : undefined;
  if (!Array.isArray(content)) {
    problems.add(`input must be {messages: [{role: "user", content: [...]}]}, got ${describe(input)}`);
    return 0;
  }
  const images = content.slice(0, -1);
  const last = content.at(-1);
  const shapeOk =
    images.length >= 1 &&
    images.length <= 3 &&
    images.every((part) => isObject(part) && Object.keys(part).join() === 'image') &&
    isObject(last) &&
    Object.keys(last).join() === 'text' &&
    typeof last['text'] === 'string';
  if (!shapeOk) problems.add('input.messages[0].content must be 1-3 {image} parts then one {text} part');
  images.forEach((part, index) => {
    if (isObject(part))
      problems.add(checkImageReference(part['image'], 'qwen', `input.messages[0].content[${index}].image`));
  });
  return images.length;
}

/** `POST /v1/images/edits` on stock new-api: multipart `image[]` files, or JSON `images: [{image_url}]`. */
export function checkNewApiEdits(body: unknown, parts: readonly FakeFormPart[] | undefined): NewApiCheck {
  const fields: Body = parts ? fieldsOf(parts) : isObject(body) ? body : {};
  const named = modelOf(fields);
  if ('kind' in named) return named;
  const { model, family } = named;
  if (!family) return { kind: 'unknown-model', model, dropped: [] };
  const fileNames = (parts ?? []).filter((part) => part.bytes).map((part) => part.name);
  const dropped = [...Object.keys(fields), ...fileNames].filter(
    (key, index, all) => !keptEditFields.has(key) && !/^image\[\d*\]$/.test(key) && all.indexOf(key) === index,
  );
  const problems = new Problems();
  if (family !== 'gpt') {
    problems.add('fake: /v1/images/edits is modelled for GPT Image only');
    return verdict(model, family, fields, problems, dropped);
  }
  if (typeof fields['prompt'] !== 'string' || fields['prompt'] === '') {
    return { kind: 'invalid', model, problems: ['prompt is required'], dropped, gateway: true };
  }
  problems.oneOf(fields, 'size', gptSizes);
  problems.oneOf(fields, 'quality', ['high', 'medium', 'low']);
  // OpenAI: input_fidelity is "unsupported for gpt-image-1-mini" (a 400 there).
  if (model.includes('mini') && fields['input_fidelity'] !== undefined) {
    problems.add(`input_fidelity is not supported on ${model}, got ${describe(fields['input_fidelity'])}`);
  } else problems.oneOf(fields, 'input_fidelity', ['high', 'low']);
  checkGptOutputOptions(fields, problems);
  const count = parts ? checkFiles(parts, problems) : checkJsonImages(fields['images'], problems);
  checkMask(parts, fields, problems);
  if (count === 0) problems.add('an edit needs at least one image');
  if (count > 16) problems.add(`at most 16 images, got ${count}`);
  if (parts) {
    const n = fields['n'];
    if (n !== undefined && !/^(10|[1-9])$/.test(String(n))) problems.add(`n must be 1..10, got ${describe(n)}`);
  } else problems.integer(fields, 'n', 1, 10);
  return verdict(model, family, fields, problems, dropped);
}

function checkFiles(parts: readonly FakeFormPart[], problems: Problems): number {
  const images = parts.filter((part) => /^image(\[\d*\])?$/.test(part.name));
  images.forEach((part, index) => {
    const where = `${part.name} #${index + 1}`;
    if (!part.bytes) problems.add(`${where} must be a file, not a text field`);
    else problems.add(checkImageFile(part.bytes, part.type, 'gpt', where));
  });
  return images.length;
}

function checkJsonImages(images: unknown, problems: Problems): number {
  if (!Array.isArray(images)) {
    problems.add(`images must be an array of {image_url}, got ${describe(images)}`);
    return 0;
  }
  images.forEach((entry, index) => {
    const url = isObject(entry) ? entry['image_url'] : undefined;
    problems.add(checkImageReference(url, 'gpt', `images[${index}].image_url`));
  });
  return images.length;
}
