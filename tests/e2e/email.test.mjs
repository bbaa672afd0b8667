// The email method (password reset only): Add method → Email, an address, the code that arrives in
// the simulated mailbox, typed back. Listed as usable for password reset only, never offered as the
// default sign-in method. An invalid address gets a message next to the field and no mail. Then the
// organization's policy: with phones only, Add method offers neither email nor an authenticator
// app, and their pages answer 403 with the not-allowed message.
// Ana in French, Ben in English. axe runs on every page; each step is a screenshot.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TENANT,
  checkA11y,
  checkEveryPage,
  clickAndWaitForNavigation,
  launchBrowser,
  listedMethods,
  postFormInPage,
  readMail,
  registerPhone,
  screenshot,
  signIn,
  startSeededServer,
} from './lib/harness.mjs';

const NAME = 'email';
let env;
let browser;
let a11y;
let page;

before(async () => {
  env = await startSeededServer({
    allow: 'phone,email,authenticator',
    users: [
      { email: 'ana@contoso.example', name: 'Ana Lima', locale: 'fr' },
      { email: 'ben@contoso.example', name: 'Ben Smith', locale: 'en' },
    ],
  });
  browser = await launchBrowser(env.dir, { locale: 'fr-FR' });
  a11y = checkEveryPage(browser);
  page = await browser.newPage();
});

after(async () => {
  await browser?.close();
  await env?.stop();
});

/** Types `address` in the email form and submits it; returns the POST's status. */
async function submitAddress(page, address, next) {
  await page.locator('#email').fill(address);
  const submitted = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/security-info/email');
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: next }));
  return (await submitted).status();
}

/** Types `code` in the code page and submits it; returns the POST's status. */
async function typeCode(page, code, next) {
  await page.getByLabel('Code', { exact: true }).fill(code);
  const submitted = page.waitForResponse((r) => r.request().method() === 'POST' && /^\/security-info\/codes\/[^/]+$/.test(new URL(r.url()).pathname));
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: next }));
  return (await submitted).status();
}

/** The code in a mail's text: alone on its line, indented. */
function codeIn(body) {
  const m = body.match(/^ {4}(\d{6})$/m);
  assert.ok(m, `a 6-digit code in the mail:\n${body}`);
  return m[1];
}

/** Add method → `label` → Add (`add`). */
async function addMethod(page, server, { add, question, label }) {
  await page.goto(server.url('/security-info'));
  await clickAndWaitForNavigation(page, page.locator('#add-method'));
  await page.getByLabel(question).selectOption({ label });
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: add }));
}

test('in French, an invalid address is refused next to the field and nothing is sent', async () => {
  const { server } = env;
  await signIn(page, server, 'ana@contoso.example');
  await addMethod(page, server, { add: 'Ajouter', question: 'Quelle méthode voulez-vous ajouter ?', label: 'Adresse e-mail' });
  assert.equal(new URL(page.url()).pathname, '/security-info/email');
  assert.equal(await page.locator('h2').textContent(), 'Configurer votre adresse e-mail');
  assert.match(await page.locator('main').innerText(), /pas à la vérification en deux étapes/);
  await checkA11y(page, 'email form');
  await screenshot(page, NAME, 'fr-email-form');

  assert.equal(await submitAddress(page, 'ana@', 'Suivant'), 400);
  assert.equal(new URL(page.url()).pathname, '/security-info/email');
  const field = page.getByLabel('Adresse e-mail');
  assert.equal(await field.inputValue(), 'ana@', 'what was typed is kept');
  assert.equal(await page.locator('#email-error').textContent(), 'Saisissez une adresse e-mail comme ana@example.org.');
  assert.equal(await page.locator('#email-error').getAttribute('role'), 'alert');
  assert.equal(await field.getAttribute('aria-invalid'), 'true');
  assert.equal(await field.getAttribute('aria-describedby'), 'email-error');
  assert.ok(await page.evaluate(() => document.querySelector('#email').closest('.field').contains(document.querySelector('#email-error'))), 'the message is next to the field');
  await checkA11y(page, 'email form (invalid address)');
  await screenshot(page, NAME, 'fr-invalid-address');

  // No mail went anywhere.
  assert.deepEqual(await readMail(server, 'ana@'), []);
  const inbox = await browser.newPage();
  await inbox.goto(server.url('/sim/inbox'));
  assert.equal(await inbox.locator('h1').textContent(), 'Boîtes aux lettres simulées');
  assert.match(await inbox.locator('main').innerText(), /Aucun e-mail pour le moment\./);
  await checkA11y(inbox, 'sim inbox (empty)');
  await screenshot(inbox, NAME, 'fr-inbox-empty');
  await inbox.close();
  assert.ok(!server.audit().some((e) => e.action === 'code_send'), 'no code_send in the audit log');
});

