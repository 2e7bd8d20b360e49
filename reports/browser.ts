/**
 * Looking at a report page as a person would: Debian's Chromium, headless,
 * driven by `playwright-core`, with a fresh profile and every request off
 * the local file system refused and recorded, so that a page that needs
 * the network shows it. Used by the tests and by the script that takes the
 * README's screenshot; the command line does not need it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { chromium, type Page } from 'playwright-core';

/** Debian's `chromium` package; another binary can be named in `CHROMIUM`. */
export const CHROMIUM_PATH = process.env.CHROMIUM ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface PageVisit<T> {
  /** Console messages of type error, and uncaught exceptions, in order. */
  readonly consoleErrors: readonly string[];
  /** Requests for anything but a local file, all refused. */
  readonly networkRequests: readonly string[];
  /** What `look` returned. */
  readonly result: T;
}

export interface VisitOptions {
  readonly width: number;
  readonly height: number;
}

/**
 * Opens the HTML file `file` in a fresh headless Chromium, lets `look`
 * inspect it (take screenshots, query the page), and closes the browser and
 * removes its profile whatever happens.
 */
export async function visitPage<T>(file: string, options: VisitOptions, look: (page: Page) => Promise<T>): Promise<PageVisit<T>> {
  const profile = await mkdtemp(join(tmpdir(), 'child-spec-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: options.width, height: options.height },
    });
    try {
      const consoleErrors: string[] = [];
      const networkRequests: string[] = [];
      await context.route('**/*', async (route) => {
        const url = route.request().url();
        if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
        networkRequests.push(url);
        return route.abort();
      });
      const page = context.pages()[0] ?? (await context.newPage());
      page.on('console', (message) => {
        if (message.type() === 'error') consoleErrors.push(message.text());
      });
      page.on('pageerror', (error) => consoleErrors.push(error.message));
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      const result = await look(page);
      return { consoleErrors, networkRequests, result };
    } finally {
      await context.close();
    }
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}
