// Calls nobody finishes, with the shortest timeouts secinfo accepts (5 s to answer, 5 s to press
// a key): "no answer" and "no key pressed", each with Try again, and no method added.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkEveryPage,
  checkA11y,
  clickAndWaitForNavigation,
  launchBrowser,
  openRingingPhone,
  pollUntil,
  screenshot,
  signIn,
  startSeededServer,
  submitPhoneWizard,
  waitForCallStatus,
} from './lib/harness.mjs';

const NAME = 'call_timeouts';
const TIMEOUT_S = 5;
const NUMBER = { type: 'office', region: 'FR', number: '01 23 45 67 89', e164: '+33123456789' };
let env;
let browser;
let a11y; // axe on every page that loads
let page;
let phone;

before(async () => {
  env = await startSeededServer(
    { users: [{ email: 'dan@contoso.example', name: 'Dan Roy', locale: 'en' }] },
    { ringTimeout: TIMEOUT_S, inputTimeout: TIMEOUT_S },
  );
  browser = await launchBrowser(env.dir, { locale: 'en-US' });
  a11y = checkEveryPage(browser);
  page = await browser.newPage();
  phone = await browser.newPage();
  await signIn(page, env.server, 'dan@contoso.example');
});

after(async () => {
  await browser?.close();
  await env?.stop();
});

test('an unanswered call ends after the ring timeout with "We didn\'t get an answer"', async () => {
  await page.goto(env.server.url('/security-info/phone'));
  const placed = Date.now();
  await submitPhoneWizard(page, NUMBER);
  await waitForCallStatus(page, 'Your phone is ringing');

  await pollUntil(() => page.locator('#try-again').isVisible(), { timeout: (TIMEOUT_S + 10) * 1000, message: 'the no-answer page' });
  const waited = Date.now() - placed;
  assert.ok(waited >= (TIMEOUT_S - 0.5) * 1000, `the call rang for ${waited} ms, less than the ${TIMEOUT_S} s timeout`);
  assert.equal(
    await page.locator('#call-status').textContent(),
    "We didn't get an answer. Make sure your phone can receive calls, then try again.",
  );
  await checkA11y(page, 'call page (no answer)');
  await screenshot(page, NAME, 'no-answer');

  // secinfo hung up: the phone no longer rings.
  await phone.goto(env.server.url('/sim/phone/%2B33123456789'));
  assert.equal(await phone.locator('#answer').count(), 0);
  assert.match(await phone.locator('.history').innerText(), /hung up by the caller/);

  // Try again brings the wizard back with the number and the type kept.
  await clickAndWaitForNavigation(page, page.getByRole('link', { name: 'Try again' }));
  assert.equal(new URL(page.url()).pathname, '/security-info/phone');
  assert.equal(await page.locator('#number').inputValue(), '+33 1 23 45 67 89');
  assert.equal(await page.getByLabel('Office phone').isChecked(), true);
});

test('an answered call where no key is pressed ends with "No key was pressed in time"', async () => {
  await page.goto(env.server.url('/security-info/phone'));
  await submitPhoneWizard(page, NUMBER);
  await openRingingPhone(phone, env.server, NUMBER.e164);
  await clickAndWaitForNavigation(phone, phone.getByRole('button', { name: 'Answer' }));
  const answered = Date.now();
  await waitForCallStatus(page, 'Press the pound key (#)');

  await pollUntil(() => page.locator('#try-again').isVisible(), { timeout: (TIMEOUT_S + 10) * 1000, message: 'the no-input page' });
  assert.ok(Date.now() - answered >= (TIMEOUT_S - 0.5) * 1000, 'the call waited for the input timeout');
  assert.equal(
    await page.locator('#call-status').textContent(),
    'No key was pressed in time. Try again and press the pound key (#) when asked.',
  );
  await checkA11y(page, 'call page (no input)');
  await screenshot(page, NAME, 'no-input');
});

test('neither call added a method', async () => {
  await page.goto(env.server.url('/security-info'));
  assert.equal(await page.locator('li.method').count(), 0);
  assert.match(await page.locator('main').innerText(), /No methods yet/);
});

test('axe: no serious or critical violation on any page that loaded', async () => {
  await a11y.assertClean();
});
