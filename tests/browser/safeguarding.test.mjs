// End-to-end test of child safeguarding: an SOS mother (who reads Haven in Khmer)
// reports a concern from the link in the header (an empty report first: refused,
// the text kept; a second child added to the form); the focal point acknowledges it and handles it to its closure (a
// step out of order refused first); a doctor, an M&E officer and the administrator
// each try to reach it (its address, the lists, the audit trail, search) and find
// nothing.
//
//   HAVEN_URL=http://127.0.0.1:18084 node --test tests/browser/safeguarding.test.mjs
//
// Haven must be running with the demo data (`haven serve --demo ...`): the accounts
// `sosmother`, `safeguarding`, `doctor`, `meofficer` and `admin`, password `haven-demo`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { ARTIFACTS, BASE, pathIs, useBrowser } from './support.mjs';

const withPage = useBrowser();
const PASSWORD = 'haven-demo';
const here = path.dirname(fileURLToPath(import.meta.url));

// The messages of a language, read from Haven's own translation file.
function messages(language) {
  const text = readFileSync(path.join(here, '..', '..', 'data', 'i18n', language, 'safeguarding.ftl'), 'utf8');
  const found = {};
  for (const line of text.split('\n')) {
    const match = /^([a-z0-9-]+) = (.*)$/.exec(line);
    if (match) found[match[1]] = match[2].trim();
  }
  return found;
}
const km = messages('km');
const en = messages('en');
const before = (message) => message.split('{')[0].trim();

const WHAT = 'She said the older boys take her food at the bus stop every morning';
const ACTIONS = 'I walked her to school myself today';
const CHILD = 'Chenda near the well';
const SECOND_CHILD = 'Her little brother Vuthy';

async function signIn(page, username) {
  await page.goto(`${BASE}/login`);
  await page.locator('form[action="/login"] input#username').fill(username);
  await page.locator('form[action="/login"] input#password').fill(PASSWORD);
  await page.locator('button#sign-in[type="submit"]').click();
  await page.waitForURL(pathIs('/'));
}

async function signOut(page) {
  await page.locator('form#sign-out button[type="submit"]').click();
  await page.waitForURL((url) => url.pathname === '/login');
}

