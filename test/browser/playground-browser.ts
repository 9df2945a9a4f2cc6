import type { BrowserContext, Page } from 'playwright-core';
import type { AppProcess, appProcessTracker } from '../app/app-process.js';
import type { FakeImageApi } from '../fakes/fake-image-api.js';
import { httpRequest } from '../support/http-request.js';
import type { TempDir } from '../support/temp-dir.js';

/**
 * What the playground's browser tests share: `threadpaint start` in its own process, pages opened in Chromium that
 * report their errors, and the page's composer and turns as a member uses them.
 */

/** The little of the page's DOM these tests read inside the page, typed here: the tests compile without the DOM's types. */
export interface PageElement {
  readonly complete?: boolean;
  readonly naturalWidth?: number;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { readonly left: number; readonly right: number };
}
export interface PageWindow {
  readonly innerWidth: number;
  readonly document: {
    readonly documentElement: { readonly scrollWidth: number };
    querySelectorAll(selector: string): Iterable<PageElement> & ArrayLike<PageElement>;
  };
}

/**
 * `threadpaint start` in `dir` (its data in `dir/data`), logging warnings: with no key the offline quickstart, with
 * `keyed` the image API at the fake with that key.
 */
export function startPlayground(
  apps: ReturnType<typeof appProcessTracker>,
  dir: TempDir,
  keyed?: { imageApi: FakeImageApi; apiKey: string },
): AppProcess {
  return apps.start(
    {
      DATA_DIR: `${dir.path}/data`,
      PORT: '0',
      ...(keyed
        ? { IMAGE_API_URL: keyed.imageApi.url, IMAGE_API_KEY: keyed.apiKey, ALLOW_PRIVATE_DOWNLOADS: 'true' }
        : {}),
      LOG_LEVEL: 'warn',
    },
    dir.path,
  );
}

/** A JSON answer of the app at `base`. */
export const apiJson = async (base: string, path: string) => JSON.parse((await httpRequest(`${base}${path}`)).body);

/** Cancels every active job: one member's jobs run one at a time, and a job a failed test left held must not hold up the next. */
export async function cancelActiveJobs(base: string): Promise<void> {
  const active = await apiJson(base, '/api/operator/jobs?state=active');
  for (const job of active.jobs as { id: string }[]) {
    await httpRequest(`${base}/api/jobs/${job.id}/cancel`, {
      method: 'POST',
      headers: { origin: base, 'content-type': 'application/json' },
      body: '{}',
    });
  }
}

/**
 * Opens the page at `base` in `owner` and waits until it is live. A step that does not happen fails where it waits
 * (after `timeout`), well before the test's own timeout; the page's errors, and console errors but a refusal (4xx)
 * or what `expectedConsole` matches (the page says those itself, checked in the tests), go to `pageErrors`.
 */
export async function openLivePage(
  owner: BrowserContext,
  base: string,
  options: { timeout: number; pageErrors: string[]; expectedConsole?: RegExp },
): Promise<Page> {
  const page = await owner.newPage();
  page.setDefaultTimeout(options.timeout);
  page.on('pageerror', (error) => options.pageErrors.push(String(error)));
  page.on('console', (message) => {
    const expected =
      /Failed to load resource/.test(message.text()) || (options.expectedConsole?.test(message.text()) ?? false);
    if (message.type() === 'error' && !expected) {
      options.pageErrors.push(message.text());
    }
  });
  await page.goto(base);
  await page.waitForSelector('body[data-live="yes"]');
  return page;
}

/** Types `text` in the composer and sends it with Enter. */
export async function send(page: Page, text: string): Promise<void> {
  await page.fill('#text', text);
  await page.press('#text', 'Enter');
}

/**
 * Waits for turn `n` (from 1) to reach `state`; with `delivered`, until each of its images is shown (and, with
 * `someImage`, until it shows at least one).
 */
export async function turnIn(page: Page, n: number, state: string, someImage = false) {
  const selector = `article.turn:nth-of-type(${n})[data-state="${state}"]`;
  await page.waitForSelector(selector);
  if (state === 'delivered') {
    await page.waitForFunction(
      ({ css, atLeastOne }) => {
        const { document } = globalThis as unknown as PageWindow;
        const images = [...document.querySelectorAll(`${css} .tile img`)];
        return (!atLeastOne || images.length > 0) && images.every((img) => img.complete && (img.naturalWidth ?? 0) > 0);
      },
      { css: selector, atLeastOne: someImage },
    );
  }
  return page.locator(selector);
}
