// The organization's policy decides which methods people may add: with phones disallowed, Add
// method offers no phone, the wizard answers 403, and a wizard opened before the change can no
// longer place a call.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkEveryPage,
  checkA11y,
  clickAndWaitForNavigation,
  launchBrowser,
  screenshot,
  signIn,
  startSeededServer,
  TENANT,
} from './lib/harness.mjs';

const NAME = 'policy';
let env;
let browser;
let a11y; // axe on every page that loads
let page;

before(async () => {
  env = await startSeededServer({ users: [{ email: 'ana@contoso.example', name: 'Ana Lima', locale: 'fr' }] });
  browser = await launchBrowser(env.dir, { locale: 'fr-FR' });
  a11y = checkEveryPage(browser);
  page = await browser.newPage();
  await signIn(page, env.server, 'ana@contoso.example');
});

after(async () => {
  await browser?.close();
  await env?.stop();
});

test('with phones allowed, Add method offers Téléphone', async () => {
  await page.goto(env.server.url('/security-info/add'));
  assert.deepEqual(await page.locator('#method-select option').allTextContents(), ['Téléphone']);
});

test('with nothing allowed, Add method offers no phone and says why', async () => {
  // A wizard opened before the policy changes...
  const stale = await browser.newPage();
  await stale.goto(env.server.url('/security-info/phone'));

  env.server.admin(['set-methods', '--tenant', TENANT.domain, '--allow', '']);

  await page.goto(env.server.url('/security-info/add'));
  assert.equal(await page.locator('#method-select').count(), 0, 'no method to choose');
  assert.equal(await page.getByText('Téléphone', { exact: true }).count(), 0);
  assert.equal(
    await page.locator('main .message').textContent(),
    "Votre organisation n'autorise aucune méthode que vous pourriez encore ajouter.",
  );
  await checkA11y(page, 'add method (nothing allowed)');
  await screenshot(page, NAME, 'add-method-none');
  await clickAndWaitForNavigation(page, page.getByRole('link', { name: 'Retour' }));
  assert.equal(new URL(page.url()).pathname, '/security-info');

  // ...cannot place a call any more.
  await stale.locator('#number').fill('06 12 34 56 78');
  const posted = stale.waitForResponse((r) => r.request().method() === 'POST');
  await clickAndWaitForNavigation(stale, stale.getByRole('button', { name: 'Suivant' }));
  assert.equal((await posted).status(), 403);
  assert.equal(await stale.locator('main .message').textContent(), "Votre organisation n'autorise pas les téléphones comme informations de sécurité.");
  await stale.goto(env.server.url('/sim'));
  assert.equal(await stale.locator('ul.numbers li').count(), 0, 'no phone was called');
  await stale.close();
});

test('with nothing allowed, the phone wizard answers 403 with the not-allowed message', async () => {
  const response = await page.goto(env.server.url('/security-info/phone'));
  assert.equal(response.status(), 403);
  assert.equal(await page.locator('#number').count(), 0, 'no wizard');
  const message = page.locator('main .message');
  assert.equal(await message.textContent(), "Votre organisation n'autorise pas les téléphones comme informations de sécurité.");
  assert.equal(await message.getAttribute('role'), 'alert');
  await checkA11y(page, 'phone wizard (not allowed)');
  await screenshot(page, NAME, 'phone-not-allowed');
});

test('allowing phones again brings the wizard back', async () => {
  env.server.admin(['set-methods', '--tenant', TENANT.domain, '--allow', 'phone']);
  const response = await page.goto(env.server.url('/security-info/phone'));
  assert.equal(response.status(), 200);
  assert.equal(await page.locator('#number').count(), 1);
});

test('axe: no serious or critical violation on any page that loaded', async () => {
  await a11y.assertClean();
});
