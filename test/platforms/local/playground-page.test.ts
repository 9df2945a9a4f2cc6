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

beforeEach(async () => {
  dataDir = createTempDir('threadpaint-playground-');
  const config = loadConfig({ readEnvFile: false, env: { DATA_DIR: dataDir.path, PORT: '0' } });
  const pipeline = createImagePipeline();
  const logger = createLogger({ level: 'silent' });
  engine = createEngine(config, createOfflineImageProvider({ maxLongSide: 128, pipeline }), logger);
  server = createAppServer({ host: '127.0.0.1', port: 0 });
  const uploads = createConcurrencyLimit(imagePipelineDefaults.concurrency);
  const playground = createPlaygroundPlatform(playgroundConfigOf(config, { pipeline, logger, server, uploads }));
  await startPlatforms(engine, [playground]);
  await engine.start();
  const { url } = await server.listen();
  page = new FakePage(['thread', 'form', 'text', 'file', 'new', 'unlock', 'token']);
  page.run(playgroundScript, url);
});
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

  it('shows what the model cannot honour once', async () => {
    const turn = await send('a fox in the snow --seed 5');
    const notes = linesOf(turn).filter((line) => line.includes('does not take a seed'));
    expect(notes).toEqual(['note: gemini-2.5-flash-image does not take a seed, so --seed has no effect.']);
    expect(linesOf(turn)).toContain(
      'note: Offline preview: no image API key is set, so this image comes from the local renderer.',
    );
  });
});
