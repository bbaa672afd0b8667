// A 360-px-wide phone screen: every page of the registration fits without scrolling sideways.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkEveryPage,
  checkA11y,
  clickAndWaitForNavigation,
  launchBrowser,
  openRingingPhone,
  pressKey,
  pollUntil,
  screenshot,
  signIn,
  startSeededServer,
  submitPhoneWizard,
} from './lib/harness.mjs';

const NAME = 'small_screen';
const WIDTH = 360;
let env;
let browser;
let a11y; // axe on every page that loads
let page;

before(async () => {
  env = await startSeededServer({
    users: [{ email: 'maria.de.los.angeles.fernandez@contoso.example', name: 'María de los Ángeles Fernández-Villanueva', locale: 'fr' }],
  });
  browser = await launchBrowser(env.dir, { locale: 'fr-FR', viewport: { width: WIDTH, height: 740 }, isMobile: true, hasTouch: true });
  a11y = checkEveryPage(browser);
  page = await browser.newPage();
});

after(async () => {
  await browser?.close();
  await env?.stop();
});

/** The page fits the screen's width; saves a screenshot of it. */
async function fits(p, step) {
  const { scrollWidth, clientWidth } = await p.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  await screenshot(p, NAME, step);
  assert.ok(scrollWidth <= WIDTH, `${step}: the page is ${scrollWidth} px wide on a ${WIDTH}-px screen (client ${clientWidth})`);
}

test('sign-in, Security info, Add method and the wizard fit 360 px', async () => {
  await page.goto(env.server.url('/sign-in'));
  await fits(page, 'sign-in');
  await signIn(page, env.server, 'maria.de.los.angeles.fernandez@contoso.example');
  await fits(page, 'security-info-empty');
  await page.goto(env.server.url('/security-info/add'));
  await fits(page, 'add-method');
  await page.goto(env.server.url('/security-info/phone'));
  await fits(page, 'wizard');
  await page.locator('#region').selectOption('VC'); // the longest names are in the list
  await page.locator('#number').fill('06 12 ab');
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Suivant' }));
  assert.equal(await page.locator('#number').getAttribute('aria-invalid'), 'true');
  await fits(page, 'wizard-error');
  await checkA11y(page, 'wizard with an error (360 px)');
});

test('the call, the phone and Security info with a phone fit 360 px', async () => {
  await page.goto(env.server.url('/security-info/phone'));
  await submitPhoneWizard(page, { type: 'alternate_mobile', region: 'FR', number: '+33 6 12 34 56 78 poste 4321' });
  assert.match(await page.locator('#extension-notice').textContent(), /4321/);
  await fits(page, 'call-ringing');

  const phone = await browser.newPage();
  await openRingingPhone(phone, env.server, '+33612345678');
  await fits(phone, 'phone-ringing');
  await clickAndWaitForNavigation(phone, phone.locator('#answer'));
  await fits(phone, 'phone-answered');
  await pressKey(phone, '#');

  await pollUntil(() => page.locator('#done').isVisible(), { timeout: 15_000, message: 'the success page' });
  await fits(page, 'call-confirmed');
  await clickAndWaitForNavigation(page, page.locator('#done'));
  assert.equal(await page.locator('li.method').count(), 1);
  await page.locator('.default-method summary').click();
  await fits(page, 'security-info-listed');
  await checkA11y(page, 'security info (360 px)');
});

test('axe: no serious or critical violation on any page that loaded', async () => {
  await a11y.assertClean();
});
