/**
 * Takes the README's picture of a report, `docs/report.png`: a check of the
 * reference implementation with one fault put in (a finished upgrade of a
 * local or parent session is reported as still pending), so that the
 * picture shows every colour a report uses, then `child-spec report`'s page
 * for it in headless Chromium.
 *
 * Run: npm run screenshot   (needs Debian's chromium, as the tests do)
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { CallResult, ImplementationUnderTest } from '../impl/contract.ts';
import { referenceImplementation } from '../impl/reference.ts';
import { runCheck } from '../models/check.ts';
import type { Page } from 'playwright-core';
import { visitPage } from './browser.ts';
import { writeReport, HTML_NAME } from './report.ts';

const PICTURE = new URL('../docs/report.png', import.meta.url).pathname;
const WIDTH = 1200;
const HEIGHT = 1400;

/** The reference implementation, except that an upgrade done at once answers `pending`. */
export const upgradeMisreported: ImplementationUnderTest = {
  name: 'reference with a fault: finished upgrades answer "pending"',
  async create(description) {
    const system = await referenceImplementation.create(description);
    return {
      apply: async (operation) => {
        const result: CallResult = await system.apply(operation);
        const done = result.kind === 'upgrade' && result.result === 'done';
        return done ? { kind: 'upgrade', result: 'pending' } : result;
      },
      observe: () => system.observe(),
      dispose: () => system.dispose(),
    };
  },
};

/**
 * Switches the session chart to full size, where its labels can be read,
 * and scrolls it so that the failed transitions are in the middle of its
 * frame, below the verdict, the figures and the legend.
 */
async function showFailedTransitions(page: Page): Promise<void> {
  const diagram = page.locator('#chart-session .diagram');
  await diagram.click();
  await diagram.evaluate((element) => {
    const failed = element.querySelector('.transition.failed');
    if (!failed) return;
    const box = failed.getBoundingClientRect();
    const frame = element.getBoundingClientRect();
    element.scrollLeft += box.left + box.width / 2 - (frame.left + frame.width / 2);
    element.scrollTop += box.top + box.height / 2 - (frame.top + frame.height / 2);
  });
  await page.evaluate(() => window.scrollTo(0, 0));
}

async function main(): Promise<void> {
  const directory = await mkdtemp(join(tmpdir(), 'child-spec-screenshot-'));
  try {
    const check = await runCheck({ implementation: upgradeMisreported });
    await writeReport({ check, mutants: null, sources: ['reports/out/check.json'] }, { out: directory });
    const visit = await visitPage(join(directory, HTML_NAME), { width: WIDTH, height: HEIGHT }, async (page) => {
      await showFailedTransitions(page);
      return page.screenshot({ path: PICTURE });
    });
    if (visit.consoleErrors.length > 0 || visit.networkRequests.length > 0) {
      throw new Error(`the page is not clean: ${[...visit.consoleErrors, ...visit.networkRequests].join('; ')}`);
    }
    process.stdout.write(`${PICTURE}: ${((await stat(PICTURE)).size / 1024).toFixed(0)} KiB, ${check.failures.length} failures shown\n`);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