test('in French, Ana adds her personal address with the code from the mail; it serves password reset only', async () => {
  const { server } = env;
  const address = 'ana.lima@example.org';
  await addMethod(page, server, { add: 'Ajouter', question: 'Quelle méthode voulez-vous ajouter ?', label: 'Adresse e-mail' });
  assert.equal(await submitAddress(page, address, 'Suivant'), 303);
  assert.match(new URL(page.url()).pathname, /^\/security-info\/codes\/[^/]+$/);
  assert.equal(await page.locator('h1').textContent(), 'Adresse e-mail');
  assert.equal(await page.locator('#code-sent').textContent(), `Nous venons d'envoyer un code à 6 chiffres à ${address}. Saisissez-le ci-dessous.`);
  await checkA11y(page, 'code page (email)');
  await screenshot(page, NAME, 'fr-code-page');

  // The simulated mailbox: listed in the inbox, one mail, French subject with its accents.
  const inbox = await browser.newPage();
  await inbox.goto(server.url('/sim/inbox'));
  await clickAndWaitForNavigation(inbox, inbox.getByRole('link', { name: address }));
  assert.equal(await inbox.locator('h1').textContent(), `Boîte aux lettres ${address}`);
  assert.equal(await inbox.locator('li.mail').count(), 1);
  assert.equal(await inbox.locator('.mail-subject').textContent(), 'Votre code de vérification Contoso');
  const body = await inbox.locator('.mail-body').textContent();
  assert.match(body, /^Bonjour,/);
  assert.match(body, /vos informations de sécurité chez Contoso/);
  assert.match(body, /Il expire dans 5 minutes\./);
  const code = codeIn(body);
  assert.match(await inbox.locator('li.mail .hint').textContent(), /^De Contoso/);
  const mails = await readMail(server, address);
  assert.deepEqual(mails.map((m) => [m.subject, m.body]), [['Votre code de vérification Contoso', body]], 'readMail reads the same mail');
  await checkA11y(inbox, 'sim mailbox');
  await screenshot(inbox, NAME, 'fr-mailbox');
  await inbox.close();

  assert.equal(await typeCode(page, code, 'Suivant'), 303);
  assert.equal(await page.locator('#code-status').textContent(), `Méthode enregistrée : Adresse e-mail ${address}.`);
  await checkA11y(page, 'code page (email registered)');
  await screenshot(page, NAME, 'fr-registered');

  await clickAndWaitForNavigation(page, page.getByRole('link', { name: 'Terminé' }));
  assert.equal(new URL(page.url()).pathname, '/security-info');
  assert.deepEqual(await listedMethods(page), [`Adresse e-mail|${address}`]);
  assert.equal(await page.locator('li.method .method-usable').textContent(), 'Utilisable pour : réinitialisation du mot de passe');
  // Not a sign-in method: not the default, and nothing to choose as default.
  assert.equal(await page.locator('#default-current').textContent(), "Vous n'avez encore aucune méthode de connexion.");
  assert.equal(await page.locator('#default-select').count(), 0);
  await checkA11y(page, 'security info (email)');
  await screenshot(page, NAME, 'fr-security-info-email');

  const audit = server.audit();
  assert.ok(audit.some((e) => e.action === 'method_register' && e.result === 'success' && e.method === 'email by email'), audit.map((e) => e.line).join('\n'));
});

test('in French, with a phone added too, the email is still not offered as the default sign-in method', async () => {
  const { server } = env;
  await addMethod(page, server, { add: 'Ajouter', question: 'Quelle méthode voulez-vous ajouter ?', label: 'Téléphone' });
  const phone = await browser.newPage();
  await registerPhone(page, phone, server, { type: 'mobile', region: 'FR', number: '06 12 34 56 78', e164: '+33612345678' });
  await phone.close();
  assert.equal(await page.locator('#call').getAttribute('data-state'), 'confirmed');
  await page.goto(server.url('/security-info'));

  const rows = await page.locator('li.method').evaluateAll((rows) =>
    rows.map((r) => [r.querySelector('.method-label').textContent.trim(), r.querySelector('.method-usable')?.textContent.trim()]),
  );
  const byLabel = Object.fromEntries(rows);
  assert.equal(byLabel['Adresse e-mail'], 'Utilisable pour : réinitialisation du mot de passe');
  assert.match(byLabel['Téléphone mobile'], /vérification en deux étapes/);
  await page.locator('.default-method summary').click();
  const options = await page.locator('#default-select option').allTextContents();
  assert.deepEqual(options, ['Téléphone mobile — appel au +33 6 12 34 56 78', 'Téléphone mobile — SMS au +33 6 12 34 56 78']);
  assert.ok(!options.some((o) => /e-mail|@/.test(o)), `no email among ${options}`);
  await checkA11y(page, 'security info (email and phone, default select open)');
  await screenshot(page, NAME, 'fr-default-select');

  // A second address is refused: there is one email method, to change instead.
  await page.goto(server.url('/security-info/email'));
  assert.equal(await submitAddress(page, 'ana.autre@example.org', 'Suivant'), 400);
  assert.equal(await page.locator('#email-error').textContent(), 'Vous avez déjà une adresse e-mail. Modifiez-la plutôt depuis les informations de sécurité.');
  assert.deepEqual(await readMail(server, 'ana.autre@example.org'), []);
  await checkA11y(page, 'email form (already has one)');
  await screenshot(page, NAME, 'fr-second-address-refused');
});

