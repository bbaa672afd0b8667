// Self-service password reset ("Mot de passe oublié ?" / "Forgot my password?"), on a tenant that
// asks for two methods. The "done means": Ana (French) forgets her password, resets it with
// her mobile (she types the whole number first; a wrong one is refused; the call is answered with
// #) and a code from her authenticator app, signs in with the new password (the old one fails),
// her other browser is signed out, and the reset mail and text reach her. Bruno (English) resets
// with his alternate email's code and his security questions, a wrong answer first. axe runs on
// every page; screenshots in output/password_reset/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PASSWORD,
  checkA11y,
  checkEveryPage,
  clickAndWaitForNavigation,
  launchBrowser,
  openRingingPhone,
  pollUntil,
  pressKey,
  readMail,
  readSms,
  registerPhone,
  screenshot,
  signIn,
  startSeededServer,
} from './lib/harness.mjs';
import { RESET_WORDS, chooseNewPassword, chooseWay, offeredWays, startReset } from './lib/reset_steps.mjs';
import { enrolApp, pathOf, submitPassword, totp, waitForPath } from './lib/sign_in_steps.mjs';

const NAME = 'password_reset';
const ANA = { email: 'ana@contoso.example', name: 'Ana Lima', locale: 'fr' };
const BRUNO = { email: 'bruno@contoso.example', name: 'Bruno Petit', locale: 'en' };
const CARLA = { email: 'carla@contoso.example', name: 'Carla Rossi', locale: 'fr' };
const MOBILE = { number: '06 12 34 56 78', e164: '+33612345678' };
const FR_APP = { name: 'Nom', next: 'Suivant', code: 'Saisissez le code à 6 chiffres' };
const NEW_PASSWORD = 'un voilier bleu sur le Rhône';
const BRUNO_NEW = 'seven purple kites over the harbour';
const ANSWERS = { question_predefined_01: 'Lyon', question_predefined_15: 'Licorice', question_predefined_21: 'Sky blue' };

let env;
let browser;
let a11y;
let page;
let phonePage;
let anaSecret;

before(async () => {
  // Email codes valid 10 minutes instead of 5: the page and the mail must both say the setting.
  env = await startSeededServer(
    { locale: 'fr', allow: 'phone,authenticator,email,questions', users: [ANA, BRUNO, CARLA] },
    { env: { SECINFO_CODES_EMAIL_VALIDITY_SECONDS: '600' } },
  );
  env.server.admin(['set-reset', '--tenant', 'contoso.example', '--methods', '2']);
  browser = await launchBrowser(env.dir, { locale: 'fr-FR' });
  a11y = checkEveryPage(browser);
  page = await browser.newPage();
  phonePage = await browser.newPage();
});

after(async () => {
  await browser?.close();
  await env?.stop();
});

test('the sign-in page and the reset pages show in French', async () => {
  await page.goto(env.server.url('/sign-in'));
  assert.equal(await page.locator('#forgot-password').textContent(), 'Mot de passe oublié ?');
  await clickAndWaitForNavigation(page, page.locator('#forgot-password'));
  assert.equal(await page.locator('h1').textContent(), 'Récupérer votre compte');
  await checkA11y(page, 'reset start (fr)');
});

test('in French, Ana registers her mobile (call + #) and an authenticator app', async () => {
  const { server } = env;
  await signIn(page, server, ANA.email);
  await page.goto(server.url('/security-info/phone'));
  await registerPhone(page, phonePage, server, { type: 'mobile', region: 'FR', number: MOBILE.number, e164: MOBILE.e164 });
  assert.equal(await page.locator('#call').getAttribute('data-state'), 'confirmed');
  anaSecret = await enrolApp(page, server, NAME, 'Téléphone pro', FR_APP);
});

