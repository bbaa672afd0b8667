// Numbers the wizard refuses: each gets a clear message next to the field, the field is marked
// invalid for assistive technology, nothing is registered, and no phone is called.
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
} from './lib/harness.mjs';

const NAME = 'invalid_numbers';
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

const cases = [
  { what: 'empty', region: 'FR', number: '', error: 'Saisissez votre numéro de téléphone.' },
  {
    what: 'letters',
    region: 'FR',
    number: '06 12 ab',
    error: 'Un numéro de téléphone ne peut contenir que des chiffres, des espaces et les signes + - ( ).',
  },
  { what: 'too short', region: 'FR', number: '01 23', error: 'Ce numéro de téléphone est trop court.' },
  {
    what: 'not valid for the chosen region',
    region: 'US',
    number: '123 456 7890',
    error: "Ce numéro de téléphone n'est pas valide pour : États-Unis.",
  },
];

for (const c of cases) {
  test(`${c.what}: "${c.number}" is refused with a message next to the field`, async () => {
    const response = await page.goto(env.server.url('/security-info/phone'));
    assert.equal(response.status(), 200);
    await page.getByLabel('Autre téléphone mobile').check();
    await page.locator('#region').selectOption(c.region);
    await page.getByLabel('Numéro de téléphone').fill(c.number);
    const submitted = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/security-info/phone'));
    await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Suivant' }));
    assert.equal((await submitted).status(), 400);

    // Still the wizard, with what was typed and chosen kept.
    assert.equal(new URL(page.url()).pathname, '/security-info/phone');
    const number = page.getByLabel('Numéro de téléphone');
    assert.equal(await number.inputValue(), c.number);
    assert.equal(await page.locator('#region').inputValue(), c.region);
    assert.equal(await page.getByLabel('Autre téléphone mobile').isChecked(), true);

    // The message, next to the field and tied to it.
    const error = page.locator('#number-error');
    assert.equal(await error.textContent(), c.error);
    assert.equal(await error.getAttribute('role'), 'alert');
    assert.equal(await number.getAttribute('aria-invalid'), 'true');
    assert.ok((await number.getAttribute('aria-describedby')).split(' ').includes('number-error'));
    const sameField = await page.evaluate(() => document.querySelector('#number').closest('.field').contains(document.querySelector('#number-error')));
    assert.ok(sameField, 'the message is in the same field as the input');
    assert.equal(await page.locator('.error').count(), 1, 'one message only');

    await checkA11y(page, `phone wizard with an error (${c.what})`);
    await screenshot(page, NAME, c.what.replace(/ /g, '-'));
  });
}

test('a corrected number clears the error', async () => {
  // Refused once, then corrected in the same form: the call is placed (and cancelled here).
  await page.goto(env.server.url('/security-info/phone'));
  await page.getByLabel('Numéro de téléphone').fill('01 23');
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Suivant' }));
  assert.equal(await page.locator('#number').getAttribute('aria-invalid'), 'true');
  await page.getByLabel('Numéro de téléphone').fill('01 23 45 67 89');
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Suivant' }));
  assert.match(page.url(), /\/security-info\/phone\/calls\//);
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: "Annuler l'appel" }));
  assert.equal(await page.locator('#call-status').textContent(), "L'appel a été annulé.");
  await checkA11y(page, 'call page (cancelled)');
});

test('nothing was registered, and only the corrected number was called', async () => {
  await page.goto(env.server.url('/security-info'));
  assert.equal(await page.locator('li.method').count(), 0);
  await page.goto(env.server.url('/sim'));
  const called = await page.locator('ul.numbers li').allTextContents();
  assert.deepEqual(called, ['+33 1 23 45 67 89'], 'no call for any refused number');
});

test('axe: no serious or critical violation on any page that loaded', async () => {
  await a11y.assertClean();
});
