// End-to-end test of growth monitoring: a nurse runs a growth-monitoring session at the
// demo medical centre (measurements for two children, one flagged SAM with its action),
// looks at a child's growth charts, and uses the growth calculator in Khmer. The session
// must also fit a 360 px phone.
//
//   HAVEN_URL=http://127.0.0.1:18085 node --test tests/browser/growth.test.mjs
//
// Haven must be running with the demo data (`haven serve --demo ...`), which has the
// nurse `nurse` / `haven-demo` and a child with SAM in the outpatient therapeutic
// programme. Screenshots go to ./artifacts/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, BASE, pathIs, useBrowser } from './support.mjs';

const NURSE = { username: 'nurse', password: 'haven-demo' };
const withPage = useBrowser();

async function signIn(page, who) {
  await page.goto(`${BASE}/login`);
  await page.locator('form[action="/login"] input#username').fill(who.username);
  await page.locator('form[action="/login"] input#password').fill(who.password);
  await page.locator('button#sign-in[type="submit"]').click();
  await page.waitForURL(pathIs('/'));
}

// Saves one child's measurement in the session and returns that child's row.
async function measure(page, id, values) {
  const row = page.locator(`li#child-${id}`);
  const form = row.locator('form.session-form');
  for (const [name, value] of Object.entries(values)) {
    await form.locator(`[name="${name}"]`).fill(value);
  }
  await form.locator('button[type="submit"]').click();
  await page.waitForURL((url) => url.pathname === '/growth/session' && url.searchParams.get('saved') === id);
  return page.locator(`li#child-${id}`);
}

test('a nurse runs a growth-monitoring session, reads a chart, and uses the calculator in Khmer', { timeout: 300_000 }, async () => {
  await withPage('growth', async (page) => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await signIn(page, NURSE);
    await page.locator('nav a[href="/growth"]').click();
    await page.waitForURL(pathIs('/growth'));

    // The demo's SAM child in OTP leads to the facility of the session.
    await page.locator('a#programme-link').click();
    await page.waitForURL(pathIs('/growth/programme'));
    await page.locator('#in-programme table a').first().click();
    await page.waitForURL((url) => url.pathname.startsWith('/growth/admissions/'));
    await page.locator('a#session-link').click();
    await page.waitForURL(pathIs('/growth/session'));

    // Two children of 6 to 59 months (those already classified), measured in turn.
    const classified = page.locator('li.session-child:has(.growth-class)');
    assert.ok((await classified.count()) >= 2, 'the demo has children with a class');
    const first = await classified.nth(0).getAttribute('data-person');
    const second = await classified.nth(1).getAttribute('data-person');
    const sam = await measure(page, first, { weight_kg: '7.4', muac_mm: '108' });
    await sam.locator('[data-class="sam"]').waitFor();
    assert.match(await sam.locator('[data-class="sam"]').innerText(), /OTP/);
    assert.ok((await sam.locator('.tag').innerText()).length > 0, 'the row says it was saved');
    const normal = await measure(page, second, { weight_kg: '12.1', muac_mm: '152' });
    await normal.locator('[data-class="normal"]').waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'growth-session.png'), fullPage: true });

    // On a 360 px phone the session needs no sideways scrolling.
    await page.setViewportSize({ width: 360, height: 740 });
    await page.reload();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the session fits 360 px (overflow ${overflow} px)`);
    await page.setViewportSize({ width: 1200, height: 900 });

    // The SAM child's growth charts: WHO's curves and the child's points.
    await page.locator(`li#child-${first} .session-name a`).click();
    await page.waitForURL(pathIs(`/growth/people/${first}`));
    const charts = page.locator('#charts svg.growth-chart');
    assert.equal(await charts.count(), 4);
    assert.equal(await charts.first().locator('path.curve').count(), 7, 'seven SD curves, -3 to +3');
    assert.ok((await charts.first().locator('circle.child-point').count()) >= 2, "the child's weights are on the chart");
    assert.match(await page.locator('#measurements table').innerText(), /108/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'growth-child.png'), fullPage: true });

    // The calculator, in Khmer (the demo nurse may read Khmer already).
    const khmer = page.locator('form.language-switch button[value="km"]');
    if (await khmer.isEnabled()) {
      await khmer.click();
      await page.waitForLoadState('load');
    }
    await page.goto(`${BASE}/growth/calculator`);
    const calc = page.locator('form#calculator');
    await calc.locator('select[name="sex"]').selectOption('F');
    await calc.locator('input[name="age_days"]').fill('683');
    await calc.locator('input[name="weight_kg"]').fill('10.4');
    await calc.locator('input[name="length_cm"]').fill('84.8');
    await calc.locator('select[name="measured"]').selectOption('lying');
    await calc.locator('button#calculate').click();
    await page.waitForURL(pathIs('/growth/calculator'));
    const results = page.locator('table#z-scores');
    assert.equal((await results.locator('tr[data-indicator="weight_for_length_height"] td.z').innerText()).trim(), '-0.81');
    assert.equal((await results.locator('tr[data-indicator="weight_for_age"] td.z').innerText()).trim(), '-0.57');
    assert.match(await page.locator('h1').innerText(), /ម៉ាស៊ីនគណនា/);
    assert.match(await page.locator('[data-class="normal"]').innerText(), /គ្មានកង្វះអាហារូបត្ថម្ភ/);
    // Bad input in Khmer: the message at the field, what was typed kept.
    await calc.locator('input[name="weight_kg"]').fill('ធ្ងន់');
    await calc.locator('button#calculate').click();
    await page.waitForURL(pathIs('/growth/calculator'));
    assert.match(await page.locator('form#calculator .field-error').first().innerText(), /លេខ/);
    assert.equal(await page.locator('form#calculator input[name="weight_kg"]').inputValue(), 'ធ្ងន់');
    await page.screenshot({ path: path.join(ARTIFACTS, 'growth-calculator-km.png'), fullPage: true });
  });
});
