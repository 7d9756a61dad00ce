// End-to-end test of children's care: a social worker admits two siblings into one
// SOS family (gatekeeping assessment and decision, the director's approval, the
// placement), writes a development plan (a review date already past is refused
// first), records a school term, and reads part of it in Khmer; the programme
// director then sees the programme's figures by sex, counting the two.
//
//   HAVEN_URL=http://127.0.0.1:18083 node --test tests/browser/care.test.mjs
//
// Haven must be running with the demo data (`haven serve --demo ...`): the accounts
// `socialworker` and `director` / `haven-demo`, and a village with children
// registered there but not yet admitted. Screenshots go to ./artifacts/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, BASE, pathIs, useBrowser } from './support.mjs';

const SOCIAL = { username: 'socialworker', password: 'haven-demo' };
const DIRECTOR = { username: 'director', password: 'haven-demo' };
const withPage = useBrowser();

const day = (offset) => {
  const d = new Date(Date.now() + offset * 86_400_000);
  return d.toISOString().slice(0, 10);
};

async function signIn(page, who) {
  await page.goto(`${BASE}/login`);
  await page.locator('form[action="/login"] input#username').fill(who.username);
  await page.locator('form[action="/login"] input#password').fill(who.password);
  await page.locator('button#sign-in[type="submit"]').click();
  await page.waitForURL(pathIs('/'));
}

async function signOut(page) {
  await page.locator('form#sign-out button[type="submit"]').click();
  await page.waitForURL((url) => url.pathname === '/login');
}

// The programme's figures as { row label: [girls, boys, total] }.
async function figures(page) {
  const rows = await page.locator('#figures table.figures tbody tr').all();
  const out = {};
  for (const row of rows) {
    const label = (await row.locator('th').innerText()).trim();
    out[label] = (await row.locator('td').allInnerTexts()).map((t) => Number(t.trim()));
  }
  return out;
}

