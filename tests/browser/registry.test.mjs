// End-to-end test of the registry: a records clerk registers a person (an
// impossible date is refused first), finds her in both scripts with misspellings,
// registers her again by mistake past the duplicate warning, corrects the second
// record, and merges the two.
//
//   HAVEN_URL=http://127.0.0.1:18080 node --test tests/browser/
//
// Haven must be running with the demo data (`haven serve --demo ...`), which has the
// records clerk `clerk` / `haven-demo`. Screenshots go to ./artifacts/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, BASE, pathIs, useBrowser } from './support.mjs';

const CLERK = { username: 'clerk', password: 'haven-demo' };
const withPage = useBrowser();
const pathStarts = (p) => (url) => url.pathname.startsWith(p);

async function signIn(page, who) {
  await page.goto(`${BASE}/login`);
  await page.locator('form[action="/login"] input#username').fill(who.username);
  await page.locator('form[action="/login"] input#password').fill(who.password);
  await page.locator('button#sign-in[type="submit"]').click();
  await page.waitForURL(pathIs('/'));
}

// Fills the registration (or correction) form with a person's details.
async function fillPerson(page, p) {
  const form = page.locator('form#person-form');
  for (const [name, value] of Object.entries(p.fields)) {
    await form.locator(`[name="${name}"]`).fill(value);
  }
  await form.locator(`input[name="sex"][value="${p.sex}"]`).check();
  await form.locator('select[name="precision"]').selectOption('exact');
}

// Submits the registration form; if Haven shows possible duplicates, checks that
// `expectDuplicateOf` (a person id) is among them when given, then registers anyway.
async function register(page, expectDuplicateOf) {
  await page.locator('form#person-form button[type="submit"]').click();
  await page.waitForLoadState('load');
  if (new URL(page.url()).pathname === '/people/new') {
    await page.locator('#duplicates').waitFor({ state: 'visible' });
    if (expectDuplicateOf) {
      await page.locator(`#duplicates a[href="/people/${expectDuplicateOf}"]`).waitFor({ state: 'attached' });
    }
    await page.locator('input#not_a_duplicate').check();
    await page.locator('form#person-form button[type="submit"]').click();
  } else {
    assert.ok(!expectDuplicateOf, 'the possible duplicate was not shown before saving');
  }
  await page.waitForURL((url) => /^\/people\/[0-9a-f-]{36}$/.test(url.pathname));
  const id = new URL(page.url()).pathname.split('/')[2];
  const number = (await page.locator('#haven-number').innerText()).trim();
  assert.match(number, /^\d{4}-\d{4}-\d{2}$/);
  return { id, number };
}

// Searches and returns the Haven numbers listed.
async function search(page, q) {
  await page.goto(`${BASE}/people`);
  await page.locator('form#people-search input[name="q"]').fill(q);
  await page.locator('form#people-search button[type="submit"]').click();
  await page.waitForURL(pathStarts('/people'));
  await page.waitForLoadState('load');
  if ((await page.locator('table#people-results').count()) === 0) return [];
  return (await page.locator('table#people-results tbody tr td code').allInnerTexts()).map((t) => t.trim());
}

