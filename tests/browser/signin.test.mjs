// End-to-end test of signing in, the language switch, the audit trail and signing out,
// in Debian's Chromium driven by playwright-core (no downloaded browser).
//
//   HAVEN_URL=http://127.0.0.1:18080 node --test tests/browser/
//
// Haven must be running with the demo data (`haven serve --demo ...`), which has the
// administrator `admin` / `haven-demo`. CHROMIUM overrides the browser's path.
// A screenshot of the audit trail (and of any failing page) goes to ./artifacts/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, BASE, pathIs, useBrowser } from './support.mjs';

const ADMIN = { username: 'admin', password: 'haven-demo' };
const withPage = useBrowser();

async function fillSignIn(page, username, password) {
  await page.goto(`${BASE}/login`);
  await page.locator('form[action="/login"] input#username[name="username"]').fill(username);
  await page.locator('form[action="/login"] input#password[name="password"][type="password"]').fill(password);
}

test('admin signs in, switches to Khmer, reads the audit trail, signs out', { timeout: 180_000 }, async () => {
  await withPage('signin', async (page) => {
    // Sign in; Haven answers with a 303 to the home page.
    await fillSignIn(page, ADMIN.username, ADMIN.password);
    await page.locator('button#sign-in[type="submit"]').click();
    await page.waitForURL(pathIs('/'));

    // Home page: a heading and the admin's navigation.
    await page.locator('h1').first().waitFor({ state: 'visible' });
    await page.locator('nav').first().waitFor({ state: 'visible' });
    await page.locator('nav a[href="/admin/audit"]').first().waitFor({ state: 'attached' });

    // The account keeps its language across runs: start from English.
    if ((await page.locator('html').getAttribute('lang')) !== 'en') {
      await page.locator('form.language-switch button[name="lang"][value="en"]').click();
      await page.waitForSelector('html[lang="en"]', { state: 'attached' });
    }

    // Switch to Khmer: a real form POST, the page comes back with <html lang="km">.
    await page.locator('form.language-switch button[name="lang"][value="km"]').click();
    await page.waitForSelector('html[lang="km"]', { state: 'attached' });
    await page.waitForLoadState('load');
    assert.equal(await page.locator('html').getAttribute('lang'), 'km');
    await page.locator('nav').first().waitFor({ state: 'visible' });
    await page.locator('nav a[href="/admin/audit"]').first().waitFor({ state: 'attached' });

    // The audit trail, still in Khmer, shows this sign-in.
    await page.locator('nav a[href="/admin/audit"]').first().click();
    await page.waitForURL(pathIs('/admin/audit'));
    await page.locator('table#audit-events').waitFor({ state: 'visible' });
    assert.equal(await page.locator('html').getAttribute('lang'), 'km', 'the chosen language stays for the session');
    const rows = page.locator('table#audit-events tbody tr');
    await rows.first().waitFor({ state: 'attached' });
    assert.ok((await rows.count()) >= 1, 'the audit table has rows');
    const signIns = rows.filter({ has: page.locator('code', { hasText: /^\s*sign_in\s*$/ }) });
    await signIns.first().waitFor({ state: 'attached' });
    assert.match(await signIns.first().innerText(), /sign_in/);

    // A screenshot of the Khmer page can be taken.
    mkdirSync(ARTIFACTS, { recursive: true });
    const shot = path.join(ARTIFACTS, 'audit-km.png');
    const png = await page.screenshot({ path: shot, fullPage: true });
    assert.ok(png.length > 1000, 'screenshot has content');
    assert.ok(statSync(shot).size > 1000, 'screenshot was saved');

    // Sign out: back on the login page.
    const cookiesBeforeSignOut = await page.context().cookies();
    await page.locator('form#sign-out button').click();
    await page.waitForURL(pathIs('/login'));
    assert.match(new URL(page.url()).pathname, /\/login$/);
    await page.locator('input#username').waitFor({ state: 'visible' });

    // The session is gone: the audit trail sends us to the login page again.
    await page.goto(`${BASE}/admin/audit`);
    await page.waitForURL(pathIs('/login'));
    assert.equal(new URL(page.url()).pathname, '/login');
    await page.locator('input#username').waitFor({ state: 'visible' });
    assert.equal(await page.locator('table#audit-events').count(), 0, 'no audit table after sign-out');

    // And the server forgot it: the session cookie from before sign-out no longer works.
    await page.context().clearCookies();
    await page.context().addCookies(cookiesBeforeSignOut);
    await page.goto(`${BASE}/admin/audit`);
    await page.waitForURL(pathIs('/login'));
    assert.equal(await page.locator('table#audit-events').count(), 0, 'old session cookie still works after sign-out');
  });
});

test('a wrong password shows an error and keeps the username', { timeout: 120_000 }, async () => {
  await withPage('wrong-password', async (page) => {
    await fillSignIn(page, ADMIN.username, 'not-the-password');
    const answer = page.waitForResponse(
      (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/login',
    );
    await page.locator('button#sign-in[type="submit"]').click();
    const response = await answer;
    assert.equal(response.status(), 401, 'a failed sign-in answers 401');

    await page.locator('.error').first().waitFor({ state: 'visible' });
    assert.equal(new URL(page.url()).pathname, '/login');
    assert.equal(await page.locator('input#username').inputValue(), ADMIN.username);
    assert.equal(await page.locator('nav a[href="/admin/audit"]').count(), 0, 'not signed in');
  });
});

test('pages fit a 360 px phone and Khmer is drawn with Haven\'s own font', { timeout: 120_000 }, async () => {
  await withPage('phone-khmer', async (page) => {
    await page.setViewportSize({ width: 360, height: 740 });
    await fillSignIn(page, ADMIN.username, ADMIN.password);
    await page.locator('button#sign-in[type="submit"]').click();
    await page.waitForURL(pathIs('/'));
    // The account keeps its language: an earlier test may have chosen Khmer already.
    if ((await page.locator('html').getAttribute('lang')) !== 'km') {
      await page.locator('form.language-switch button[name="lang"][value="km"]').click();
    }
    await page.waitForSelector('html[lang="km"]', { state: 'attached' });

    for (const where of ['/', '/admin/users', '/admin/audit', '/account']) {
      await page.goto(`${BASE}${where}`);
      await page.locator('h1').first().waitFor({ state: 'visible' });
      // Wide tables scroll inside their own box; the page itself never scrolls sideways.
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 360, `${where} is ${width} px wide at a 360 px viewport`);
    }

    // The machine has no Khmer font of its own: Haven serves Noto Sans Khmer, and the
    // browser must have loaded both weights (bold is used for headings).
    await page.goto(`${BASE}/`);
    const loaded = await page.evaluate(async () => {
      await document.fonts.ready;
      return [...document.fonts]
        .filter((face) => face.family.replace(/"/g, '') === 'Noto Sans Khmer' && face.status === 'loaded')
        .map((face) => face.weight)
        .sort();
    });
    assert.deepEqual(loaded, ['400', '700'], 'both weights of the Khmer font are loaded');
  });
});
