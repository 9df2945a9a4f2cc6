import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UpscaleConfirmationNeeded } from '../../src/core/engine/upscale.js';
import { appProcessTracker } from '../app/app-process.js';
import { type FakeImageApi, startFakeImageApi } from '../fakes/fake-image-api.js';
import { createTempDir, type TempDir } from '../support/temp-dir.js';
import { browserAvailable, desktop, launchChromium, phone, screenshot } from './browser-support.js';
import {
  apiJson,
  cancelActiveJobs,
  openLivePage,
  type PageElement,
  type PageWindow,
  send,
  startPlayground,
  turnIn as turnInAny,
} from './playground-browser.js';

/**
 * Upscale and Blend on the playground page in Chromium, against `threadpaint start` in its own process: the
 * quickstart with no credentials (the offline renderer, whose Upscale comes back larger and whose Blend frames the
 * added images on the first), and one with a key and the fake image API, where a 4K Upscale has a price to confirm.
 */
interface ApiTurn {
  readonly turnId: string;
  readonly action: string;
  readonly attachments: number;
  readonly upscale?: string;
  readonly base?: { readonly turnId: string; readonly index: number };
  readonly parameters?: { readonly imageSize?: string };
  readonly images: readonly { readonly url: string; readonly width?: number; readonly height?: number }[];
}

const apps = appProcessTracker();
let browser: Browser;
let offlineDir: TempDir;
let keyedDir: TempDir;
let imageApi: FakeImageApi;
/** No IMAGE_API_KEY: offline previews, which cost nothing and so never ask to confirm. */
let offlineUrl: string;
/** A key and the fake image API: a 4K Upscale of Nano Banana Pro costs 6 units and asks first. */
let keyedUrl: string;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

const png = (background: string, size = 96) =>
  sharp({ create: { width: size, height: size, channels: 3, background } })
    .png()
    .toBuffer();
const colours = { red: '#dd2222', green: '#22dd22', blue: '#2222dd' } as const;

