// Calls that do not confirm the phone: a wrong key, hanging up, declining, and reporting fraud
// with 0#. Each shows its own message and a Try again link; none adds a method.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkEveryPage,
  checkA11y,
  clickAndWaitForNavigation,
  launchBrowser,
  openRingingPhone,
  pollUntil,
  pressKey,
  screenshot,
  signIn,
  startSeededServer,
  submitPhoneWizard,
  waitForCallStatus,
} from './lib/harness.mjs';

const NAME = 'call_failures';
const NUMBER = { type: 'mobile', region: 'US', number: '(425) 555-0177', e164: '+14255550177' };
let env;
let browser;
let a11y; // axe on every page that loads
let page; // the person's wizard
let phone; // the simulated phone

before(async () => {
  env = await startSeededServer({ users: [{ email: 'cara@contoso.example', name: 'Cara Diaz', locale: 'en' }] });
  browser = await launchBrowser(env.dir, { locale: 'en-US' });
  a11y = checkEveryPage(browser);
  page = await browser.newPage();
  phone = await browser.newPage();
  await signIn(page, env.server, 'cara@contoso.example');
});

after(async () => {
  await browser?.close();
  await env?.stop();
});

/** Opens the wizard, places a call to NUMBER and answers it on the simulated phone. */
async function callAndAnswer() {
  await page.goto(env.server.url('/security-info/phone'));
  await submitPhoneWizard(page, NUMBER);
  await waitForCallStatus(page, 'Your phone is ringing');
  await openRingingPhone(phone, env.server, NUMBER.e164);
  await clickAndWaitForNavigation(phone, phone.getByRole('button', { name: 'Answer' }));
  await waitForCallStatus(page, 'Press the pound key (#)');
}

/** Waits for the call page to reload itself into its final state, then checks what it shows. */
async function expectFailure(state, message, shot) {
  await pollUntil(() => page.locator('#try-again').isVisible(), { timeout: 15_000, message: `the ${state} page` });
  assert.equal(await page.locator('#call').getAttribute('data-state'), state);
  assert.equal(await page.locator('#call-status').textContent(), message);
  assert.equal(await page.locator('#done').count(), 0, 'no success link');
  assert.equal(await page.getByRole('button', { name: 'Cancel the call' }).count(), 0, 'nothing left to cancel');
  const retry = new URL(await page.locator('#try-again').getAttribute('href'), page.url());
  assert.equal(retry.pathname, '/security-info/phone');
  assert.equal(retry.searchParams.get('type'), 'mobile');
  await checkA11y(page, `call page (${state})`);
  await screenshot(page, NAME, shot);
}

test('a key other than # ends the call with the wrong-key message', async () => {
  await callAndAnswer();
  await pressKey(phone, '5');
  await expectFailure('wrong_key', 'A key other than the pound key (#) was pressed. Try again and press only #.', 'wrong-key');
  assert.match(await phone.locator('main').innerText(), /No call right now/, 'secinfo hung up on the phone');
});

test('hanging up before # ends with the hung-up message', async () => {
  await callAndAnswer();
  await clickAndWaitForNavigation(phone, phone.getByRole('button', { name: 'Hang up' }));
  assert.match(await phone.locator('.history').innerText(), /hung up by this phone/);
  await expectFailure('hung_up', 'The call ended before it was confirmed. Try again and press the pound key (#).', 'hung-up');
});

test('declining the ringing call ends it too', async () => {
  await page.goto(env.server.url('/security-info/phone'));
  await submitPhoneWizard(page, NUMBER);
  await openRingingPhone(phone, env.server, NUMBER.e164);
  await checkA11y(phone, 'sim phone (ringing)');
  await clickAndWaitForNavigation(phone, phone.getByRole('button', { name: 'Decline' }));
  assert.match(await phone.locator('.history').innerText(), /declined/);
  await expectFailure('hung_up', 'The call ended before it was confirmed. Try again and press the pound key (#).', 'declined');
});

test('0 then # reports fraud, and the audit log records it', async () => {
  const before = env.server.audit().filter((e) => e.action === 'fraud_report').length;
  await callAndAnswer();
  await pressKey(phone, '0');
  assert.equal(await phone.locator('#keys').textContent(), 'Keys pressed: 0');
  await waitForCallStatus(page, 'Press the pound key (#)'); // 0 alone changes nothing yet
  await pressKey(phone, '#');
  await expectFailure(
    'fraud_reported',
    'The call was reported as fraud from the phone (0#). The phone was not registered and your administrators will be told.',
    'fraud',
  );
  const reports = env.server.audit().filter((e) => e.action === 'fraud_report');
  assert.equal(reports.length, before + 1, 'one fraud_report line in `admin audit`');
  assert.equal(reports[0].actor, 'cara@contoso.example');
  assert.equal(reports[0].method, 'phone:mobile');
  assert.equal(reports[0].result, 'denied');
});

test('none of these calls added a method', async () => {
  await page.goto(env.server.url('/security-info'));
  assert.equal(await page.locator('li.method').count(), 0);
  assert.equal(await page.locator('.empty').textContent(), 'No methods yet. Add one so that you can verify who you are.');
  assert.equal(await page.locator('#default-current').textContent(), 'You have no sign-in method yet.');
  const registered = env.server.audit().filter((e) => e.action === 'method_register');
  assert.deepEqual(registered, [], 'no registration in the audit log');
});

test('axe: no serious or critical violation on any page that loaded', async () => {
  await a11y.assertClean();
});