test('in English, Ben adds his address; the mail and the page are in English', async () => {
  const { server } = env;
  const address = 'ben@example.org';
  await browser.clearCookies();
  await signIn(page, server, 'ben@contoso.example');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await addMethod(page, server, { add: 'Add', question: 'Which method would you like to add?', label: 'Email' });
  assert.equal(new URL(page.url()).pathname, '/security-info/email');
  assert.equal(await page.locator('h2').textContent(), 'Set up your email');
  await checkA11y(page, 'email form (English)');

  assert.equal(await submitAddress(page, 'ana@', 'Next'), 400);
  assert.equal(await page.locator('#email-error').textContent(), 'Enter an email address like ana@example.org.');
  await screenshot(page, NAME, 'en-invalid-address');

  assert.equal(await submitAddress(page, address, 'Next'), 303);
  assert.equal(await page.locator('#code-sent').textContent(), `We just sent a 6-digit code to ${address}. Enter it below.`);
  await screenshot(page, NAME, 'en-code-page');

  const inbox = await browser.newPage();
  await inbox.goto(server.url(`/sim/inbox/${encodeURIComponent(address)}`));
  assert.equal(await inbox.locator('h1').textContent(), `Mailbox ${address}`);
  assert.equal(await inbox.locator('.mail-subject').textContent(), 'Your Contoso verification code');
  const code = codeIn(await inbox.locator('.mail-body').textContent());
  await checkA11y(inbox, 'sim mailbox (English)');
  await screenshot(inbox, NAME, 'en-mailbox');
  await inbox.close();

  assert.equal(await typeCode(page, code, 'Next'), 303);
  assert.equal(await page.locator('#code-status').textContent(), `Registered: Email ${address}.`);
  await screenshot(page, NAME, 'en-registered');
  await clickAndWaitForNavigation(page, page.getByRole('link', { name: 'Done' }));
  assert.deepEqual(await listedMethods(page), [`Email|${address}`]);
  assert.equal(await page.locator('li.method .method-usable').textContent(), 'Can be used for: password reset');
  assert.doesNotMatch(await page.locator('main').innerText(), /two-step verification/);
  assert.equal(await page.locator('#default-current').textContent(), 'You have no sign-in method yet.');
  await checkA11y(page, 'security info (email, English)');
  await screenshot(page, NAME, 'en-security-info');
});

test('in English, with phones only allowed, neither email nor app is offered and their pages answer 403', async () => {
  const { server } = env;
  server.admin(['set-methods', '--tenant', TENANT.domain, '--allow', 'phone']);

  await page.goto(server.url('/security-info/add'));
  const offered = await page.locator('#method-select option').allTextContents();
  assert.deepEqual(offered, ['Phone']);
  await checkA11y(page, 'add method (phones only)');
  await screenshot(page, NAME, 'en-add-method-phones-only');

  const email = await page.goto(server.url('/security-info/email'));
  assert.equal(email.status(), 403);
  assert.equal(await page.locator('#email').count(), 0, 'no email form');
  assert.equal(await page.locator('main .message').getAttribute('role'), 'alert');
  assert.match(await page.locator('main .message').textContent(), /^Your organization does not allow .+ as security info\.$/);
  await checkA11y(page, 'email form (not allowed)');
  await screenshot(page, NAME, 'en-email-not-allowed');

  const csrf = await page.locator('form.lang input[name=csrf]').inputValue();
  const app = await postFormInPage(page, '/security-info/authenticator', { csrf, name: 'My phone' });
  assert.equal(app.status(), 403);
  assert.equal(await page.locator('main .message').textContent(), 'Your organization does not allow authenticator apps as security info.');
  await checkA11y(page, 'authenticator (not allowed)');
  await screenshot(page, NAME, 'en-app-not-allowed');

  // Nothing was started, and what was registered before is still listed.
  await page.goto(server.url('/security-info'));
  assert.deepEqual(await listedMethods(page), ['Email|ben@example.org']);
});

test('the email not-allowed message speaks of email, not of phones', async () => {
  const { server } = env;
  server.admin(['set-methods', '--tenant', TENANT.domain, '--allow', 'phone']);
  const r = await page.goto(server.url('/security-info/email'));
  assert.equal(r.status(), 403);
  const message = await page.locator('main .message').textContent();
  assert.doesNotMatch(message, /phones/, message);
  assert.match(message, /email/i, message);
});

test('the authenticator name page answers 403 when apps are not allowed, like the phone and email pages', async () => {
  const { server } = env;
  server.admin(['set-methods', '--tenant', TENANT.domain, '--allow', 'phone']);
  const r = await page.goto(server.url('/security-info/authenticator'));
  assert.equal(r.status(), 403, `GET /security-info/authenticator answered ${r.status()}: ${await page.locator('main').innerText()}`);
  assert.equal(await page.locator('main .message').textContent(), 'Your organization does not allow authenticator apps as security info.');
});

test('axe: no serious or critical violation on any page that loaded', async () => {
  await a11y.assertClean();
});
