import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AppEngine, createEngine } from '../../../src/app/create-engine.js';
import { playgroundConfigOf } from '../../../src/app/platform-configs.js';
import { startPlatforms } from '../../../src/app/start-platforms.js';
import { loadConfig } from '../../../src/config/config.js';
import { createConcurrencyLimit } from '../../../src/images/concurrency-limit.js';
import { createImagePipeline, imagePipelineDefaults } from '../../../src/images/image-pipeline.js';
import { createLogger } from '../../../src/logging/logger.js';
import { createPlaygroundPlatform } from '../../../src/platforms/local/playground-platform.js';
import { playgroundScript } from '../../../src/platforms/local/playground-script.js';
import { createOfflineImageProvider } from '../../../src/providers/offline-renderer.js';
import { type AppServer, createAppServer } from '../../../src/server/http-server.js';
import { type FakeElement, FakePage } from '../../support/fake-page.js';
import { createTempDir, type TempDir } from '../../support/temp-dir.js';

/** The playground page's own script, run against the real playground API with the offline renderer. */
let dataDir: TempDir;
let engine: AppEngine;
let server: AppServer;
let page: FakePage;

beforeEach(async (context) => {
  // Offline previews are small here; the Upscale test needs them at their real size to see one grow.
  await openPage(context.task.name.startsWith('upscales') ? 2048 : 128);
});

async function openPage(maxLongSide: number): Promise<void> {
  dataDir = createTempDir('threadpaint-playground-');
  const config = loadConfig({ readEnvFile: false, env: { DATA_DIR: dataDir.path, PORT: '0' } });
  const pipeline = createImagePipeline();
  const logger = createLogger({ level: 'silent' });
  engine = createEngine(config, createOfflineImageProvider({ maxLongSide, pipeline }), logger);
  server = createAppServer({ host: '127.0.0.1', port: 0 });
  const uploads = createConcurrencyLimit(imagePipelineDefaults.concurrency);
  const playground = createPlaygroundPlatform(playgroundConfigOf(config, { pipeline, logger, server, uploads }));
  await startPlatforms(engine, [playground]);
  await engine.start();
  const { url } = await server.listen();
  page = new FakePage(['thread', 'form', 'text', 'file', 'new', 'blend', 'unlock', 'token']);
  page.run(playgroundScript, url);
}
afterEach(async () => {
  await server.close();
  await engine.close();
  dataDir.remove();
});

const turns = () => page.element('thread').children;
const linesOf = (turn: FakeElement) => turn.children.map((child) => child.textContent);

async function send(text: string, file?: { bytes: Uint8Array; name: string }): Promise<FakeElement> {
  const before = turns().length;
  page.element('text').value = text;
  page.element('file').files = file ? [{ ...file, type: 'image/png' }] : [];
  await page.element('form').onsubmit?.({ preventDefault: () => undefined });
  // Done when the turn shows its images (the script stops polling then).
  return page.waitFor(
    () => {
      const turn = turns()[before];
      return turn?.all().some((element) => element.tag === 'img') ? turn : undefined;
    },
    `turn ${before + 1} with its images`,
  );
}

/** The bytes of every image a turn shows, once the script has fetched them all. */
async function shownImages(turn: FakeElement): Promise<Uint8Array[]> {
  const images = await page.waitFor(() => {
    const found = turn.all().filter((element) => element.tag === 'img');
    return found.length > 0 && found.every((image) => image.src !== '') ? found : undefined;
  }, 'the turn’s images fetched');
  return Promise.all(images.map((image) => page.blobBytes(image.src)));
}

/** The pixel sizes of the images a turn shows. */
async function imageSizes(turn: FakeElement): Promise<{ width?: number; height?: number }[]> {
  const images = await shownImages(turn);
  return Promise.all(
    images.map(async (bytes) => {
      const meta = await sharp(bytes).metadata();
      return { width: meta.width, height: meta.height };
    }),
  );
}

describe('the playground page', () => {
  it('titles a conversation started from an upload as an edit, and a prompt alone as imagine', async () => {
    const photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3a7' } })
      .png()
      .toBuffer();
    const upload = await send('make it stormy', { bytes: photo, name: 'photo.png' });
    expect(linesOf(upload)[0]).toBe('edit: make it stormy');

    page.element('new').onclick?.();
    const imagined = await send('a lighthouse at dusk');
    expect(linesOf(imagined)[0]).toBe('imagine: a lighthouse at dusk');
  });

  it('upscales the picked image into a visibly larger one, and shows no Upscale where the model has no larger size', async () => {
    const first = await send('a lighthouse --model gemini-3-pro --ar 16:9');
    const labels = () =>
      first
        .all()
        .filter((element) => element.tag === 'button')
        .map((b) => b.textContent);
    expect(labels()).toContain('Upscale 2K');
    const before = turns().length;
    await first
      .all()
      .find((element) => element.tag === 'button' && element.textContent === 'Upscale 2K')
      ?.onclick?.();
    const upscaled = await page.waitFor(
      () =>
        turns()
          [before]?.all()
          .some((element) => element.tag === 'img')
          ? turns()[before]
          : undefined,
      'the upscaled turn',
    );
    const [original] = await imageSizes(first);
    const [larger] = await imageSizes(upscaled as FakeElement);
    expect((larger?.width ?? 0) > (original?.width ?? 0)).toBe(true);

    page.element('new').onclick?.();
    const flash = await send('a fern');
    expect(flash.all().some((element) => element.tag === 'button' && element.textContent.startsWith('Upscale'))).toBe(
      false,
    );
  });

  it('blends the attached images into one that shows the ones added to the first', async () => {
    const colours = ['#d33', '#3d3', '#33d'];
    const files = await Promise.all(
      colours.map(async (background, index) => ({
        bytes: await sharp({ create: { width: 64, height: 64, channels: 3, background } })
          .png()
          .toBuffer(),
        name: `${index}.png`,
        type: 'image/png',
      })),
    );
    page.element('text').value = 'one picture';
    page.element('file').files = files;
    await page.element('blend').onclick?.();
    const turn = await page.waitFor(
      () =>
        turns()[0]
          ?.all()
          .some((element) => element.tag === 'img')
          ? turns()[0]
          : undefined,
      'the blended turn',
    );
    expect(linesOf(turn as FakeElement)[0]).toBe('blend 3 images: one picture');
    const images = await shownImages(turn as FakeElement);
    expect(images).toHaveLength(1);
    // The offline renderer recolours the first image as its base and frames the others along the top, as they are.
    const { data, info } = await sharp(images[0] as Uint8Array)
      .raw()
      .toBuffer({ resolveWithObject: true });
    const pixels: number[][] = [];
    for (let offset = 0; offset < data.length; offset += info.channels) {
      pixels.push([data[offset] ?? 0, data[offset + 1] ?? 0, data[offset + 2] ?? 0]);
    }
    // A colour is there when some pixel has that channel well above the other two (the base is tinted a little).
    const has = (channel: number) =>
      pixels.some((pixel) => pixel.every((value, at) => at === channel || (pixel[channel] ?? 0) - value > 60));
    expect([has(1), has(2)]).toEqual([true, true]);
  });

  it('shows what the model cannot honour once', async () => {
    const turn = await send('a fox in the snow --seed 5');
    const notes = linesOf(turn).filter((line) => line.includes('does not take a seed'));
    expect(notes).toEqual(['note: gemini-2.5-flash-image does not take a seed, so --seed has no effect.']);
    expect(linesOf(turn)).toContain(
      'note: Offline preview: no image API key is set, so this image comes from the local renderer.',
    );
  });
});
