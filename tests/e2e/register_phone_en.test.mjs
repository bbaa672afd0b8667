// An English-speaking person (no language set on his account, a browser in en-US, in a French
// organization) registers a US mobile number typed with an extension.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkEveryPage,
  checkA11y,
  clickAndWaitForNavigation,
  launchBrowser,
  listedMethods,
  openRingingPhone,
  pollUntil,
  pressKey,
  screenshot,
  signIn,
  startSeededServer,
  waitForCallStatus,
  assertLanguageSwitchShowsPageLanguage,
} from './lib/harness.mjs';

const NAME = 'register_phone_en';
let env;
let browser;
let a11y; // axe on every page that loads

before(async () => {
  env = await startSeededServer({ users: [{ email: 'bob@contoso.example', name: 'Bob Smith' }] });
  browser = await launchBrowser(env.dir, { locale: 'en-US' });
  a11y = checkEveryPage(browser);
});

after(async () => {
  await browser?.close();
  await env?.stop();
});

test('Bob registers +1 425 555 0100 x123 as his mobile phone, in English', async () => {
  const { server } = env;
  const page = await browser.newPage();

  await page.goto(server.url('/sign-in'));
  assert.equal(await page.locator('h1').textContent(), 'Sign in');
  await signIn(page, server, 'bob@contoso.example');
  assert.equal(await page.locator('h1').textContent(), 'Security info');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await assertLanguageSwitchShowsPageLanguage(page);
  assert.equal(await page.locator('#default-current').textContent(), 'You have no sign-in method yet.');
  await checkA11y(page, 'security info (empty)');

  await clickAndWaitForNavigation(page, page.getByRole('link', { name: '+ Add method' }));
  await page.getByLabel('Which method would you like to add?').selectOption({ label: 'Phone' });
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Add' }));
  assert.equal(await page.locator('h2').textContent(), 'Set up your phone');
  assert.equal(await page.locator('#region').inputValue(), 'US', 'the country follows the browser (en-US)');
  assert.equal(await page.getByLabel('Mobile phone', { exact: true }).isChecked(), true, 'Mobile phone is the first choice');
  await checkA11y(page, 'phone wizard');
  await screenshot(page, NAME, 'wizard-empty');

  await page.getByLabel('Country or region').selectOption({ label: 'United States (+1)' });
  await page.getByLabel('Phone number').fill('+1 425 555 0100 x123');
  await page.getByLabel('Mobile phone', { exact: true }).check();
  await page.getByLabel('Call me').check();
  await screenshot(page, NAME, 'wizard-filled');
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Next' }));

  assert.equal(
    await page.locator('#extension-notice').textContent(),
    'Extensions are not supported: we removed the extension 123 from the number.',
  );
  assert.match(await page.locator('main').innerText(), /We're calling \+1 425-555-0100\./);
  await waitForCallStatus(page, 'Your phone is ringing. Answer it.');
  await checkA11y(page, 'call page (ringing)');
  await screenshot(page, NAME, 'call-ringing');

  const phone = await browser.newPage();
  await openRingingPhone(phone, server, '+14255550100');
  assert.equal(await phone.locator('h1').textContent(), 'Phone +1 425-555-0100');
  await clickAndWaitForNavigation(phone, phone.getByRole('button', { name: 'Answer' }));
  assert.match(await phone.locator('#prompt').textContent(), /To finish your verification, press the pound key/);
  await checkA11y(phone, 'sim phone (answered)');
  await waitForCallStatus(page, 'Press the pound key (#) on your phone to finish.');
  await screenshot(page, NAME, 'call-answered');
  assert.equal(await phone.getByRole('button', { name: 'pound key (#)' }).count(), 1);
  await pressKey(phone, '#');

  await pollUntil(() => page.locator('#done').isVisible(), { timeout: 15_000, message: 'the success page' });
  assert.equal(await page.locator('#call-status').textContent(), 'Call answered. Your phone was registered successfully.');
  assert.equal((await page.locator('.registered').textContent()).trim(), 'Mobile phone: +1 425-555-0100');
  await checkA11y(page, 'call page (confirmed)');
  await screenshot(page, NAME, 'call-confirmed');

  await clickAndWaitForNavigation(page, page.getByRole('link', { name: 'Done' }));
  assert.deepEqual(await listedMethods(page), ['Mobile phone|+1 425-555-0100']);
  assert.equal(await page.locator('#default-current').textContent(), 'Mobile phone — call +1 425-555-0100');
  assert.equal(await page.getByRole('link', { name: 'Change Mobile phone +1 425-555-0100' }).count(), 1);
  assert.equal(await page.getByRole('link', { name: 'Delete Mobile phone +1 425-555-0100' }).count(), 1);
  await checkA11y(page, 'security info (one phone)');
  await screenshot(page, NAME, 'security-info-listed');
});

test('axe: no serious or critical violation on any page that loaded', async () => {
  await a11y.assertClean();
});