test('a clerk registers, finds in both scripts with misspellings, corrects and merges', { timeout: 300_000 }, async () => {
  await withPage('registry', async (page) => {
    await signIn(page, CLERK);
    await page.goto(`${BASE}/people/new`);
    const thida = {
      sex: 'female',
      fields: {
        family_name_km: 'រតនៈ',
        given_name_km: 'ចន្ធី',
        family_name_latin: 'Rotanak',
        given_name_latin: 'Chanthy',
        day: '31',
        month: '2',
        year: '2016',
        village: 'Prek Leap',
      },
    };
    await fillPerson(page, thida);

    // 31 February: refused at the date, with everything typed kept.
    const refused = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.locator('form#person-form button[type="submit"]').click();
    assert.equal((await refused).status(), 422);
    await page.locator('#birth-date .field-error').waitFor({ state: 'visible' });
    assert.equal(await page.locator('input#family_name_latin').inputValue(), 'Rotanak');
    assert.equal(await page.locator('input#given_name_km').inputValue(), 'ចន្ធី');
    assert.equal(await page.locator('input#village').inputValue(), 'Prek Leap');

    // 29 February 2016 is a real day.
    await page.locator('form#person-form input[name="day"]').fill('29');
    const first = await register(page);

    // Found by a misspelt romanised name, and by a Khmer fragment.
    assert.ok((await search(page, 'Chanthi Rotanak')).includes(first.number), 'found as "Chanthi Rotanak"');
    assert.ok((await search(page, 'rotanak chanty')).includes(first.number), 'found as "rotanak chanty"');
    assert.ok((await search(page, 'រតន')).includes(first.number), 'found by a Khmer fragment');
    assert.ok((await search(page, first.number.replace(/-/g, ''))).includes(first.number), 'found by Haven number');

    // The same girl registered again under another spelling: Haven shows the first
    // record before saving; the clerk (wrongly) registers her anyway.
    await page.goto(`${BASE}/people/new`);
    await fillPerson(page, {
      sex: 'female',
      fields: { ...thida.fields, given_name_latin: 'Chanthi', day: '29', village: '' },
    });
    const second = await register(page, first.id);
    assert.notEqual(second.id, first.id);

    // Correct the second record: the village was left out.
    await page.locator('a#edit-person').click();
    await page.waitForURL(pathStarts(`/people/${second.id}/edit`));
    await page.locator('form#person-form input#village').fill('Prek Pnov');
    await page.locator('form#person-form button[type="submit"]').click();
    await page.waitForURL(pathStarts(`/people/${second.id}`));
    await page.locator('#notice').waitFor({ state: 'visible' });
    assert.match(await page.locator('main').innerText(), /Prek Pnov/);

    // Merge the second into the first: compare, confirm, and both numbers stay.
    await page.goto(`${BASE}/people/${first.id}`);
    await page.locator('a#merge-person').click();
    await page.waitForURL(pathStarts(`/people/${first.id}/merge`));
    await page.locator('form#merge-choose input#other').fill(second.number);
    await page.locator('form#merge-choose button[type="submit"]').click();
    await page.locator('#merge-sides').waitFor({ state: 'visible' });
    await page.locator('form#merge-confirm input#reason').fill('registered twice');
    await page.locator('form#merge-confirm button[type="submit"]').click();
    await page.waitForURL(pathIs(`/people/${first.id}`));
    await page.locator('#merges').waitFor({ state: 'visible' });
    const identifiers = await page.locator('#identifiers').innerText();
    assert.ok(identifiers.includes(first.number) && identifiers.includes(second.number), 'both Haven numbers on the kept record');

    // The merged record now opens the kept one, and a search finds her once.
    await page.goto(`${BASE}/people/${second.id}`);
    await page.waitForURL(pathStarts(`/people/${first.id}`));
    const found = await search(page, 'Chanthi Rotanak');
    assert.ok(found.includes(first.number) && !found.includes(second.number), 'the merged record is answered as the kept one');

    // The identity card carries a QR code.
    await page.goto(`${BASE}/people/${first.id}/card`);
    await page.locator('#id-card svg').waitFor({ state: 'attached' });

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.goto(`${BASE}/people/${first.id}`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'person-km.png'), fullPage: true });
  });
});

test('the registry\'s pages fit a 360 px phone', { timeout: 120_000 }, async () => {
  await withPage('registry-phone', async (page) => {
    await page.setViewportSize({ width: 360, height: 740 });
    await signIn(page, CLERK);
    const someone = (await search(page, 'Sokha'))[0];
    assert.ok(someone, 'the demo data has a Sokha');
    for (const where of ['/people', '/people?q=%E1%9E%9F%E1%9E%BB%E1%9E%81', '/people/new', '/places']) {
      await page.goto(`${BASE}${where}`);
      await page.locator('h1').first().waitFor({ state: 'visible' });
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 360, `${where} is ${width} px wide at a 360 px viewport`);
    }
    await page.goto(`${BASE}/people?q=${encodeURIComponent(someone)}`);
    await page.locator('table#people-results tbody a').first().click();
    await page.locator('#haven-number').waitFor({ state: 'visible' });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `the person page is ${width} px wide at a 360 px viewport`);
  });
});
