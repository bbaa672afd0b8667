// Managing registered phones: change a number (re-verified by a call), add a second phone, choose
// the default sign-in method, delete with a confirmation page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkEveryPage,
  checkA11y,
  clickAndWaitForNavigation,
  launchBrowser,
  listedMethods,
  registerPhone,
  screenshot,
  signIn,
  startSeededServer,
} from './lib/harness.mjs';

const NAME = 'manage_phones';
let env;
let browser;
let a11y; // axe on every page that loads
let page;
let phone;

before(async () => {
  env = await startSeededServer({ users: [{ email: 'ana@contoso.example', name: 'Ana Lima', locale: 'fr' }] });
  browser = await launchBrowser(env.dir, { locale: 'fr-FR' });
  a11y = checkEveryPage(browser);
  page = await browser.newPage();
  phone = await browser.newPage();
  await signIn(page, env.server, 'ana@contoso.example');
});

after(async () => {
  await browser?.close();
  await env?.stop();
});

async function securityInfo() {
  await page.goto(env.server.url('/security-info'));
  return listedMethods(page);
}

test('a registered mobile phone becomes the default sign-in method', async () => {
  await page.goto(env.server.url('/security-info/phone'));
  await registerPhone(page, phone, env.server, { type: 'mobile', region: 'FR', number: '06 12 34 56 78', e164: '+33612345678' });
  assert.equal(await page.locator('#call').getAttribute('data-state'), 'confirmed');
  assert.deepEqual(await securityInfo(), ['Téléphone mobile|+33 6 12 34 56 78']);
  assert.equal(await page.locator('#default-current').textContent(), 'Téléphone mobile — appel au +33 6 12 34 56 78');
});

test('with two phones, the default sign-in method can be changed', async () => {
  await page.goto(env.server.url('/security-info/add'));
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Ajouter' }));
  // The mobile phone is taken: the wizard offers only the other types.
  const types = await page.locator('input[name=phone_type]').evaluateAll((radios) => radios.map((r) => r.value));
  assert.deepEqual(types, ['alternate_mobile', 'office']);
  await registerPhone(page, phone, env.server, { type: 'office', region: 'FR', number: '04 25 55 51 23', e164: '+33425555123' });
  assert.equal(await page.locator('#call').getAttribute('data-state'), 'confirmed');

  assert.deepEqual(await securityInfo(), ['Téléphone mobile|+33 6 12 34 56 78', 'Téléphone de bureau|+33 4 25 55 51 23']);
  assert.equal(await page.locator('#default-current').textContent(), 'Téléphone mobile — appel au +33 6 12 34 56 78', 'the first phone stays the default');

  await page.locator('.default-method summary').click();
  const select = page.getByLabel('Méthode de connexion par défaut');
  assert.deepEqual(await select.locator('option').allTextContents(), [
    'Téléphone mobile — appel au +33 6 12 34 56 78',
    'Téléphone mobile — SMS au +33 6 12 34 56 78',
    'Téléphone de bureau — +33 4 25 55 51 23',
  ]);
  await select.selectOption({ label: 'Téléphone de bureau — +33 4 25 55 51 23' });
  await checkA11y(page, 'security info (two phones, default choice open)');
  await screenshot(page, NAME, 'default-choice');
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Enregistrer' }));
  assert.equal(await page.locator('.notice').textContent(), 'Votre méthode de connexion par défaut a été modifiée.');
  assert.equal(await page.locator('#default-current').textContent(), 'Téléphone de bureau — +33 4 25 55 51 23');
  assert.ok(env.server.audit().some((e) => e.action === 'default_change' && e.method === 'phone:office'));
});

test('Supprimer asks for confirmation; Annuler keeps the phone, Supprimer removes it', async () => {
  await securityInfo();
  const deleteLink = page.getByRole('link', { name: 'Supprimer Téléphone de bureau +33 4 25 55 51 23' });
  await clickAndWaitForNavigation(page, deleteLink);
  assert.equal(await page.locator('h1').textContent(), 'Supprimer cette méthode ?');
  assert.equal(
    await page.locator('#delete-question').textContent(),
    "Voulez-vous vraiment supprimer Téléphone de bureau +33 4 25 55 51 23 ? Vous ne pourrez plus l'utiliser pour prouver votre identité.",
  );
  await checkA11y(page, 'delete confirmation');
  await screenshot(page, NAME, 'delete-confirmation');

  await clickAndWaitForNavigation(page, page.getByRole('link', { name: 'Annuler' }));
  assert.equal((await listedMethods(page)).length, 2, 'Annuler deletes nothing');

  await clickAndWaitForNavigation(page, deleteLink);
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Supprimer' }));
  assert.equal(new URL(page.url()).pathname, '/security-info');
  assert.equal(await page.locator('.notice').textContent(), 'La méthode a été supprimée.');
  assert.deepEqual(await listedMethods(page), ['Téléphone mobile|+33 6 12 34 56 78']);
  await checkA11y(page, 'security info (after delete)');
  await screenshot(page, NAME, 'after-delete');
  assert.ok(env.server.audit().some((e) => e.action === 'method_delete' && e.detail === '+33 4 25 55 51 23'));
  // The deleted phone was the default: the phone left takes its place.
  assert.equal(
    await page.locator('#default-current').textContent(),
    'Téléphone mobile — appel au +33 6 12 34 56 78',
    'a person with a phone left is never told they have no sign-in method',
  );
});

test('Modifier changes the number after a call to the new one', async () => {
  await securityInfo();
  await clickAndWaitForNavigation(page, page.getByRole('link', { name: 'Modifier Téléphone mobile +33 6 12 34 56 78' }));
  assert.equal(new URL(page.url()).pathname, '/security-info/phone');
  // The type is fixed when changing: no radios, the type is stated.
  assert.equal(await page.locator('input[name=phone_type]').count(), 0);
  assert.match(await page.locator('main form').innerText(), /De quel téléphone s'agit-il \? Téléphone mobile/);
  await checkA11y(page, 'phone wizard (change)');
  await screenshot(page, NAME, 'change-wizard');

  await registerPhone(page, phone, env.server, { region: 'FR', number: '06 98 76 54 32', e164: '+33698765432' });
  assert.equal(await page.locator('#call').getAttribute('data-state'), 'confirmed');
  assert.equal((await page.locator('.registered').textContent()).trim(), 'Téléphone mobile : +33 6 98 76 54 32');

  assert.deepEqual(await securityInfo(), ['Téléphone mobile|+33 6 98 76 54 32'], 'the old number is gone');
  assert.equal(await page.locator('#default-current').textContent(), 'Téléphone mobile — appel au +33 6 98 76 54 32');
  assert.ok(env.server.audit().some((e) => e.action === 'method_change' && e.result === 'success'));
});

test('axe: no serious or critical violation on any page that loaded', async () => {
  await a11y.assertClean();
});
