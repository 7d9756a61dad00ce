// End-to-end test of a day at a medical centre: a records clerk registers a person
// and checks her in; a doctor calls her in, records vital signs (a refused
// temperature, then a warned one), finds a diagnosis by ICD-10 words, orders a
// haemoglobin and prescribes; the lab technician, in Khmer, takes the sample and
// enters a critically low result; the pharmacist is refused an over-dispense that
// says how much stock there is, then dispenses; the doctor sees the flagged result.
//
//   HAVEN_URL=http://127.0.0.1:18081 node --test tests/browser/clinic.test.mjs
//
// Haven must be running with the demo data (`haven serve --demo ...`): the accounts
// clerk, doctor, labtech and pharmacist (password haven-demo) and stock at the
// medical centres. Screenshots go to ./artifacts/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, BASE, pathIs, useBrowser } from './support.mjs';

const PASSWORD = 'haven-demo';
const withPage = useBrowser();
const pathStarts = (p) => (url) => url.pathname.startsWith(p);

async function signIn(page, username) {
  await page.goto(`${BASE}/login`);
  await page.locator('form[action="/login"] input#username').fill(username);
  await page.locator('form[action="/login"] input#password').fill(PASSWORD);
  await page.locator('button#sign-in[type="submit"]').click();
  await page.waitForURL(pathIs('/'));
}

// Submits a form and returns the status of its POST answer.
async function submit(page, form) {
  const answer = page.waitForResponse((r) => r.request().method() === 'POST');
  await page.locator(`${form} button[type="submit"]`).first().click();
  const status = (await answer).status();
  await page.waitForLoadState('load');
  return status;
}

// A name of letters only, new on every run.
function uniqueName() {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  let n = Date.now();
  let s = '';
  for (let i = 0; i < 6; i += 1) {
    s += letters[n % 26];
    n = Math.floor(n / 26);
  }
  return `Keo${s}`;
}