describe.runIf(browserAvailable())('Upscale and Blend on the playground page', () => {
  beforeAll(async () => {
    browser = await launchChromium();
    imageApi = await startFakeImageApi({ apiKey: 'sk-upscale-test' });
    offlineDir = createTempDir('threadpaint-browser-upscale-');
    keyedDir = createTempDir('threadpaint-browser-upscale-keyed-');
    const offline = startPlayground(apps, offlineDir);
    const keyed = startPlayground(apps, keyedDir, { imageApi, apiKey: 'sk-upscale-test' });
    [offlineUrl, keyedUrl] = await Promise.all([offline.up, keyed.up]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await apps.stopAll();
    await imageApi?.close();
    offlineDir?.remove();
    keyedDir?.remove();
  });
  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
    for (const base of [offlineUrl, keyedUrl]) await cancelActiveJobs(base);
    expect(pageErrors.splice(0)).toEqual([]);
  });

  async function openPage(base: string, viewport: { width: number; height: number } = desktop) {
    const context = await browser.newContext({ viewport });
    contexts.push(context);
    return openLivePage(context, base, { timeout: 10_000, pageErrors });
  }

  /** Waits for turn `n` to reach `state`; when delivered, until it shows images and each is shown. */
  const turnIn = (page: Page, n: number, state: string) => turnInAny(page, n, state, true);

  /** The natural width of each image a turn shows, as the browser decoded it. */
  const naturalWidths = (page: Page, n: number) =>
    page
      .locator(`article.turn:nth-of-type(${n}) .tile img`)
      .evaluateAll((images) => images.map((img) => (img as unknown as PageElement).naturalWidth ?? 0));

  const conversationOf = (page: Page) => /#c=([\w-]+)/.exec(page.url())?.[1];
  const threadOf = async (base: string, page: Page) =>
    (await apiJson(base, `/api/conversations/${conversationOf(page)}`)) as { turns: ApiTurn[] };
  const jobCount = async (base: string) => (await apiJson(base, '/api/operator/jobs?limit=200')).jobs.length as number;
  const fitsSideways = (page: Page) =>
    page.evaluate(() => {
      const window = globalThis as unknown as PageWindow;
      return window.document.documentElement.scrollWidth <= window.innerWidth;
    });

  it('upscales an offline preview of Nano Banana Pro into a new turn with a larger image, also after a reload', async () => {
    const page = await openPage(offlineUrl);
    await send(page, 'a lighthouse --model nano-banana-pro');
    const first = await turnIn(page, 1, 'delivered');
    const upscale = first.getByRole('button', { name: /^Upscale 2K/ });
    expect(await upscale.textContent()).toBe('Upscale 2K');
    await screenshot(page, 'desktop-upscale-button');

    await upscale.click();
    const second = await turnIn(page, 2, 'delivered');
    expect(await second.locator('.badge').textContent()).toBe('Upscale');
    // It says what it started from: image 1 of the first turn.
    expect(await second.locator('.base').textContent()).toBe('from image 1');
    // That image is its origin, not an attachment of its own.
    expect(await second.locator('.bubble').textContent()).not.toContain('attached');
    const [before] = await naturalWidths(page, 1);
    const [after] = await naturalWidths(page, 2);
    expect(before).toBeGreaterThan(0);
    expect(after).toBeGreaterThan(before ?? 0);
    // The store agrees: the new turn is 2K, and its image is larger than the one it started from.
    const { turns } = await threadOf(offlineUrl, page);
    expect(turns.map((turn) => turn.action)).toEqual(['imagine', 'upscale']);
    expect(turns[1]?.parameters?.imageSize).toBe('2K');
    expect(turns[1]?.images[0]?.width).toBe(after);
    // The 2K turn goes on to 4K: the label comes from the server, which knows the next tier.
    expect(turns[0]?.upscale).toBe('Upscale 2K');
    expect(turns[1]?.upscale).toBe('Upscale 4K · 6 units');
    await screenshot(page, 'desktop-upscale');

    // A reloaded thread is read from `/api/conversations/:id`: the button is there too.
    await page.reload();
    await page.waitForSelector('body[data-live="yes"]');
    const reloaded = await turnIn(page, 1, 'delivered');
    expect(await reloaded.getByRole('button', { name: /^Upscale 2K/ }).count()).toBe(1);

    // A model with no larger size has no Upscale at all.
    await page.locator('#new').click();
    await send(page, 'a fern');
    const flash = await turnIn(page, 1, 'delivered');
    expect(await flash.locator('.parameters').textContent()).toContain('gemini-2.5-flash-image');
    expect(await flash.getByRole('button', { name: /^Upscale/ }).count()).toBe(0);
    expect(await flash.getByRole('button', { name: 'Vary' }).count()).toBe(1);
  });

  it('blends three attached images into a new conversation whose image holds them', async () => {
    const page = await openPage(offlineUrl);
    // A conversation is open: a Blend starts one of its own.
    await send(page, 'a teapot');
    await turnIn(page, 1, 'delivered');
    const earlier = conversationOf(page);
    const files = await Promise.all(
      Object.entries(colours).map(async ([name, colour]) => ({
        name: `${name}.png`,
        mimeType: 'image/png',
        buffer: await png(colour),
      })),
    );
    // One image: Blend is shown but cannot be pressed yet.
    await page.setInputFiles('#file', files.slice(0, 1));
    await page.waitForSelector('#blend:not([hidden])');
    expect(await page.locator('#blend').isDisabled()).toBe(true);
    await page.setInputFiles('#file', files.slice(1));
    await page.waitForFunction(
      () =>
        (globalThis as unknown as PageWindow).document.querySelectorAll('#attachment .attachment-item').length === 3,
    );
    expect(await page.locator('#attachment .attachment-name').allTextContents()).toEqual([
      'red.png',
      'green.png',
      'blue.png',
    ]);
    expect(await page.locator('#blend').isEnabled()).toBe(true);
    expect(await fitsSideways(page)).toBe(true);
    await screenshot(page, 'desktop-blend-composer');
    await page.fill('#text', 'one picture');
    await page.locator('#blend').click();

    // The page opens the new conversation, whose first turn is the Blend.
    await page.waitForURL((address) => address.hash.startsWith('#c=') && !address.hash.endsWith(earlier ?? ''));
    await page.waitForSelector('article.turn:nth-of-type(1) .prompt:text-is("one picture")');
    const turn = await turnIn(page, 1, 'delivered');
    expect(await page.locator('article.turn').count()).toBe(1);
    expect(await turn.locator('.prompt').textContent()).toBe('one picture');
    expect(await turn.locator('.bubble').textContent()).toContain('with 3 attached images');
    expect(await turn.locator('.tile').count()).toBe(1);
    expect(await page.locator('#attachment').isHidden()).toBe(true);
    expect(await page.locator('#blend').isHidden()).toBe(true);

    const { turns } = await threadOf(offlineUrl, page);
    expect(turns).toHaveLength(1);
    expect(turns[0]?.attachments).toBe(3);
    const answer = await fetch(`${offlineUrl}${turns[0]?.images[0]?.url}`);
    expect(answer.status).toBe(200);
    const blended = Buffer.from(await answer.arrayBuffer());
    // Not any one of the inputs, and larger than each.
    for (const file of files) expect(blended.equals(file.buffer)).toBe(false);
    const { data, info } = await sharp(blended).raw().toBuffer({ resolveWithObject: true });
    expect(info.width).toBeGreaterThan(96);
    // The offline renderer tints the first image as its base and frames the others on it, as they are: pure green
    // and pure blue pixels are there (a channel well above the other two).
    const has = (channel: number) => {
      for (let at = 0; at < data.length; at += info.channels) {
        const pixel = [data[at] ?? 0, data[at + 1] ?? 0, data[at + 2] ?? 0];
        if (pixel.every((value, c) => c === channel || (pixel[channel] ?? 0) - value > 150)) return true;
      }
      return false;
    };
    expect({ green: has(1), blue: has(2) }).toEqual({ green: true, blue: true });
    await screenshot(page, 'desktop-blend');
    // The earlier conversation is still there, in the sidebar.
    expect(await page.locator(`a.conversation[href="#c=${earlier}"]`).count()).toBe(1);
  });

  it('refuses a Blend of five images with the engine’s sentence, keeps them, and makes no job', async () => {
    const page = await openPage(offlineUrl, phone);
    const jobsBefore = await jobCount(offlineUrl);
    const files = await Promise.all(
      ['#aa3333', '#33aa33', '#3333aa', '#aaaa33', '#33aaaa'].map(async (colour, index) => ({
        name: `part-${index + 1}.png`,
        mimeType: 'image/png',
        buffer: await png(colour, 48),
      })),
    );
    await page.setInputFiles('#file', files);
    await page.waitForFunction(
      () =>
        (globalThis as unknown as PageWindow).document.querySelectorAll('#attachment .attachment-item').length === 5,
    );
    expect(await fitsSideways(page)).toBe(true);
    const blendBox = await page.locator('#blend').boundingBox();
    const sendBox = await page.locator('#send').boundingBox();
    for (const box of [blendBox, sendBox]) {
      expect(box && box.x >= 0 && box.x + box.width <= phone.width && box.y + box.height <= phone.height).toBe(true);
    }
    await page.fill('#text', 'five at once');
    await page.locator('#blend').click();
    await page.waitForSelector('#composer-error:not([hidden])');
    expect(await page.locator('#composer-error').textContent()).toBe('Blend takes 2 to 4 images; 5 were given.');
    // Nothing is lost: the text and the five images stay, and no job or conversation was made.
    expect(await page.inputValue('#text')).toBe('five at once');
    expect(await page.locator('#attachment .attachment-item').count()).toBe(5);
    expect(await page.locator('article.turn').count()).toBe(0);
    expect(await jobCount(offlineUrl)).toBe(jobsBefore);
    await screenshot(page, 'phone-blend-refused');

    // Four are too many for the default model: its own sentence, which names the models that take four.
    await page.getByRole('button', { name: 'Remove part-5.png' }).click();
    expect(await page.locator('#attachment .attachment-item').count()).toBe(4);
    await page.locator('#blend').click();
    await page.waitForSelector('#composer-error:has-text("blends at most 3 images")');
    expect(await page.locator('#composer-error').textContent()).toBe(
      'gemini-2.5-flash-image blends at most 3 images; 4 were given.',
    );
    expect(await jobCount(offlineUrl)).toBe(jobsBefore);
    // With a model that takes them, the four blend.
    await page.fill('#text', 'five at once --model nano-banana-pro');
    await page.locator('#blend').click();
    const turn = await turnIn(page, 1, 'delivered');
    expect(await turn.locator('.bubble').textContent()).toContain('with 4 attached images');
    expect(await page.locator('#composer-error').isHidden()).toBe(true);
    expect(await fitsSideways(page)).toBe(true);
    await screenshot(page, 'phone-blend');
  });

  it('shows an Upscale on a phone without sideways scroll', async () => {
    const page = await openPage(offlineUrl, phone);
    await send(page, 'two boats --model nano-banana-pro --n 2');
    const turn = await turnIn(page, 1, 'delivered');
    expect(await turn.getByRole('button', { name: /^Upscale 2K/ }).count()).toBe(2);
    expect(await fitsSideways(page)).toBe(true);
    for (const right of await turn
      .locator('.tile-actions button')
      .evaluateAll((buttons) => buttons.map((b) => (b as unknown as PageElement).getBoundingClientRect().right))) {
      expect(right).toBeLessThanOrEqual(phone.width);
    }
    await screenshot(page, 'phone-upscale');
  });

  it('asks to confirm a costly 4K Upscale in the turn, and Confirm sends it', async () => {
    const page = await openPage(keyedUrl);
    await send(page, 'a harbour --model nano-banana-pro --size 2K');
    const first = await turnIn(page, 1, 'delivered');
    const jobsBefore = await jobCount(keyedUrl);
    const requestsBefore = imageApi.requests.length;
    await first.getByRole('button', { name: /^Upscale 4K/ }).click();
    await page.waitForSelector('article.turn:nth-of-type(1) .action-error');
    const sentence = new UpscaleConfirmationNeeded('4K', 6).message;
    expect(await first.locator('.action-error').textContent()).toBe(`${sentence} Confirm`);
    // Asking made nothing: no job, no call to the image API.
    expect(await jobCount(keyedUrl)).toBe(jobsBefore);
    expect(imageApi.requests.length).toBe(requestsBefore);
    await screenshot(page, 'desktop-upscale-confirm');

    await first.getByRole('button', { name: 'Confirm' }).click();
    const upscaled = await turnIn(page, 2, 'delivered');
    expect(await upscaled.locator('.badge').textContent()).toBe('Upscale');
    expect(await first.locator('.action-error').count()).toBe(0);
    expect(await jobCount(keyedUrl)).toBe(jobsBefore + 1);
    // The image API was asked for the same picture at 4K, with the picked image as its base.
    const call = JSON.stringify(imageApi.requests.at(-1)?.body);
    expect(call).toContain('4K');
    expect(call).toContain('a harbour');
    expect(call).toContain('data:image/');
    // At 4K there is nothing larger: no Upscale on the new turn.
    expect(await upscaled.getByRole('button', { name: /^Upscale/ }).count()).toBe(0);
  });
});
