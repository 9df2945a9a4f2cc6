import { randomInt } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/config.js';
import { describeParameters } from '../core/describe-request.js';
import type { GenerationResult, ImageProvider } from '../core/image-provider.js';
import type { InputImage, ValidatedRequest } from '../core/imagine-request.js';
import { parseInlineFlags } from '../core/inline-flags.js';
import { UserFacingError } from '../core/user-facing-error.js';
import { validateRequest } from '../core/validate-request.js';
import type { ImagePipeline } from '../images/image-pipeline.js';
import { sniffImageType } from '../images/image-type.js';

export interface CliContext {
  readonly config: Config;
  readonly provider: ImageProvider;
  readonly pipeline: ImagePipeline;
  readonly print: (line: string) => void;
  readonly signal?: AbortSignal;
  readonly now?: () => Date;
}

/** `threadpaint imagine "<prompt with flags>"`: validates, generates, writes the files and prints how to reproduce them. */
export async function runImagine(context: CliContext, text: string, outDir: string): Promise<string[]> {
  const validated = validateText(context, text, []);
  return generateAndWrite(context, validated, outDir);
}

/** `threadpaint edit <file> "<instruction>"`: the image goes to the model, or to its edit sibling. */
export async function runEdit(context: CliContext, file: string, text: string, outDir: string): Promise<string[]> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch {
    throw new UserFacingError('file_not_found', `Cannot read ${file}: no such file.`);
  }
  const name = path.basename(file);
  if (!sniffImageType(bytes)) {
    throw new UserFacingError('not_an_image', `${name} is not an image (PNG, JPEG, WEBP, GIF, BMP or TIFF).`);
  }
  const info = await context.pipeline.inspect(bytes, name);
  const image: InputImage = { bytes, mimeType: info.mimeType, name };
  const validated = validateText(context, text, [image]);
  return generateAndWrite(context, validated, outDir);
}

function validateText(context: CliContext, text: string, images: InputImage[]): ValidatedRequest {
  const { prompt, flags } = parseInlineFlags(text);
  return validateRequest(
    { prompt, ...flags, inputImages: images },
    {
      catalogue: context.config.catalogue,
      defaultModel: context.config.DEFAULT_MODEL,
      randomSeed: () => randomInt(0, 2 ** 31 - 1),
    },
  );
}

async function generateAndWrite(context: CliContext, validated: ValidatedRequest, outDir: string): Promise<string[]> {
  const { request, notices } = validated;
  for (const notice of notices) context.print(`note: ${notice.message}`);
  const started = Date.now();
  const result: GenerationResult = await context.provider.generate(
    request,
    context.signal ? { signal: context.signal } : {},
  );
  await mkdir(outDir, { recursive: true });
  const stamp = (context.now?.() ?? new Date()).toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  const files: string[] = [];
  for (const [index, image] of result.images.entries()) {
    const extension = sniffImageType(image.bytes)?.extension ?? 'png';
    const file = path.join(outDir, `threadpaint-${stamp}-${index + 1}.${extension}`);
    await writeFile(file, image.bytes);
    files.push(file);
    const seed = image.seed !== undefined ? ` seed ${image.seed}` : '';
    context.print(`wrote ${file}${seed}`);
  }
  for (const notice of result.notices ?? []) context.print(`note: ${notice}`);
  context.print(`reproduce: ${describeParameters(request)}`);
  if (result.offline)
    context.print('offline preview: no IMAGE_API_KEY is set, so these images come from the local renderer.');
  context.print(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return files;
}