test('a caregiver reports, the focal point handles it, and no one else sees it', { timeout: 300_000 }, async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  let reference;
  let caseId;
  await withPage('safeguarding-report', async (page) => {
    // A 360 px phone.
    await page.setViewportSize({ width: 360, height: 740 });
    await signIn(page, 'sosmother');
    // One click from any page, in Khmer.
    await page.goto(`${BASE}/account`);
    const link = page.locator('a#report-concern-link');
    assert.equal((await link.innerText()).trim(), km['safeguarding-report-link']);
    await link.click();
    await page.waitForURL(pathIs('/safeguarding/report'));
    assert.equal(await page.locator('html').getAttribute('lang'), 'km');
    // The form fits the phone: nothing wider than the screen.
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `the form is ${width}px wide`);

    // An empty report (only the actions typed): refused, the text kept.
    await page.locator('textarea#immediate_actions').fill(ACTIONS);
    await page.locator('button#sg-file').click();
    await page.waitForLoadState('load');
    await page.locator('#report-notice').waitFor();
    const refused = await page.locator('main').innerText();
    for (const key of [
      'safeguarding-error-concern-type-required',
      'safeguarding-error-child-required',
      'safeguarding-error-what-happened-required',
    ]) {
      assert.ok(refused.includes(km[key]), `${key} in Khmer`);
    }
    assert.equal(await page.locator('textarea#immediate_actions').inputValue(), ACTIONS);
    await page.screenshot({ path: path.join(ARTIFACTS, 'safeguarding-empty-report.png'), fullPage: true });

    // The whole report. One child's row at first; a second on request, with what was
    // typed kept.
    assert.equal(await page.locator('input[name^="child_name_"]').count(), 1);
    await page.locator('input#child_name_0').fill(CHILD);
    await page.locator('select[name="child_sex_0"]').selectOption('female');
    await page.locator('input[name="child_age_0"]').fill('9');
    const add = page.locator('button#sg-add-child');
    assert.equal((await add.innerText()).trim(), km['safeguarding-add-child']);
    await add.click();
    await page.locator('input#child_name_1').waitFor();
    assert.equal(await page.locator('input[name^="child_name_"]').count(), 2);
    assert.equal(await page.locator('input#child_name_0').inputValue(), CHILD);
    assert.equal(await page.locator('select[name="child_sex_0"]').inputValue(), 'female');
    assert.equal(await page.locator('textarea#immediate_actions').inputValue(), ACTIONS);
    await page.locator('input#child_name_1').fill(SECOND_CHILD);
    await page.locator('select[name="child_sex_1"]').selectOption('male');
    await page.locator('input[name="child_age_1"]').fill('6');
    await page.locator('input[name="concern_types"][value="bullying"]').check();
    await page.locator('input[name="concern_types"][value="neglect"]').check();
    await page.locator('input[name="harm_by"][value="another_child"]').check();
    await page.locator('textarea#what_happened').fill(WHAT);
    await page.locator('select#sg-facility').selectOption({ index: 1 });
    await page.locator('button#sg-file').click();
    await page.waitForURL(pathIs('/safeguarding/mine'));
    const filed = await page.locator('#sg-filed').innerText();
    reference = /SG-[A-Z0-9]{4}-[A-Z0-9]{4}/.exec(filed)?.[0];
    assert.ok(reference, `a reference in: ${filed}`);
    const row = page.locator('table#sg-mine tbody tr', { hasText: reference });
    assert.equal(await row.getAttribute('data-status'), 'received');
    assert.ok((await row.innerText()).includes(km['safeguarding-status-received']));
    // The reporter sees the status, not the text again.
    assert.ok(!(await page.locator('main').innerText()).includes(WHAT));
    await page.screenshot({ path: path.join(ARTIFACTS, 'safeguarding-mine.png'), fullPage: true });
    await signOut(page);
  });

  await withPage('safeguarding-handle', async (page) => {
    await signIn(page, 'safeguarding');
    const home = await page.locator('#home-safeguarding').innerText();
    assert.ok(home.includes(before(en['safeguarding-home-new'])), home);
    await page.locator('#home-safeguarding a').click();
    await page.waitForURL(pathIs('/safeguarding'));
    // The demo's overdue steps are listed.
    assert.ok((await page.locator('#sg-overdue table tbody tr').count()) > 0, 'overdue steps are listed');
    await page.locator('#sg-new a', { hasText: reference }).click();
    await page.waitForURL((url) => /^\/safeguarding\/cases\/[0-9a-f-]{36}$/.test(url.pathname));
    caseId = new URL(page.url()).pathname.split('/')[3];
    assert.ok((await page.locator('#sg-what').innerText()).includes(WHAT));
    assert.ok((await page.locator('#sg-children').innerText()).includes(CHILD));
    assert.ok((await page.locator('#sg-children').innerText()).includes(SECOND_CHILD));

    // A step out of order: refused, naming the step first, the note kept.
    await page.locator('select#sg-step').selectOption('investigated');
    await page.locator('textarea#sg-note').fill('Spoke with the bus driver');
    await page.locator('button#sg-record').click();
    await page.locator('#step-error').waitFor();
    const error = await page.locator('#step-error').innerText();
    assert.ok(error.includes(before(en['safeguarding-error-out-of-order'])), error);
    assert.ok(error.includes(en['step-acknowledged']), error);
    assert.equal(await page.locator('textarea#sg-note').inputValue(), 'Spoke with the bus driver');

    const steps = [
      { step: 'acknowledged', note: 'Read it and called the SOS mother' },
      { step: 'assessed', note: 'Bullying by older pupils; no adult involved' },
      { step: 'investigated', note: 'Spoke with the bus driver and the school' },
      { step: 'referred', note: 'No crime: handled with the school', referral: 'not_referred' },
      { step: 'supported', note: 'Walks with her cousin; weekly talk with the psychologist' },
      { step: 'closed', note: 'The bullying stopped', outcome: 'substantiated' },
    ];
    for (const s of steps) {
      await page.locator('select#sg-step').selectOption(s.step);
      await page.locator('textarea#sg-note').fill(s.note);
      if (s.referral) await page.locator(`input[name="referral"][value="${s.referral}"]`).check();
      if (s.outcome) await page.locator('select#sg-outcome').selectOption(s.outcome);
      await page.locator('button#sg-record').click();
      await page.waitForURL((url) => url.pathname === `/safeguarding/cases/${caseId}`);
      await page.locator(`#steps li[data-step="${s.step}"]`).waitFor();
    }
    assert.equal((await page.locator('#sg-status').innerText()).trim(), en['safeguarding-status-closed']);
    assert.equal(await page.locator('form#record-step').count(), 0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'safeguarding-case-closed.png'), fullPage: true });
    // Dated and attributed, and on the report's audit trail.
    assert.ok((await page.locator('#steps').innerText()).includes('Ouk Sothea'));
    await page.locator('a#sg-audit-link').click();
    const trail = await page.locator('table#sg-trail').innerText();
    assert.ok(trail.includes(en['action-safeguarding-step-record']), trail);
    await page.goto(`${BASE}/safeguarding/statistics`);
    assert.ok((await page.locator('#sg-total').innerText()).length > 0);
    await signOut(page);
  });

  for (const who of ['doctor', 'meofficer', 'admin']) {
    await withPage(`safeguarding-sealed-${who}`, async (page) => {
      await signIn(page, who);
      const seen = [];
      const look = async (address) => {
        const answer = await page.goto(`${BASE}${address}`);
        const body = await page.content();
        seen.push([address, answer.status(), body]);
        return answer.status();
      };
      assert.equal(await look(`/safeguarding/cases/${caseId}`), 403, who);
      assert.equal(await look('/safeguarding'), 403, who);
      assert.equal(await look(`/safeguarding/cases/${caseId}/audit`), 403, who);
      await look('/');
      await look('/safeguarding/mine');
      if (who === 'admin') {
        await look('/admin/audit');
        await look(`/admin/audit?record=${caseId}`);
        await look('/admin/audit?user=safeguarding');
      }
      if (who === 'doctor') {
        await look(`/people?q=${encodeURIComponent('Chenda')}`);
      }
      // The metrics are text, fetched rather than shown.
      const metrics = await page.request.get(`${BASE}/metrics`);
      seen.push(['/metrics', metrics.status(), await metrics.text()]);
      for (const [address, , body] of seen) {
        for (const secret of [reference, WHAT, CHILD, SECOND_CHILD, ACTIONS, 'safeguarding_report', en['safeguarding-cases-title']]) {
          const shown = address.includes(secret) ? false : body.includes(secret);
          assert.ok(!shown, `${who} sees "${secret}" on ${address}`);
        }
        if (!address.includes(caseId)) {
          assert.ok(!body.includes(caseId), `${who} sees the report's id on ${address}`);
        }
      }
      if (who === 'admin') {
        await page.goto(`${BASE}/admin/audit?user=safeguarding`);
        await page.screenshot({ path: path.join(ARTIFACTS, 'safeguarding-admin-audit.png'), fullPage: true });
      }
    });
  }
});