test('a clinician, a lab technician and a pharmacist do an outpatient visit', { timeout: 300_000 }, async () => {
  const family = uniqueName();
  const fullName = `${family} Bopha`;
  let queueUrl;
  let visitUrl;

  await withPage('clinic-clerk', async (page) => {
    await signIn(page, 'clerk');
    await page.goto(`${BASE}/people/new`);
    const form = page.locator('form#person-form');
    await form.locator('[name="family_name_latin"]').fill(family);
    await form.locator('[name="given_name_latin"]').fill('Bopha');
    await form.locator('[name="day"]').fill('12');
    await form.locator('[name="month"]').fill('4');
    await form.locator('[name="year"]').fill('1994');
    await form.locator('input[name="sex"][value="female"]').check();
    await form.locator('select[name="precision"]').selectOption('exact');
    // The demo clerk reads Khmer: the centre's name is in either script.
    const centre = await form
      .locator('select#facility option', { hasText: /SOS Medical Centre|មណ្ឌលវេជ្ជសាស្ត្រ/ })
      .first()
      .getAttribute('value');
    await form.locator('select#facility').selectOption(centre);
    await form.locator('button[type="submit"]').click();
    await page.waitForLoadState('load');
    if (new URL(page.url()).pathname === '/people/new') {
      await page.locator('input#not_a_duplicate').check();
      await form.locator('button[type="submit"]').click();
    }
    await page.waitForURL((url) => /^\/people\/[0-9a-f-]{36}$/.test(url.pathname));

    // Check in from the person's summary.
    await page.locator('a#check-in-link').click();
    await page.waitForURL(pathStarts('/clinic/check-in'));
    assert.equal(await page.locator('select#check-in-facility').inputValue(), centre);
    await page.locator('select#check-in-visit_type').selectOption('general');
    assert.equal(await submit(page, 'form#check-in'), 303);
    await page.waitForURL(pathStarts('/clinic/facilities/'));
    queueUrl = page.url();
    await page.locator('table#queue tr', { hasText: fullName }).waitFor();
    // A records clerk sees the queue but not the visit's clinical content.
    assert.equal(await page.locator('table#queue tr', { hasText: fullName }).locator('a').count(), 0);
  });

  await withPage('clinic-doctor', async (page) => {
    await signIn(page, 'doctor');
    await page.goto(queueUrl);
    const row = page.locator('table#queue tr', { hasText: fullName });
    await row.locator('button[type="submit"]').click();
    await page.waitForURL(pathStarts('/clinic/visits/'));
    visitUrl = page.url().split('#')[0];

    // 60 °C cannot be a living patient: refused at the field, the pulse kept.
    await page.locator('#vitals-temperature').fill('60');
    await page.locator('#vitals-pulse').fill('96');
    assert.equal(await submit(page, 'form#vitals-form'), 422);
    assert.match(await page.locator('form#vitals-form').innerText(), /outside what a living patient can have/);
    assert.equal(await page.locator('#vitals-pulse').inputValue(), '96');
    // 42.5 °C is possible but unusual: kept, with a warning.
    await page.locator('#vitals-temperature').fill('42.5');
    await page.locator('#vitals-muac').fill('230');
    assert.equal(await submit(page, 'form#vitals-form'), 303);
    await page.locator('#vitals .warning', { hasText: 'temperature is unusual' }).waitFor();

    // Diagnosis by words: htmx offers the codes as one types; pick B50.9.
    await page.locator('#diagnosis-icd10').fill('falciparum malaria');
    await page.locator('#icd10-results input[value="B50.9"]').waitFor();
    await page.locator('#icd10-results input[value="B50.9"]').check();
    await page.locator('#diagnosis-certainty').selectOption('confirmed');
    assert.equal(await submit(page, 'form#diagnosis-form'), 303);
    await page.locator('#diagnosis-list', { hasText: 'B50.9' }).waitFor();

    // A haemoglobin, and paracetamol beyond the stock (for the pharmacist's refusal).
    await page.locator('#lab-test').selectOption('hb');
    assert.equal(await submit(page, 'form#lab-form'), 303);
    await page.locator('#order-list', { hasText: 'Haemoglobin' }).waitFor();
    await page.locator('#rx-medicine').selectOption('paracetamol_500_tab');
    await page.locator('#rx-dose').fill('2 tablets');
    await page.locator('#rx-frequency').selectOption('qds');
    await page.locator('#rx-duration_days').fill('3');
    await page.locator('#rx-quantity').fill('90000');
    assert.equal(await submit(page, 'form#prescription-form'), 303);
    await page.locator('#prescription-table', { hasText: 'Paracetamol' }).waitFor();
  });

  await withPage('clinic-labtech-khmer', async (page) => {
    await signIn(page, 'labtech');
    // The lab technician reads Khmer (the choice stays with the account).
    if ((await page.locator('html').getAttribute('lang')) !== 'km') {
      await page.locator('form.language-switch button[value="km"]').click();
      await page.waitForLoadState('load');
    }
    assert.equal(await page.locator('html').getAttribute('lang'), 'km');
    await page.goto(queueUrl.replace('/queue', '/lab'));
    await page.locator('table#worklist tr', { hasText: fullName }).locator('a').click();
    await page.waitForURL(pathStarts('/clinic/lab/'));
    await page.locator('form#advance-form button').click();
    await page.waitForLoadState('load');
    await page.locator('#result-hb').fill('6.5');
    assert.equal(await submit(page, 'form#results-form'), 303);
    // Critically low, in Khmer, and a printable result.
    await page.locator('#result-table', { hasText: 'ទាបខ្លាំងគ្រោះថ្នាក់' }).waitFor();
    await page.locator('a#print-result').click();
    await page.locator('#lab-result', { hasText: '6.5' }).waitFor();
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'clinic-lab-result-km.png'), fullPage: true });
  });

  await withPage('clinic-pharmacist', async (page) => {
    await signIn(page, 'pharmacist');
    await page.goto(queueUrl.replace('/queue', '/pharmacy'));
    const item = page.locator('#to-dispense > li', { hasText: fullName });
    await item.locator('input[name="quantity"]').fill('90000');
    const refused = page.waitForResponse((r) => r.request().method() === 'POST');
    await item.locator('button[type="submit"]').click();
    assert.equal((await refused).status(), 422);
    await page.waitForLoadState('load');
    const again = page.locator('#to-dispense > li', { hasText: fullName });
    assert.match(await again.innerText(), /Not enough stock: \d+ tablets available/);
    await again.locator('input[name="quantity"]').fill('24');
    const done = page.waitForResponse((r) => r.request().method() === 'POST');
    await again.locator('button[type="submit"]').click();
    assert.equal((await done).status(), 303);
    await page.waitForURL(pathStarts('/clinic/facilities/'));
    // Fits a phone.
    await page.setViewportSize({ width: 360, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `the pharmacy page is ${overflow}px wider than a 360 px phone`);
  });

  await withPage('clinic-doctor-results', async (page) => {
    await signIn(page, 'doctor');
    await page.goto(`${BASE}/clinic/results`);
    await page.locator('#results-to-see li', { hasText: fullName }).waitFor();
    assert.match(await page.locator('#results-to-see li', { hasText: fullName }).innerText(), /Critically low/);
    await page.goto(visitUrl);
    await page.locator('#prescription-table', { hasText: '24' }).waitFor();
    await page.locator('#notes-outcome').selectOption('sent_home');
    await page.locator('#notes-complaint').fill('Fever for three days');
    assert.equal(await submit(page, 'form#notes-form'), 303);
    await page.locator('a', { hasText: 'Patient chart' }).first().click();
    await page.waitForURL(pathStarts('/people/'));
    await page.locator('#timeline .entry-lab_result').waitFor();
    await page.setViewportSize({ width: 360, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `the chart is ${overflow}px wider than a 360 px phone`);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'clinic-chart-phone.png'), fullPage: true });
  });
});
