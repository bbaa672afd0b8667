// A French-speaking person registers her office phone: sign in, Security info, Add method,
// the phone wizard with an extension in the number, the call, # on the phone, success.
// axe runs on every page on the way; each step is saved as a screenshot.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkEveryPage,
  checkA11y,
  launchBrowser,
  listedMethods,
  openRingingPhone,
  pollUntil,
  pressKey,
  screenshot,
  signIn,
  startSeededServer,
  waitForCallStatus,
  clickAndWaitForNavigation,
  simPhonePath,
} from './lib/harness.mjs';

const NAME = 'register_phone_fr';
let env;
let browser;
let a11y; // axe on every page that loads

before(async () => {
  env = await startSeededServer({ users: [{ email: 'ana@contoso.example', name: 'Ana Lima', locale: 'fr' }] });
  browser = await launchBrowser(env.dir, { locale: 'fr-FR' });
  a11y = checkEveryPage(browser);
});

after(async () => {
  await browser?.close();
  await env?.stop();
});

test('Ana registers +33 4 25 55 51 23-12345 as her office phone, in French', async () => {
  const { server } = env;
  const page = await browser.newPage();

  // Sign in.
  await page.goto(server.url('/sign-in'));
  assert.equal(await page.locator('h1').textContent(), 'Connexion');
  await checkA11y(page, 'sign-in');
  await screenshot(page, NAME, 'sign-in');
  await signIn(page, server, 'ana@contoso.example');

  // Security info, empty.
  assert.equal(await page.locator('h1').textContent(), 'Informations de sécurité');
  assert.equal(await page.getAttribute('html', 'lang'), 'fr');
  assert.match(await page.locator('main').innerText(), /Aucune méthode pour l'instant/);
  await checkA11y(page, 'security info (empty)');
  await screenshot(page, NAME, 'security-info-empty');

  // Add method → Téléphone.
  await clickAndWaitForNavigation(page, page.getByRole('link', { name: '+ Ajouter une méthode' }));
  assert.equal(await page.locator('h1').textContent(), 'Ajouter une méthode');
  await page.getByLabel('Quelle méthode voulez-vous ajouter ?').selectOption({ label: 'Téléphone' });
  await checkA11y(page, 'add method');
  await screenshot(page, NAME, 'add-method');
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Ajouter' }));

  // The wizard.
  assert.equal(new URL(page.url()).pathname, '/security-info/phone');
  assert.equal(await page.locator('h2').textContent(), 'Configurer votre téléphone');
  assert.equal(await page.locator('#region').inputValue(), 'FR', 'the organization is in France');
  await checkA11y(page, 'phone wizard');
  await screenshot(page, NAME, 'wizard-empty');
  await page.getByLabel('Pays ou région').selectOption({ label: 'France (+33)' });
  await page.getByLabel('Numéro de téléphone').fill('+33 4 25 55 51 23-12345');
  await page.getByLabel('Téléphone de bureau').check();
  await page.getByLabel("M'appeler").check();
  await screenshot(page, NAME, 'wizard-filled');
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Suivant' }));

  // The call page: the extension was removed, and the phone rings.
  assert.match(page.url(), /\/security-info\/phone\/calls\/[^/?]+\?ext=12345$/);
  const notice = await page.locator('#extension-notice').textContent();
  assert.match(notice, /extensions ne sont pas prises en charge/);
  assert.match(notice, /12345/);
  assert.match(await page.locator('main').innerText(), /Nous appelons le \+33 4 25 55 51 23\./);
  await waitForCallStatus(page, 'Votre téléphone sonne');
  await checkA11y(page, 'call page (ringing)');
  await screenshot(page, NAME, 'call-ringing');

  // The phone, in a second page: it rings; answer it.
  const phone = await browser.newPage();
  await openRingingPhone(phone, server, '+33425555123');
  assert.match(await phone.locator('.ringing').textContent(), /Appel entrant de/);
  await checkA11y(phone, 'sim phone (ringing)');
  await screenshot(phone, NAME, 'phone-ringing');
  await clickAndWaitForNavigation(phone, phone.getByRole('button', { name: 'Répondre' }));
  const prompt = await phone.locator('#prompt').textContent();
  assert.match(prompt, /Contoso/);
  assert.match(prompt, /touche dièse/);
  assert.equal(await phone.locator('#prompt').getAttribute('lang'), 'fr');
  await checkA11y(phone, 'sim phone (answered)');
  await screenshot(phone, NAME, 'phone-answered');

  // The wizard page follows by itself.
  await waitForCallStatus(page, 'Appuyez sur la touche dièse (#)');
  await checkA11y(page, 'call page (answered)');
  await screenshot(page, NAME, 'call-answered');

  // Press # (the key is named for screen readers).
  await pressKey(phone, '#');
  assert.equal(await phone.getByRole('button', { name: 'touche dièse (#)' }).count(), 0, 'the call has ended');
  assert.match(await phone.locator('main').innerText(), /Aucun appel pour le moment/);

  // Success, without the test reloading the wizard page: it polls, then reloads itself.
  await pollUntil(() => page.locator('#done').isVisible(), { timeout: 15_000, message: 'the success page' });
  assert.match(await page.locator('#call-status').textContent(), /Votre téléphone a bien été enregistré/);
  assert.equal((await page.locator('.registered').textContent()).trim(), 'Téléphone de bureau : +33 4 25 55 51 23');
  await checkA11y(page, 'call page (confirmed)');
  await screenshot(page, NAME, 'call-confirmed');

  // Security info lists it, and it became the default sign-in method.
  await clickAndWaitForNavigation(page, page.getByRole('link', { name: 'Terminé' }));
  assert.equal(new URL(page.url()).pathname, '/security-info');
  assert.deepEqual(await listedMethods(page), ['Téléphone de bureau|+33 4 25 55 51 23']);
  assert.equal(await page.locator('#default-current').textContent(), 'Téléphone de bureau — +33 4 25 55 51 23');
  await checkA11y(page, 'security info (one phone)');
  await screenshot(page, NAME, 'security-info-listed');

  // The simulated network lists the number it called, and the audit log has the registration.
  await phone.goto(server.url('/sim'));
  assert.equal(await phone.getByRole('link', { name: '+33 4 25 55 51 23' }).getAttribute('href'), simPhonePath('+33425555123'));
  await checkA11y(phone, 'sim home');
  await screenshot(phone, NAME, 'sim-home');
  const audit = server.audit();
  assert.ok(
    audit.some((e) => e.action === 'method_register' && e.result === 'success' && e.method === 'phone:office'),
    `audit log has the registration:\n${audit.map((e) => e.line).join('\n')}`,
  );
});

test('axe: no serious or critical violation on any page that loaded', async () => {
  await a11y.assertClean();
});
