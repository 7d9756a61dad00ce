// What the browser tests share: Haven's address, a Chromium launched once per file,
// and a fresh page per test that leaves a screenshot and the HTML when it fails.

import { before, after } from 'node:test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const BASE = (process.env.HAVEN_URL || 'http://127.0.0.1:18080').replace(/\/+$/, '');
export const TIMEOUT = 30_000;
export const ARTIFACTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'artifacts');

export const pathIs = (p) => (url) => url.pathname === p;

// Launches Debian's Chromium before the file's tests and closes it after them, and
// returns `withPage(name, body)`: runs `body` with a fresh page (own cookies); on
// failure saves a screenshot and the HTML of the page as it was, then rethrows.
export function useBrowser() {
  let browser;
  before(async () => {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--headless',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      timeout: TIMEOUT,
    });
  });
  after(async () => {
    await browser?.close();
  });
  return async function withPage(name, body) {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    page.setDefaultNavigationTimeout(TIMEOUT);
    try {
      await body(page);
    } catch (err) {
      try {
        mkdirSync(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: path.join(ARTIFACTS, `failed-${name}.png`), fullPage: true });
        writeFileSync(path.join(ARTIFACTS, `failed-${name}.html`), await page.content());
        err.message += `\n(page was ${page.url()}; see ${ARTIFACTS}/failed-${name}.png and .html)`;
      } catch {
        // the original error matters more
      }
      throw err;
    } finally {
      await context.close();
    }
  };
}
