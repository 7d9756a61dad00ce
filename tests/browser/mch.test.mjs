// End-to-end test of mother and child health: a midwife (who reads Khmer) runs an
// antenatal day from the worklist, records a contact with a danger sign that makes
// it urgent, and records a birth whose baby appears in the registry linked to the
// mother; a nurse (English) runs an immunisation session from the due list.
//
//   HAVEN_URL=http://127.0.0.1:18082 node --test tests/browser/mch.test.mjs
//
// Haven must be running with the demo data (`haven serve --demo ...`), which has the
// midwife `midwife` and the nurse `nurse` (password `haven-demo`) and pregnancies,
// births and children with partial vaccination records at its medical centres.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, BASE, pathIs, useBrowser } from './support.mjs';

const MIDWIFE = { username: 'midwife', password: 'haven-demo' };
const NURSE = { username: 'nurse', password: 'haven-demo' };
const withPage = useBrowser();

async function signIn(page, who) {
  await page.goto(`${BASE}/login`);
  await page.locator('form[action="/login"] input#username').fill(who.username);
  await page.locator('form[action="/login"] input#password').fill(who.password);
  await page.locator('button#sign-in[type="submit"]').click();
  await page.waitForURL(pathIs('/'));
}

// Weeks+days ("32+4") as days.
const days = (ga) => {
  const [w, d] = ga.trim().split('+').map(Number);
  return w * 7 + (d || 0);
};

test('a midwife runs an antenatal day and records a birth, in Khmer', async () => {
  await withPage('mch-midwife', async (page) => {
    await signIn(page, MIDWIFE);
    assert.equal(await page.locator('html').getAttribute('lang'), 'km');
    await page.locator('header nav a[href="/mch"]').click();
    await page.waitForURL(pathIs('/mch'));
    await page.locator('nav.subnav a[href^="/mch/anc"]').click();
    await page.waitForURL(pathIs('/mch/anc'));
    // An overdue woman from the worklist.
    const overdue = page.locator('#overdue tbody tr a').first();
    await overdue.waitFor();
    const name = (await overdue.innerText()).trim();
    await overdue.click();
    await page.waitForURL((url) => /^\/mch\/pregnancies\/[0-9a-f-]{36}$/.test(url.pathname));
    const pregnancyPath = new URL(page.url()).pathname;
    const form = page.locator('form#contact-form');
    await form.locator('input[name="danger_signs"][value="vaginal_bleeding"]').check();
    await form.locator('input#blood_pressure').fill('110/70');
    await form.locator('input#weight_kg').fill('58');
    await form.locator('input[name="iron_folic_acid"]').check();
    await form.locator('button[type="submit"]').click();
    await page.waitForURL((url) => url.pathname === pregnancyPath && url.searchParams.get('urgent') === '1');
    await page.locator('#urgent-alert').waitFor();
    assert.ok((await page.locator('#timeline li.urgent').count()) >= 1, 'the contact is marked urgent');
    // The worklist shows her as urgent.
    await page.goto(`${BASE}/mch/anc`);
    assert.ok((await page.locator('#urgent').innerText()).includes(name), `${name} is on the urgent list`);

    // The woman furthest along on the worklist gives birth.
    const rows = await page.$$eval('main table tbody tr', (trs) =>
      trs.map((tr) => ({ href: tr.querySelector('a')?.getAttribute('href'), ga: tr.children[1]?.textContent || '0+0' })));
    const latest = rows.filter((r) => r.href).sort((a, b) => days(b.ga) - days(a.ga))[0];
    await page.goto(`${BASE}${latest.href}`);
    const mother = (await page.locator('h1').innerText()).split(':').slice(1).join(':').trim();
    await page.locator('a#record-delivery').click();
    await page.waitForURL((url) => url.pathname.endsWith('/delivery'));
    const delivery = page.locator('form#delivery-form');
    await delivery.locator('input#delivered_time').fill('04:15');
    await delivery.locator('select#baby1_sex').selectOption('female');
    await delivery.locator('input#baby1_weight_g').fill('2400');
    const given = `Mealea${Date.now() % 100000}`;
    await delivery.locator('input#baby1_given_name_latin').fill(given);
    await delivery.locator('button[type="submit"]').click();
    await page.waitForURL((url) => /^\/mch\/deliveries\/[0-9a-f-]{36}$/.test(url.pathname));
    await page.locator('#babies .tag.warning').waitFor();
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'mch-delivery.png'), fullPage: true });
    // The baby is a person of the registry, linked to the mother.
    await page.locator('#babies a.baby-record').first().click();
    await page.waitForURL((url) => /^\/people\/[0-9a-f-]{36}$/.test(url.pathname));
    const baby = await page.locator('main').innerText();
    assert.ok(baby.includes(given), 'the baby has her name');
    assert.ok(baby.includes(mother.split('(')[0].trim()), `the baby's page names her mother ${mother}`);
    await page.locator('#mch-summary a[href^="/mch/deliveries/"]').waitFor();
  });
});

test('a nurse runs an immunisation session from the due list', async () => {
  await withPage('mch-nurse', async (page) => {
    await signIn(page, NURSE);
    await page.goto(`${BASE}/mch/sessions`);
    const today = await page.locator('input#picker-date').inputValue();
    const boxes = page.locator('#due-list input[name="dose"]');
    await boxes.first().waitFor();
    const offered = await boxes.count();
    assert.ok(offered > 0, 'the due list offers doses');
    const child = page.locator('#due-list tbody tr a').first();
    const childPath = await child.getAttribute('href');
    await page.locator('input#lot_bcg').count().then(async (n) => {
      if (n > 0) await page.locator('input#lot_bcg').fill('BCG-2026-01');
    });
    await page.locator('form#session-form button[type="submit"]').click();
    await page.waitForURL((url) => url.pathname === '/mch/sessions' && url.searchParams.get('recorded') === String(offered));
    await page.locator('#session-notice').waitFor();
    // The child's card shows the doses given today, and none is due any more today.
    await page.goto(`${BASE}${childPath}`);
    assert.ok((await page.locator('#doses').innerText()).includes(today), 'the doses are on the card');
    await page.setViewportSize({ width: 360, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the card fits a 360 px phone (overflow ${overflow}px)`);
  });
});