test('done means: Ana resets her password with her phone (#) and an app code, in French', async () => {
  const { server } = env;
  // Another browser where Ana is signed in: the reset must sign it out.
  const other = await launchBrowser(env.dir, { locale: 'fr-FR' });
  const otherPage = await other.newPage();
  await signIn(otherPage, server, ANA.email);

  await startReset(page, env.server, ANA.email, RESET_WORDS.fr);
  assert.equal(await page.locator('h1').textContent(), 'Étape de vérification 1');
  const offered = await offeredWays(page);
  assert.ok(offered.includes('Appeler mon téléphone mobile'), offered.join(' / '));
  assert.ok(offered.includes("Entrer un code à partir de mon application d'authentification"), offered.join(' / '));
  assert.ok(offered.includes("Approuver une notification sur mon application d'authentification"), 'push is offered when two methods are required');
  await checkA11y(page, 'reset step 1 (fr)');
  await screenshot(page, NAME, 'fr-step-1');

  await chooseWay(page, 'Appeler mon téléphone mobile');
  // A wrong number: refused, and nothing rings.
  await page.locator('#number').fill('+33 6 99 99 99 99');
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Suivant' }));
  assert.match(await page.locator('#reset-error').textContent(), /Ce n'est pas le numéro que nous avons/);
  await checkA11y(page, 'reset number refused (fr)');
  await page.locator('#number').fill(MOBILE.number);
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Suivant' }));
  assert.match(await page.locator('#verify-doing').textContent(), /Nous appelons votre téléphone/);

  await openRingingPhone(phonePage, server, MOBILE.e164);
  await clickAndWaitForNavigation(phonePage, phonePage.locator('#answer'));
  assert.match(await phonePage.locator('#prompt').textContent(), /réinitialise le mot de passe/);
  await pressKey(phonePage, '#');

  // The page goes on by itself to step 2, where the phone is no longer offered.
  await pollUntil(async () => (await page.locator('h1').textContent()) === 'Étape de vérification 2', { timeout: 15_000, message: 'step 2' });
  await page.waitForLoadState('load');
  const second = await offeredWays(page);
  assert.ok(!second.includes('Appeler mon téléphone mobile'), `the phone does not serve step 2: ${second.join(' / ')}`);
  await chooseWay(page, "Entrer un code à partir de mon application d'authentification");
  await checkA11y(page, 'reset app code (fr)');
  await page.locator('#code').fill(totp(anaSecret, Math.floor(Date.now() / 1000) + 30));
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Suivant' }));

  assert.equal(await page.locator('h1').textContent(), 'Choisir un nouveau mot de passe');
  await checkA11y(page, 'reset new password (fr)');
  await chooseNewPassword(page, NEW_PASSWORD);
  assert.equal(await page.locator('h1').textContent(), 'Votre mot de passe a été réinitialisé');
  await checkA11y(page, 'reset done (fr)');
  await screenshot(page, NAME, 'fr-done');

  // The other browser is signed out.
  await otherPage.goto(server.url('/security-info'));
  assert.equal(pathOf(otherPage), '/sign-in');
  await other.close();

  // The old password fails; the new one works.
  await signIn(page, server, ANA.email, PASSWORD, { expectSuccess: false });
  assert.equal(pathOf(page), '/sign-in');
  assert.ok(await page.locator('#sign-in-error').count(), 'the old password is refused');
  await signIn(page, server, ANA.email, NEW_PASSWORD);

  // The mail and the text say it, in French.
  const mail = await pollUntil(async () => (await readMail(server, ANA.email)).find((m) => /réinitialisé/.test(m.subject)), { message: 'the reset mail' });
  assert.match(mail.body, /a été réinitialisé avec vos informations de sécurité/);
  assert.match(mail.body, /Depuis : 127\.0\.0\.1/);
  const text = await pollUntil(async () => (await readSms(server, MOBILE.e164)).find((t) => /réinitialisé/.test(t)), { message: 'the reset text' });
  assert.match(text, /Contoso/);
  const audit = server.audit().map((e) => e.action);
  for (const action of ['reset_start', 'reset_number', 'reset_step', 'reset_finish']) assert.ok(audit.includes(action), `${action} audited`);
});

test('in English, Bruno resets with his alternate email and his security questions; a wrong answer first', async () => {
  const { server } = env;
  // Bruno's browser speaks English.
  const english = await launchBrowser(env.dir, { locale: 'en-US' });
  const englishA11y = checkEveryPage(english);
  const frenchPage = page;
  page = await english.newPage();
  // Bruno registers an email address and three questions.
  await signIn(page, server, BRUNO.email);
  await page.goto(server.url('/security-info/email'));
  await page.locator('#email').fill('bruno.petit@example.org');
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Next' }));
  const code = (await readMail(server, 'bruno.petit@example.org'))[0].body.match(/^ {4}(\d{6})$/m)[1];
  await page.getByLabel('Code', { exact: true }).fill(code);
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Next' }));
  await page.goto(server.url('/security-info/questions'));
  let n = 1;
  for (const [q, a] of Object.entries(ANSWERS)) {
    await page.locator(`#question-${n}`).selectOption(q);
    await page.locator(`#answer-${n}`).fill(a);
    n += 1;
  }
  await clickAndWaitForNavigation(page, page.locator('main form button[type=submit]').last());
  assert.equal(pathOf(page), '/security-info');

  await startReset(page, env.server, BRUNO.email, RESET_WORDS.en);
  assert.equal(await page.locator('h1').textContent(), 'Verification step 1');
  await chooseWay(page, 'Email my alternate email');
  await checkA11y(page, 'reset email code (en)');
  assert.match(await page.locator('main').textContent(), /we sent it a code, valid 10 minutes\./);
  const mail = await pollUntil(async () => (await readMail(server, 'bruno.petit@example.org')).find((m) => m !== undefined && /verification code/.test(m.subject) && m.body.includes('expires in 10 minutes')), { message: 'the reset code' });
  await page.locator('#code').fill(mail.body.match(/^ {4}(\d{6})$/m)[1]);
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Next' }));
  assert.equal(await page.locator('h1').textContent(), 'Verification step 2');
  assert.ok(!(await offeredWays(page)).includes('Email my alternate email'), 'the email does not serve step 2');

  await chooseWay(page, 'Answer my security questions');
  await checkA11y(page, 'reset questions (en)');
  const labels = await page.locator('#reset form label').allTextContents();
  assert.equal(labels.length, 3);
  // One wrong answer: the step fails without saying which.
  for (let i = 0; i < labels.length; i++) await page.locator(`#answer-${i}`).fill(i === 0 ? 'wrong' : 'also wrong');
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Next' }));
  assert.match(await page.locator('#reset-error').textContent(), /That did not work/);
  // The right answers, to the questions asked now (by their English text).
  const keyByText = {};
  await page.goto(server.url('/password-reset/verify'));
  const asked = await page.locator('#reset form label').allTextContents();
  const catalog = JSON.parse(await (await import('node:fs')).promises.readFile(new URL('../../src/i18n/en/questions.json', import.meta.url), 'utf8'));
  for (const [key, text] of Object.entries(catalog)) keyByText[text] = key;
  for (let i = 0; i < asked.length; i++) await page.locator(`#answer-${i}`).fill(ANSWERS[keyByText[asked[i]]]);
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Next' }));
  assert.equal(await page.locator('h1').textContent(), 'Choose a new password');
  await chooseNewPassword(page, BRUNO_NEW);
  assert.equal(await page.locator('h1').textContent(), 'Your password was reset');
  await signIn(page, server, BRUNO.email, BRUNO_NEW);
  const notice = await pollUntil(async () => (await readMail(server, BRUNO.email)).find((m) => /password was reset/.test(m.subject)), { message: 'the reset mail' });
  assert.match(notice.body, /From: 127\.0\.0\.1/);
  await englishA11y.assertClean();
  await english.close();
  page = frenchPage;
});

test('with registration required, signing in asks Carla for enough reset methods; she may skip for now', async () => {
  const { server } = env;
  server.admin(['set-reset', '--tenant', 'contoso.example', '--require-registration', 'on']);
  assert.match(server.admin(['show-policy', '--tenant', 'contoso.example']), /password reset: 2 methods .*registration required at sign-in: on/s);
  await page.context().clearCookies();
  await submitPassword(page, server, CARLA.email);
  await waitForPath(page, '/sign-in/reset-setup');
  assert.equal(await page.locator('h1').textContent(), "Plus d'informations requises");
  assert.match(await page.locator('main').innerText(), /ajoutez encore 2 méthode/);
  await checkA11y(page, 'reset registration interrupt (fr)');
  await clickAndWaitForNavigation(page, page.locator('#reset-setup-skip'));
  assert.equal(pathOf(page), '/security-info');
  // Ana has two methods: she is not asked.
  await page.context().clearCookies();
  await submitPassword(page, server, ANA.email, NEW_PASSWORD);
  await waitForPath(page, '/security-info');
  server.admin(['set-reset', '--tenant', 'contoso.example', '--require-registration', 'off']);
});

test('axe found nothing serious on any page', async () => {
  await a11y.assertClean();
});
