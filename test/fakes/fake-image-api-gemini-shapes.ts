import { type Body, isObject, Problems } from './fake-image-api-fields.js';
import { checkImageReference, describe } from './fake-image-api-images.js';
import { modelOf, type NewApiCheck, verdict } from './fake-image-api-new-api-shapes.js';

const geminiRatios = ['1:1', '3:2', '2:3', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'];
const chatFields = new Set([
  'model',
  'messages',
  'extra_body',
  'stream',
  'n',
  'temperature',
  'top_p',
  'max_tokens',
  'max_completion_tokens',
  'modalities',
  'user',
]);
const nativeFields = new Set(['contents', 'generationConfig', 'safetySettings', 'systemInstruction']);

/**
 * `POST /v1/chat/completions` for a Gemini image model on stock new-api: messages of `text` and `image_url` parts,
 * options only in `extra_body.google.image_config` with snake_case keys (anything else there is dropped).
 */
export function checkGeminiChat(body: unknown): NewApiCheck {
  const named = modelOf(body);
  if ('kind' in named) return named;
  const { model, family } = named;
  if (!family) return { kind: 'unknown-model', model, dropped: [] };
  const request = body as Body;
  const dropped = Object.keys(request).filter((key) => !chatFields.has(key));
  const problems = new Problems();
  if (family !== 'gemini') {
    problems.add('fake: chat completions are modelled for Gemini image models only');
    return verdict(model, family, request, problems, dropped);
  }
  if (request['stream'] === true) problems.add('fake: streamed chat completions are not modelled');
  checkMessages(request['messages'], problems);
  const extra = request['extra_body'];
  if (extra !== undefined) {
    if (!isObject(extra)) problems.add(`extra_body must be an object, got ${describe(extra)}`);
    else {
      for (const key of Object.keys(extra)) if (key !== 'google') dropped.push(`extra_body.${key}`);
      const google = isObject(extra['google']) ? extra['google'] : {};
      for (const key of Object.keys(google)) if (key !== 'image_config') dropped.push(`extra_body.google.${key}`);
      const config = isObject(google['image_config']) ? google['image_config'] : {};
      for (const key of Object.keys(config)) {
        if (key !== 'aspect_ratio' && key !== 'image_size') dropped.push(`extra_body.google.image_config.${key}`);
      }
      checkImageConfig(config, model, problems, 'aspect_ratio', 'image_size', 'extra_body.google.image_config');
    }
  }
  return verdict(model, family, request, problems, dropped);
}

function checkMessages(messages: unknown, problems: Problems): void {
  if (!Array.isArray(messages) || messages.length === 0) {
    problems.add(`messages must be a non-empty array, got ${describe(messages)}`);
    return;
  }
  for (const [index, message] of messages.entries()) {
    const where = `messages[${index}]`;
    if (!isObject(message)) {
      problems.add(`${where} must be an object`);
      continue;
    }
    problems.oneOf(message, 'role', ['system', 'user', 'assistant'], `${where}.role`);
    const content = message['content'];
    if (typeof content === 'string') continue;
    if (!Array.isArray(content) || content.length === 0) {
      problems.add(`${where}.content must be text or parts`);
      continue;
    }
    for (const [partIndex, part] of content.entries())
      problems.add(checkChatPart(part, `${where}.content[${partIndex}]`));
  }
  if (!isObject(messages.at(-1)) || (messages.at(-1) as Body)['role'] !== 'user') {
    problems.add('the last message must be the user’s');
  }
}

function checkChatPart(part: unknown, where: string): string | undefined {
  if (isObject(part) && part['type'] === 'text' && typeof part['text'] === 'string') return undefined;
  if (isObject(part) && part['type'] === 'image_url') {
    const url = isObject(part['image_url']) ? part['image_url']['url'] : undefined;
    return checkImageReference(url, 'gemini', `${where}.image_url.url`);
  }
  return `${where} must be {type: "text", text} or {type: "image_url", image_url: {url}}`;
}

function checkImageConfig(
  config: Body,
  model: string,
  problems: Problems,
  ratioKey: string,
  sizeKey: string,
  where: string,
): void {
  problems.oneOf(config, ratioKey, geminiRatios, `${where}.${ratioKey}`);
  if (model.startsWith('gemini-2.5-flash-image') && config[sizeKey] !== undefined) {
    problems.add(`${where}.${sizeKey} must be omitted for ${model} (1K only upstream)`);
  } else problems.oneOf(config, sizeKey, ['1K', '2K', '4K'], `${where}.${sizeKey}`);
}

/**
 * Native `generateContent`, relayed verbatim: camelCase `contents` of `text` / `inlineData` parts; a thought
 * signature in a model turn must be one this gateway issued (they are opaque and bound to the conversation).
 */
export function checkGeminiNative(model: string, body: unknown, issued: ReadonlySet<string>): NewApiCheck {
  const named = modelOf({ ...(isObject(body) ? body : {}), model });
  if ('kind' in named) return named;
  if (named.family !== 'gemini') return { kind: 'unknown-model', model, dropped: [] };
  const problems = new Problems();
  if (!isObject(body)) return { kind: 'invalid', model, problems: ['body must be a JSON object'], dropped: [] };
  for (const key of Object.keys(body)) if (!nativeFields.has(key)) problems.add(`unknown field ${key}`);
  const contents = body['contents'];
  if (!Array.isArray(contents) || contents.length === 0) problems.add('contents must be a non-empty array');
  else {
    for (const [index, turn] of contents.entries()) checkNativeTurn(turn, `contents[${index}]`, issued, problems);
    if ((contents.at(-1) as Body | undefined)?.['role'] !== 'user') problems.add('the last content must be the user’s');
    // new-api parses and re-serialises the request (`text` is omitempty): a part left with no data reaches Gemini,
    // which refuses the whole request.
    const empty = dataLessParts(contents);
    if (empty.length > 0) {
      const message = empty
        .map(
          (where) =>
            `* GenerateContentRequest.${where}.data: required oneof field 'data' must have one initialized field`,
        )
        .join('\n');
      return { kind: 'invalid', model, problems: [message], dropped: [], upstream: true };
    }
  }
  const generation = body['generationConfig'];
  if (generation !== undefined) {
    if (!isObject(generation)) problems.add('generationConfig must be an object');
    else {
      const modalities = generation['responseModalities'];
      if (modalities !== undefined && !(Array.isArray(modalities) && modalities.includes('IMAGE'))) {
        problems.add(`generationConfig.responseModalities must include IMAGE, got ${describe(modalities)}`);
      }
      const config = isObject(generation['imageConfig']) ? generation['imageConfig'] : {};
      checkImageConfig(config, model, problems, 'aspectRatio', 'imageSize', 'generationConfig.imageConfig');
    }
  }
  return verdict(model, 'gemini', body, problems, []);
}

function checkNativeTurn(turn: unknown, where: string, issued: ReadonlySet<string>, problems: Problems): void {
  if (!isObject(turn) || !Array.isArray(turn['parts']) || turn['parts'].length === 0) {
    problems.add(`${where} must be {role, parts: [...]} with at least one part`);
    return;
  }
  problems.oneOf(turn, 'role', ['user', 'model'], `${where}.role`);
  for (const [index, part] of (turn['parts'] as unknown[]).entries()) {
    const partWhere = `${where}.parts[${index}]`;
    if (!isObject(part)) {
      problems.add(`${partWhere} must be an object`);
      continue;
    }
    const data = part['inlineData'];
    if (isObject(data)) {
      const url = `data:${String(data['mimeType'])};base64,${String(data['data'])}`;
      problems.add(checkImageReference(url, 'gemini', `${partWhere}.inlineData`));
    } else if (part['text'] !== undefined && typeof part['text'] !== 'string') {
      problems.add(`${partWhere}.text must be a string`);
    }
    const signature = part['thoughtSignature'];
    if (signature !== undefined && turn['role'] === 'model' && !issued.has(String(signature))) {
      problems.add(`${partWhere}.thoughtSignature was not issued by this gateway`);
    }
  }
}

/** Parts with neither inlineData nor a non-empty text once new-api re-serialises them: `contents[1].parts[0]`. */
function dataLessParts(contents: readonly unknown[]): string[] {
  const found: string[] = [];
  contents.forEach((turn, turnIndex) => {
    const parts = isObject(turn) && Array.isArray(turn['parts']) ? turn['parts'] : [];
    parts.forEach((part: unknown, partIndex) => {
      const carries =
        isObject(part) && (isObject(part['inlineData']) || (typeof part['text'] === 'string' && part['text'] !== ''));
      if (!carries) found.push(`contents[${turnIndex}].parts[${partIndex}]`);
    });
  });
  return found;
}