test('a social worker admits two siblings into one SOS family, plans and records school; the director sees the figures by sex', { timeout: 300_000 }, async () => {
  await withPage('care', async (page) => {
    // The director's figures before, to see the two children counted after.
    await signIn(page, DIRECTOR);
    await page.goto(`${BASE}/care`);
    const programmeHref = await page.locator('#programmes a').first().getAttribute('href');
    await page.goto(`${BASE}${programmeHref}`);
    const before = await figures(page);
    const villageHref = await page.locator('a[href^="/care/villages/"]').first().getAttribute('href');
    await signOut(page);

    // The social worker finds two siblings waiting at the village.
    await signIn(page, SOCIAL);
    await page.goto(`${BASE}${villageHref}`);
    const group = page.locator('#waiting li.waiting-group', { has: page.locator('.tag') }).first();
    const links = await group.locator('a').all();
    assert.ok(links.length >= 2, 'a sibling group is waiting');
    const siblings = [];
    for (const link of links.slice(0, 2)) {
      const href = await link.getAttribute('href');
      const line = await group.innerText();
      siblings.push({ href, name: (await link.innerText()).trim(), line });
    }
    const texts = await group.innerText();

    // Gatekeeping for each: assessment and decision.
    const admissions = [];
    for (const s of siblings) {
      await page.goto(`${BASE}${s.href}`);
      const form = page.locator('form#admit-form');
      await form.locator('#referred_by').fill('Commune Council for Women and Children');
      await form.locator('#authority').fill('Provincial Department of Social Affairs');
      await form.locator('#authority_reference').fill('DoSVY-2026-0107');
      await form.locator('#necessity').fill('The mother died; the father works away and cannot care for the children.');
      await form.locator('#family_support').fill('Support to the grandmother was tried for six months.');
      await form.locator('input[name="options_considered"][value="kinship"]').check();
      await form.locator('input[name="options_considered"][value="foster"]').check();
      await form.locator('#chosen_option').selectOption('sos_family');
      await form.locator('#suitability').fill('An SOS family near their school keeps the brother and sister together.');
      await form.locator('#child_views').fill('Wants to stay with the sibling.');
      await form.locator('#decision').selectOption('admit');
      await form.locator('button[type="submit"]').click();
      await page.waitForURL((url) => url.pathname.startsWith('/care/admissions/'));
      admissions.push(new URL(page.url()).pathname);
    }
    await signOut(page);

    // The programme director approves both.
    await signIn(page, DIRECTOR);
    for (const admission of admissions) {
      await page.goto(`${BASE}${admission}`);
      await page.locator('form#decide-form button[value="approved"]').click();
      await page.waitForURL(pathIs(admission));
      assert.equal((await page.locator('#admission-status').innerText()).trim(), 'approved');
    }
    await signOut(page);

    // The social worker places both in the same SOS family.
    await signIn(page, SOCIAL);
    const children = [];
    let house = null;
    for (const admission of admissions) {
      await page.goto(`${BASE}${admission}`);
      await page.locator('a[href$="#placements"]').click();
      await page.waitForURL((url) => url.pathname.startsWith('/care/children/'));
      const child = new URL(page.url()).pathname;
      children.push(child);
      const select = page.locator('form#place-form select[name="house"]');
      if (!house) {
        // The SOS family of the village with the most free places.
        const options = await select.locator('option').evaluateAll((os) => os.map((o) => ({ value: o.value, text: o.textContent })));
        const villageName = await page.locator('p a[href^="/care/villages/"]').innerText();
        const free = options
          .filter((o) => o.value && !/Youth/.test(o.text) && o.text.includes(villageName.replace('← ', '').trim()))
          .map((o) => ({ ...o, free: Number((o.text.match(/\((\d+) free\)/) || [0, 0])[1]) }))
          .sort((a, b) => b.free - a.free);
        assert.ok(free.length && free[0].free >= 2, 'an SOS family with two free places');
        house = free[0].value;
      }
      await select.selectOption(house);
      await page.locator('form#place-form #place-reason').fill('Admitted after gatekeeping, with the sibling');
      await page.locator('form#place-form button[type="submit"]').click();
      await page.waitForURL((url) => url.pathname === child);
      await page.locator(`#child-house a[href="/care/houses/${house}"]`).waitFor();
    }
    // Both live in the house now.
    await page.goto(`${BASE}/care/houses/${house}`);
    for (const s of siblings) {
      await page.locator('#house-children', { hasText: s.name }).waitFor();
    }

    // A development plan: a review date already past is refused, then corrected.
    await page.goto(`${BASE}${children[0]}`);
    await page.locator('#plans summary').click();
    const plan = page.locator('form#plan-form');
    await plan.locator('#plan-review').fill(day(-1));
    await plan.locator('#plan-strengths').fill('Helps the younger sibling; likes drawing');
    await plan.locator('#plan-heard').check();
    await plan.locator('#plan-views').fill('I want to become a teacher');
    await plan.locator('button[type="submit"]').click();
    await page.locator('form#plan-form .field-error').waitFor();
    assert.match(await page.locator('form#plan-form .field-error').first().innerText(), /already passed/);
    assert.equal(await page.locator('form#plan-form #plan-strengths').inputValue(), 'Helps the younger sibling; likes drawing');
    await page.locator('form#plan-form #plan-review').fill(day(120));
    await page.locator('form#plan-form button[type="submit"]').click();
    await page.waitForURL((url) => url.pathname.startsWith('/care/plans/'));
    const goal = page.locator('form#goal-form');
    await goal.locator('#goal-area').selectOption('education');
    await goal.locator('#goal-goal').fill('Reads at grade level by the end of the year');
    await goal.locator('#goal-responsible').fill('SOS mother');
    await goal.locator('button[type="submit"]').click();
    await page.locator('#goals', { hasText: 'Reads at grade level' }).waitFor();
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: path.join(ARTIFACTS, 'care-plan-print.png'), fullPage: true });
    assert.equal(await page.locator('form#goal-form').isVisible(), false, 'forms are not printed');
    await page.emulateMedia({ media: 'screen' });

    // A school term.
    await page.goto(`${BASE}${children[0]}`);
    await page.locator('#education > details > summary').click();
    const enrol = page.locator('form#enrolment-form');
    await enrol.locator('#enrol-level').selectOption('primary');
    await enrol.locator('#enrol-school').fill('Sen Sok Primary School');
    await enrol.locator('#enrol-grade').fill('5');
    await enrol.locator('button[type="submit"]').click();
    await page.waitForURL((url) => url.pathname === children[0]);
    await page.locator('#education article.enrolment summary').first().click();
    const term = page.locator('#education form.term-form').first();
    await term.locator('input[name="term"]').fill('1');
    await term.locator('input[name="days_present"]').fill('57');
    await term.locator('input[name="days_possible"]').fill('60');
    await term.locator('input[name="average"]').fill('76');
    await term.locator('input[name="passed"]').check();
    await term.locator('button[type="submit"]').click();
    await page.waitForURL((url) => url.pathname === children[0]);
    await page.locator('#education table.terms', { hasText: '57/60' }).waitFor();

    // The same page in Khmer, and on a 360 px phone.
    await page.locator('form.language-switch button[value="km"]').click();
    await page.waitForURL((url) => url.pathname === children[0]);
    assert.equal(await page.locator('html').getAttribute('lang'), 'km');
    await page.locator('#education h2', { hasText: 'ការអប់រំ' }).waitFor();
    await page.locator('#placements h2', { hasText: 'ការដាក់' }).waitFor();
    await page.setViewportSize({ width: 360, height: 800 });
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= 362, `the child's page fits a phone (${wide} px)`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'care-child-km-phone.png'), fullPage: true });
    await page.locator('form.language-switch button[value="en"]').click();
    await page.waitForURL((url) => url.pathname === children[0]);
    await page.setViewportSize({ width: 1280, height: 800 });
    await signOut(page);

    // The director sees the figures by sex, with the two counted.
    await signIn(page, DIRECTOR);
    await page.locator('#care-figures table.figures').first().waitFor();
    await page.goto(`${BASE}${programmeHref}`);
    const after = await figures(page);
    const inCare = 'Children in care';
    const girls = (texts.match(/\((Female|Male)/g) || []).slice(0, 2).filter((t) => t.includes('Female')).length;
    assert.equal(after[inCare][2], before[inCare][2] + 2, 'two more children in care');
    assert.equal(after[inCare][0], before[inCare][0] + girls, 'girls counted');
    assert.equal(after[inCare][1], before[inCare][1] + (2 - girls), 'boys counted');
    assert.equal(after['Admitted this year'][2], before['Admitted this year'][2] + 2, 'two admissions');
    assert.equal(after['With term results'][2], before['With term results'][2] + 1, 'one more with results');
    await page.screenshot({ path: path.join(ARTIFACTS, 'care-programme-figures.png'), fullPage: true });
  });
});
