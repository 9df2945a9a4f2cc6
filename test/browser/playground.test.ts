import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isUserFacingError } from '../../src/core/user-facing-error.js';
import { appProcessTracker } from '../app/app-process.js';
import { type FakeImageApi, startFakeImageApi } from '../fakes/fake-image-api.js';
import { encodePng } from '../fakes/fake-image-api-png.js';
import { createEngineHarness } from '../support/engine-harness.js';
import { httpRequest } from '../support/http-request.js';
import { createTempDir, type TempDir } from '../support/temp-dir.js';
import { browserAvailable, desktop, launchChromium, phone, screenshot } from './browser-support.js';
import {
  apiJson as apiJsonOf,
  cancelActiveJobs,
  openLivePage,
  type PageWindow,
  send,
  startPlayground,
  turnIn,
} from './playground-browser.js';

/**
 * The playground and the operator console in a real browser (Debian's Chromium through playwright-core), against
 * `threadpaint start` in its own process with the image API played by the loopback fake: what a member types, sees
 * and clicks, checked against what the fake received and what the API stores.
 */
const apps = appProcessTracker();
let browser: Browser;
let imageApi: FakeImageApi;
let workDir: TempDir;
let url: string;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

describe.runIf(browserAvailable())('the playground in Chromium', () => {
  beforeAll(async () => {
    browser = await launchChromium();
    imageApi = await startFakeImageApi({ apiKey: 'sk-browser-test' });
    workDir = createTempDir('threadpaint-browser-');
    const app = startPlayground(apps, workDir, { imageApi, apiKey: 'sk-browser-test' });
    url = await app.up;
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await apps.stopAll();
    await imageApi?.close();
    workDir?.remove();
  });
  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
    await cancelActiveJobs(url);
    expect(pageErrors.splice(0)).toEqual([]);
  });

  async function openPage(viewport: { width: number; height: number } = desktop, context?: BrowserContext) {
    const owner = context ?? (await browser.newContext({ viewport }));
    if (!context) contexts.push(owner);
    return openLivePage(owner, url, {
      timeout: 8_000,
      pageErrors,
      expectedConsole: /net::ERR_INTERNET_DISCONNECTED/,
    });
  }

  const generations = () => imageApi.requests.filter((request) => request.path.startsWith('/v1/images/generations'));
  const apiJson = (path: string) => apiJsonOf(url, path);

  it('paints a prompt, then edits it with a reply that carries the previous image', async () => {
    const page = await openPage();
    const before = generations().length;
    await send(page, 'a lighthouse at dusk');
    const first = await turnIn(page, 1, 'delivered');
    expect(await first.locator('.prompt').textContent()).toBe('a lighthouse at dusk');
    expect(await first.locator('.status').textContent()).toMatch(/^Done/);
    expect(await first.locator('.parameters').textContent()).toContain('gemini-2.5-flash-image · 1:1');
    expect(JSON.stringify(generations()[before]?.body)).toContain('a lighthouse at dusk');
    expect(JSON.stringify(generations()[before]?.body)).not.toContain('data:image/');

    await send(page, 'make it night');
    const second = await turnIn(page, 2, 'delivered');
    expect(await second.locator('.badge').textContent()).toBe('Edit');
    await page.waitForSelector('article.turn:nth-of-type(2) .base-thumb[src^="blob:"]');
    const edit = JSON.stringify(generations()[before + 1]?.body);
    expect(edit).toContain('make it night');
    expect(edit).toContain('data:image/');
    // The offline note is absent (a key is set), and nothing says "imagine:" or "edit:" as a debug label.
    expect(await page.locator('#mode').isHidden()).toBe(true);
    expect(await page.locator('body').textContent()).not.toMatch(/\b(imagine|edit):/);
    await screenshot(page, 'desktop-thread');
  });

  it('composes like a chat app: a picked file shows a thumbnail, Shift+Enter breaks a line, Escape stops an edit', async () => {
    const page = await openPage();
    const png = Buffer.from(encodePng(64, 48, (x) => [x * 4, 120, 200]));
    await page.setInputFiles('#file', { name: 'sketch.png', mimeType: 'image/png', buffer: png });
    await page.waitForSelector('#attachment:not([hidden]) .attachment-thumb[src^="blob:"]');
    expect(await page.locator('#attachment .attachment-name').textContent()).toBe('sketch.png');
    await page.fill('#text', 'a boat');
    await page.press('#text', 'Shift+Enter');
    await page.keyboard.type('on a lake');
    expect(await page.inputValue('#text')).toBe('a boat\non a lake');
    expect(await page.locator('article.turn').count()).toBe(0);
    await page.press('#text', 'Enter');
    const turn = await turnIn(page, 1, 'delivered');
    expect(await turn.locator('.prompt').textContent()).toBe('a boat\non a lake');
    expect(await page.locator('#attachment').isHidden()).toBe(true);
    const request = JSON.stringify(generations().at(-1)?.body);
    expect(request).toContain('data:image/');

    await turn.getByRole('button', { name: 'Edit' }).click();
    await page.waitForSelector('#reply-to:not([hidden])');
    expect(await turn.locator('.tile.picked').count()).toBe(1);
    await page.press('#text', 'Escape');
    await page.waitForSelector('#reply-to', { state: 'hidden' });
    expect(await page.locator('.tile.picked').count()).toBe(0);
  });

  it('rerolls a turn and makes variations of one image, each a new turn with new images', async () => {
    const page = await openPage();
    const before = generations().length;
    await send(page, 'a red fox in snow --n 2');
    const first = await turnIn(page, 1, 'delivered');
    expect(await first.locator('.tile').count()).toBe(2);

    await first.getByRole('button', { name: 'Reroll' }).click();
    const reroll = await turnIn(page, 2, 'delivered');
    expect(await reroll.locator('.badge').textContent()).toBe('Reroll');
    expect(await reroll.locator('.tile').count()).toBe(2);
    // Gemini makes one image a call. A new generation of the same prompt, with no image: the fake made it again.
    const rerollRequest = JSON.stringify(generations()[before + 2]?.body);
    expect(rerollRequest).toContain('a red fox in snow');
    expect(rerollRequest).not.toContain('data:image/');

    await first.locator('.tile').nth(1).getByRole('button', { name: 'Vary' }).click();
    const variations = await turnIn(page, 3, 'delivered');
    expect(await variations.locator('.badge').textContent()).toBe('Variations');
    expect(await variations.locator('.tile').count()).toBe(4);
    // The fake answers every call with the same bytes, so after a reload the origin reads as the first of the two.
    expect(await variations.locator('.base').textContent()).toMatch(/^from image [12]$/);
    // 2 images, 2 again, then 4 variations, each of which starts from the picked image: its request carries it.
    expect(generations().length - before).toBe(8);
    for (const request of generations().slice(before + 4))
      expect(JSON.stringify(request.body)).toContain('data:image/');
    await screenshot(page, 'desktop-grid');
  });

  it('cancels a job the image API holds, and says so in the turn', async () => {
    const page = await openPage();
    imageApi.enqueue({ kind: 'hang' });
    await send(page, 'a very slow lighthouse');
    // The image API has the request and holds it: the job is running.
    await imageApi.waitFor((request) => JSON.stringify(request.body).includes('a very slow lighthouse'));
    const turn = await turnIn(page, 1, 'running');
    expect(await turn.locator('.status').textContent()).toMatch(/Generating · \d+ s/);
    await turn.getByRole('button', { name: 'Cancel' }).click();
    const cancelled = await turnIn(page, 1, 'cancelled');
    expect(await cancelled.locator('.status').textContent()).toContain('Cancelled');
    expect(await cancelled.getByRole('button', { name: 'Cancel' }).count()).toBe(0);
  });

  it('says why in the turn when Cancel comes too late (another tab cancelled first)', async () => {
    const page = await openPage();
    imageApi.enqueue({ kind: 'hang' });
    await send(page, 'a lighthouse two tabs watch');
    await imageApi.waitFor((request) => JSON.stringify(request.body).includes('a lighthouse two tabs watch'));
    await turnIn(page, 1, 'running');
    // A second tab whose event stream is cut: it still shows the job running, with its Cancel.
    const stale = await page.context().newPage();
    stale.on('pageerror', (error) => pageErrors.push(String(error)));
    await stale.route('**/api/events', (route) => route.abort());
    await stale.goto(page.url());
    const staleTurn = await turnIn(stale, 1, 'running');

    await page.locator('article.turn').getByRole('button', { name: 'Cancel' }).click();
    await turnIn(page, 1, 'cancelled');
    await staleTurn.getByRole('button', { name: 'Cancel' }).click();
    await stale.waitForSelector('article.turn .action-error');
    expect(await stale.locator('article.turn .action-error').textContent()).toBe(
      'This has already finished, so there is nothing to cancel.',
    );
  });

  it('deletes a turn from the page and from the store', async () => {
    const page = await openPage();
    await send(page, 'a teapot on a table');
    const turn = await turnIn(page, 1, 'delivered');
    const turnId = await turn.getAttribute('data-turn-id');
    const conversationId = /#c=([\w-]+)/.exec(page.url())?.[1];
    expect((await apiJson(`/api/conversations/${conversationId}`)).turns).toHaveLength(1);
    const remove = turn.getByRole('button', { name: 'Delete' });
    await remove.click();
    await turn.getByRole('button', { name: 'Delete for good?' }).click();
    await page.waitForSelector(`[data-turn-id="${turnId}"]`, { state: 'detached' });
    expect((await apiJson(`/api/conversations/${conversationId}`)).turns).toEqual([]);
    expect((await httpRequest(`${url}/api/turns/${turnId}/images/0`)).status).toBe(404);
  });

  it('finds the conversation in the sidebar after a reload and in a second tab', async () => {
    const page = await openPage();
    await send(page, 'a quiet harbour at dawn');
    await turnIn(page, 1, 'delivered');
    await page.reload();
    await page.waitForSelector('body[data-live="yes"]');
    await turnIn(page, 1, 'delivered');
    const current = page.locator('.conversation.current .title');
    expect(await current.textContent()).toBe('a quiet harbour at dawn');
    // The sidebar is the store's, most recent first: the first entry is this conversation.
    expect(await page.locator('.conversation .title').first().textContent()).toBe('a quiet harbour at dawn');

    const second = await openPage(desktop, page.context());
    await second.getByRole('link', { name: /a quiet harbour at dawn/ }).click();
    await turnIn(second, 1, 'delivered');
    expect(await second.locator('article.turn .prompt').textContent()).toBe('a quiet harbour at dawn');
  });

  it('answers bad input in the composer with the sentence the platforms give, and keeps the text', async () => {
    const harness = createEngineHarness();
    let expected = '';
    try {
      await harness.engine.precheck(harness.inbound({ text: 'a cat --ar 99:1' }));
    } catch (error) {
      if (isUserFacingError(error)) expected = error.message;
    } finally {
      await harness.close();
    }
    expect(expected).not.toBe('');
    const page = await openPage();
    await send(page, 'a cat --ar 99:1');
    await page.waitForSelector('#composer-error:not([hidden])');
    expect(await page.locator('#composer-error').textContent()).toBe(expected);
    expect(await page.inputValue('#text')).toBe('a cat --ar 99:1');
    expect(await page.locator('article.turn').count()).toBe(0);
  });

  it('lists a failed job with its code in the operator view', async () => {
    const page = await openPage();
    imageApi.enqueue({ kind: 'moderation' });
    await send(page, 'something the gateway refuses');
    const failed = await turnIn(page, 1, 'failed');
    const turnId = await failed.getAttribute('data-turn-id');
    const conversation = await apiJson(`/api/conversations/${/#c=([\w-]+)/.exec(page.url())?.[1]}`);
    const stored = conversation.turns.find((turn: { turnId: string }) => turn.turnId === turnId).job;
    expect(await failed.locator('.status').textContent()).toContain(stored.error.message);

    await page.getByRole('tab', { name: 'Operator' }).click();
    const row = page.locator(`tr[data-job-id="${stored.id}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-state')).toBe('failed');
    expect(await row.locator('.code').textContent()).toBe(stored.error.code);
    await page.waitForSelector('#config li.ok');
    expect(await page.locator('#config').textContent()).toContain('GET /v1/models answered');
    expect(await page.locator('#config').textContent()).not.toContain('sk-browser-test');
    await page.selectOption('select[name="state"]', 'failed');
    await page.waitForFunction(() =>
      [...(globalThis as unknown as PageWindow).document.querySelectorAll('#jobs tbody tr')].every((tr) =>
        ['failed', 'interrupted', 'delivery_failed'].includes(tr.getAttribute('data-state') ?? ''),
      ),
    );
    await screenshot(page, 'desktop-operator');
  });

  it('works on a 390×844 phone: no sideways scroll, Send in view, four images in a grid', async () => {
    const page = await openPage(phone);
    const fits = () =>
      page.evaluate(() => {
        const window = globalThis as unknown as PageWindow;
        return window.document.documentElement.scrollWidth <= window.innerWidth;
      });
    expect(await fits()).toBe(true);
    await send(page, 'four boats on a lake --n 4');
    const turn = await turnIn(page, 1, 'delivered');
    expect(await turn.locator('.tile').count()).toBe(4);
    expect(await fits()).toBe(true);
    for (const box of await turn
      .locator('.tile')
      .evaluateAll((tiles) => tiles.map((tile) => tile.getBoundingClientRect().right))) {
      expect(box).toBeLessThanOrEqual(phone.width);
    }
    const sendBox = await page.locator('#send').boundingBox();
    expect(sendBox && sendBox.x + sendBox.width <= phone.width && sendBox.y + sendBox.height <= phone.height).toBe(
      true,
    );
    expect(await page.locator('#send').isVisible()).toBe(true);
    await screenshot(page, 'phone-thread');
    await page.getByRole('button', { name: 'Conversations' }).click();
    await page.waitForFunction(
      () =>
        (globalThis as unknown as PageWindow).document.querySelectorAll('#sidebar')[0]?.getBoundingClientRect().left ===
        0,
    );
    await screenshot(page, 'phone-sidebar');
    await page.getByRole('button', { name: 'Conversations' }).click();
    await page.getByRole('tab', { name: 'Operator' }).click();
    await page.waitForSelector('#jobs tbody tr');
    expect(await fits()).toBe(true);
    await screenshot(page, 'phone-operator');
  });

  it('keeps a message typed while the network is cut, and sends it once it is back', async () => {
    const page = await openPage();
    await page.context().setOffline(true);
    await page.waitForSelector('body[data-live="no"]');
    expect(await page.locator('#connection').isVisible()).toBe(true);
    await send(page, 'a lighthouse in the fog');
    await page.waitForSelector('#composer-error:not([hidden])');
    expect(await page.locator('#composer-error').textContent()).toContain('cannot be reached');
    expect(await page.inputValue('#text')).toBe('a lighthouse in the fog');
    await page.context().setOffline(false);
    await page.waitForSelector('body[data-live="yes"]');
    await page.press('#text', 'Enter');
    await turnIn(page, 1, 'delivered');
    expect(await page.locator('#composer-error').isHidden()).toBe(true);
  });

  it('is the quickstart with no credentials: the offline renderer paints, and says so once', async () => {
    const offlineDir = createTempDir('threadpaint-browser-offline-');
    const offline = startPlayground(apps, offlineDir);
    try {
      const offlineUrl = await offline.up;
      const context = await browser.newContext({ viewport: desktop });
      contexts.push(context);
      const page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(String(error)));
      await page.goto(offlineUrl);
      await page.waitForSelector('body[data-live="yes"]');
      expect(await page.locator('#mode').textContent()).toBe('Offline preview');
      await send(page, 'a lighthouse at dusk --ar 16:9');
      const turn = await turnIn(page, 1, 'delivered');
      expect(await turn.locator('.parameters').textContent()).toContain('16:9');
      // Said once in the turn (its notice), once on the page (the pill): not once per line.
      expect(await turn.locator('.notices li').allTextContents()).toEqual([
        expect.stringMatching(/^Offline preview: /),
      ]);
      await send(page, 'make it night');
      await turnIn(page, 2, 'delivered');
      await screenshot(page, 'desktop-offline');
    } finally {
      await offline.stop();
      offlineDir.remove();
    }
  });
});
