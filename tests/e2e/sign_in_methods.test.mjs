// Signing in with each kind of second step, on a tenant that requires two-step verification for
// everyone. Ana (French) registers a mobile, an email address, security questions and an
// authenticator app; "Se connecter d'une autre façon" lists her phone's call and text and her app,
// never the email or the questions; she signs in with the code texted to the simulated phone,
// then, her app made the default, with oathtool's code, then, a text to her mobile made the
// default, with the code texted at once; "Je ne peux pas utiliser mes méthodes"
// sends her to her administrator. Bruno (English) binds the companion `secinfo authenticator` and
// signs in by approving the pushed number with it. Dan (English) signs in with his app's code
// using the keyboard only. axe runs on every page; screenshots in output/sign_in_methods/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  checkA11y,
  checkEveryPage,
  clickAndWaitForNavigation,
  launchBrowser,
  listedMethods,
  readMail,
  readSms,
  registerPhone,
  screenshot,
  startSeededServer,
} from './lib/harness.mjs';
import {
  Companion,
  VERIFICATION_PATH,
  bindCompanion,
  enrolApp,
  pathOf,
  setSignIn,
  signOut,
  submitPassword,
  totp,
  waitForPath,
  waitForText,
  wrongCode,
} from './lib/sign_in_steps.mjs';

const NAME = 'sign_in_methods';
const ANA = { email: 'ana@contoso.example', name: 'Ana Lima', locale: 'fr' };
const BRUNO = { email: 'bruno@contoso.example', name: 'Bruno Petit', locale: 'en' };
const DAN = { email: 'dan@contoso.example', name: 'Dan Moreau', locale: 'en' };
const MOBILE = { number: '06 12 34 56 78', e164: '+33612345678', masked: '+33 X XX XX XX 78' };
const FR_APP = { name: 'Nom', next: 'Suivant', code: 'Saisissez le code à 6 chiffres' };
const EN_APP = { name: 'Name', next: 'Next', code: 'Enter the 6-digit code' };

let env;
let browser;
let a11y;
let page;
let phonePage;
const secrets = {}; // person → their app's key
const usedStep = new Map(); // key → the last 30-s step whose code was used

before(async () => {
  env = await startSeededServer({ locale: 'fr', allow: 'phone,authenticator,email,questions', users: [ANA, BRUNO, DAN] });
  setSignIn(env.server, ['--mfa', 'all', '--skips', '0']);
  browser = await launchBrowser(env.dir, { locale: 'fr-FR' });
  a11y = checkEveryPage(browser);
  page = await browser.newPage();
  phonePage = await browser.newPage();
});

after(async () => {
  await browser?.close();
  await env?.stop();
});

/**
 * The code the authenticator shows for a step not used yet: now's, or the next one's (the server
 * accepts one step of drift) when now's was used; never one used before (that is refused as a
 * replay).
 */
function freshCode(secret) {
  const now = Math.floor(Date.now() / 1000);
  const step = Math.floor(now / 30);
  const use = Math.max(step, (usedStep.get(secret) ?? -1) + 1);
  assert.ok(use <= step + 1, 'a code is left in the window');
  usedStep.set(secret, use);
  return totp(secret, use * 30);
}

/** The interrupt's first sign-in: password, then "Keep your account secure" → `method`. */
async function startInterrupt(person, method) {
  await browser.clearCookies();
  await submitPassword(page, env.server, person.email);
  await waitForPath(page, '/sign-in/setup');
  await clickAndWaitForNavigation(page, page.getByRole('link', { name: method, exact: true }));
}

/** The labels of the choices "Sign in another way" offers. */
async function otherWays() {
  await clickAndWaitForNavigation(page, page.locator('#other-way'));
  assert.equal(pathOf(page), '/sign-in/verify');
  return page.locator('#verify form.choice button').allTextContents();
}

test('in French, Ana registers a mobile (the interrupt), an email address, security questions and an app', async () => {
  const { server } = env;
  await startInterrupt(ANA, 'Téléphone');
  await registerPhone(page, phonePage, server, { type: 'mobile', region: 'FR', number: MOBILE.number, e164: MOBILE.e164 });
  assert.equal(await page.locator('#call').getAttribute('data-state'), 'confirmed');

  // An email address, with the code mailed to it.
  await page.goto(server.url('/security-info/email'));
  await page.locator('#email').fill('ana.lima@example.org');
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Suivant' }));
  const mail = (await readMail(server, 'ana.lima@example.org'))[0];
  await page.getByLabel('Code', { exact: true }).fill(mail.body.match(/^ {4}(\d{6})$/m)[1]);
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Suivant' }));
  assert.equal(await page.locator('#code-status').count(), 1, await page.locator('main').innerText());

  // Three security questions.
  await page.goto(server.url('/security-info/questions'));
  for (const [n, q, a] of [[1, 'question_predefined_01', 'Lyon'], [2, 'question_predefined_15', 'Réglisse'], [3, 'question_predefined_21', 'Bleu ciel']]) {
    await page.locator(`#question-${n}`).selectOption(q);
    await page.locator(`#answer-${n}`).fill(a);
  }
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Enregistrer les réponses' }));
  assert.equal(pathOf(page), '/security-info');

  secrets.ana = await enrolApp(page, server, NAME, 'Téléphone pro', FR_APP);
  usedStep.set(secrets.ana, Math.floor(Date.now() / 30_000));
  await page.goto(server.url('/security-info'));
  assert.deepEqual((await listedMethods(page)).map((m) => m.split('|')[0]), ['Téléphone mobile', 'Adresse e-mail', 'Questions de sécurité', "Application d'authentification"]);
  await screenshot(page, NAME, 'fr-four-methods');
});

test("in French, Ana signs in another way: her phone's call and text and her app, never email or questions; the text's code signs her in", async () => {
  const { server } = env;
  await signOut(page);
  await submitPassword(page, server, ANA.email);
  // Her first method (the phone) is called at once.
  await waitForPath(page, VERIFICATION_PATH);
  assert.match(await page.locator('#verify-doing').textContent(), new RegExp(`^Nous appelons le \\${MOBILE.masked}\\.`));

  const ways = await otherWays();
  assert.deepEqual(ways, [
    `Appeler le ${MOBILE.masked}`,
    `Envoyer un SMS au ${MOBILE.masked}`,
    'Utiliser un code de vérification de Téléphone pro',
  ]);
  for (const w of ways) assert.doesNotMatch(w, /e-mail|question|ana\.lima/i);
  assert.equal(await page.locator('h1').textContent(), 'Vérifier votre identité');
  await checkA11y(page, 'verify: another way (fr)');
  await screenshot(page, NAME, 'fr-other-ways');

  const textsBefore = (await readSms(server, MOBILE.e164)).length;
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: `Envoyer un SMS au ${MOBILE.masked}` }));
  assert.match(pathOf(page), VERIFICATION_PATH);
  assert.equal(await page.locator('#verify-doing').textContent(), `Nous avons envoyé un code par SMS au ${MOBILE.masked}.`);
  const texts = await readSms(server, MOBILE.e164);
  assert.equal(texts.length, textsBefore + 1, 'one text');
  assert.match(texts[0], /est votre code de connexion Contoso/, `a sign-in text: ${texts[0]}`);
  const code = texts[0].match(/^(\d{6})/)[1];
  await checkA11y(page, 'verify: code texted (fr)');
  await screenshot(page, NAME, 'fr-sms-sent');

  // A wrong code first: said so next to the field, and she can type again.
  await page.getByLabel('Code', { exact: true }).fill(code === '000000' ? '111111' : '000000');
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Vérifier' }));
  assert.match(await page.locator('#verify-error').textContent(), /^Ce code est incorrect/);
  assert.equal(await page.locator('#code').getAttribute('aria-invalid'), 'true');
  await checkA11y(page, 'verify: wrong code (fr)');
  await page.getByLabel('Code', { exact: true }).fill(code);
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Vérifier' }));
  assert.equal(pathOf(page), '/security-info');
  assert.ok(server.audit().some((e) => e.actor === ANA.email && e.action === 'verify' && e.method === 'sms' && e.result === 'success'));
});

test('in French, with her app as default, Ana signs in with the code oathtool shows', async () => {
  const { server } = env;
  await page.locator('.default-method summary').click();
  await page.locator('#default-select').selectOption({ label: "Application d'authentification — Téléphone pro" });
  await clickAndWaitForNavigation(page, page.locator('form[action="/security-info/default"] button'));
  assert.match(await page.locator('#default-current').textContent(), /Téléphone pro/);
  await signOut(page);

  await submitPassword(page, server, ANA.email);
  assert.equal(pathOf(page), '/sign-in/verify', 'nothing is sent for an app code');
  assert.equal(await page.locator('#verify label[for=code]').textContent(), 'Utiliser un code de vérification de Téléphone pro');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'code', 'the code field has the focus');
  await checkA11y(page, 'verify: app code (fr)');
  await screenshot(page, NAME, 'fr-app-code');

  await page.locator('#code').fill(wrongCode(secrets.ana));
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Vérifier' }));
  assert.match(await page.locator('#verify-error').textContent(), /^Ce code est incorrect/);
  await page.getByLabel('Code', { exact: true }).fill(freshCode(secrets.ana));
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Vérifier' }));
  assert.equal(pathOf(page), '/security-info');
  assert.ok(server.audit().some((e) => e.actor === ANA.email && e.action === 'verify' && e.method === 'app_code' && e.result === 'success'));
});

test("in French, \"Je ne peux pas utiliser mes méthodes\" tells Ana to contact her administrator", async () => {
  const { server } = env;
  await signOut(page);
  await submitPassword(page, server, ANA.email);
  assert.equal(pathOf(page), '/sign-in/verify');
  await clickAndWaitForNavigation(page, page.locator('#cant-use'));
  assert.equal(await page.locator('#cant-use').count(), 0);
  assert.equal(await page.locator('h1').textContent(), 'Je ne peux pas utiliser mes méthodes pour le moment');
  assert.match(await page.locator('main').innerText(), /contactez votre administrateur/);
  await checkA11y(page, 'verify: help (fr)');
  await screenshot(page, NAME, 'fr-cant-use');
  // She is not in.
  await page.goto(server.url('/security-info'));
  assert.equal(pathOf(page), '/sign-in/verify');
});

test('in English, Bruno binds the companion and signs in by approving the number the page shows', async () => {
  const { server } = env;
  await startInterrupt(BRUNO, 'Authenticator app');
  secrets.bruno = await enrolApp(page, server, NAME, 'Pixel', EN_APP);
  await clickAndWaitForNavigation(page, page.locator('#setup-push'));
  const companion = new Companion(path.join(env.dir, 'companion'));
  await bindCompanion(page, companion, 'Create a registration link');
  await signOut(page);

  await submitPassword(page, server, BRUNO.email);
  await waitForPath(page, VERIFICATION_PATH);
  assert.equal(await page.locator('h1').textContent(), 'Verify your identity');
  assert.equal(await page.locator('#verify-doing').textContent(), 'We sent a sign-in request to Pixel.');
  const number = Number(await page.locator('#match-number').textContent());
  assert.ok(number >= 10 && number <= 99, `a two-digit number: ${number}`);
  await checkA11y(page, 'verify: push (en)');
  await screenshot(page, NAME, 'en-push');

  const { code, out } = await companion.wait(['--approve-with', String(number)]);
  assert.equal(code, 0, out);
  assert.match(out, /Contoso|bruno@contoso\.example/, `the device says who asks: ${out}`);
  await waitForPath(page, '/security-info');
  assert.equal(await page.locator('.who').textContent(), BRUNO.name);
  assert.ok(server.audit().some((e) => e.actor === BRUNO.email && e.action === 'verify' && e.method === 'push' && e.result === 'success'));
});

test('in English, Dan signs in with his app code using the keyboard only', async () => {
  const { server } = env;
  await startInterrupt(DAN, 'Authenticator app');
  secrets.dan = await enrolApp(page, server, NAME, 'Work phone', EN_APP);
  usedStep.set(secrets.dan, Math.floor(Date.now() / 30_000));
  await signOut(page);

  await page.goto(server.url('/sign-in'));
  const focused = () => page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName);
  assert.equal(await focused(), 'username', 'the account field has the focus');
  await page.keyboard.type(DAN.email);
  await page.keyboard.press('Tab');
  assert.equal(await focused(), 'password');
  await page.keyboard.type('correct horse battery staple');
  const signedIn = page.waitForURL((u) => u.pathname === '/sign-in/verify', { waitUntil: 'load' });
  await page.keyboard.press('Enter');
  await signedIn;
  assert.equal(await focused(), 'code', 'the code field has the focus');
  assert.equal(await page.locator('#verify label[for=code]').textContent(), 'Use a verification code from Work phone');
  await screenshot(page, NAME, 'en-keyboard-code');

  // Tab reaches the links too, in order, then Shift+Tab comes back to the field.
  const order = [];
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press('Tab');
    order.push(await focused());
  }
  assert.equal(order[0], 'verify-submit', 'no remember box: the tenant does not offer it');
  assert.ok(order.includes('cant-use'), `"I can't use my methods" is reachable: ${order.join(' ')}`);
  await page.keyboard.press('Shift+Tab');
  while ((await focused()) !== 'code') await page.keyboard.press('Shift+Tab');

  await page.keyboard.type(freshCode(secrets.dan));
  const verified = page.waitForURL((u) => u.pathname === '/security-info', { waitUntil: 'load' });
  await page.keyboard.press('Enter');
  await verified;
  assert.equal(await page.locator('h1').textContent(), 'Security info');
  assert.equal(await page.locator('.who').textContent(), DAN.name);
});

test('the verify page without its automatic start is accessible too', async () => {
  // The page that starts a call by itself is gone before axe can look at it: asked for a given
  // method, it waits for a click instead.
  const { server } = env;
  await signOut(page);
  await submitPassword(page, server, BRUNO.email);
  await waitForPath(page, VERIFICATION_PATH);
  await page.goto(server.url('/sign-in/verify?other=1&return_to=%2Fsecurity-info'));
  const methodId = await page.locator('#verify form.choice input[name=method_id]').first().inputValue();
  await page.goto(server.url(`/sign-in/verify?method=${methodId}&proof=push&return_to=%2Fsecurity-info`));
  assert.equal(await page.locator('#verify-send').textContent(), 'Approve a request on Pixel');
  assert.equal(pathOf(page), '/sign-in/verify', 'nothing was sent by itself');
  await checkA11y(page, 'verify: waiting for a click (en)');
  await screenshot(page, NAME, 'en-verify-start');
});

test('in French, Ana makes a text to her mobile the default: the next sign-in texts her a code at once', async () => {
  const { server } = env;
  await browser.clearCookies();
  await submitPassword(page, server, ANA.email);
  await page.locator('#code').fill(freshCode(secrets.ana));
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Vérifier' }));
  assert.equal(pathOf(page), '/security-info');
  await page.locator('.default-method summary').click();
  const options = await page.locator('#default-select option').allTextContents();
  assert.deepEqual(options, [
    'Téléphone mobile — appel au +33 6 12 34 56 78',
    'Téléphone mobile — SMS au +33 6 12 34 56 78',
    "Application d'authentification — Téléphone pro",
  ]);
  await page.locator('#default-select').selectOption({ label: 'Téléphone mobile — SMS au +33 6 12 34 56 78' });
  await clickAndWaitForNavigation(page, page.locator('form[action="/security-info/default"] button'));
  assert.equal(await page.locator('#default-current').textContent(), 'Téléphone mobile — SMS au +33 6 12 34 56 78');
  await checkA11y(page, 'security info: a text as the default (fr)');
  await screenshot(page, NAME, 'fr-default-text');
  await signOut(page);

  const textsBefore = (await readSms(server, MOBILE.e164)).length;
  await submitPassword(page, server, ANA.email);
  await waitForPath(page, VERIFICATION_PATH);
  assert.equal(await page.locator('#verify-doing').textContent(), `Nous avons envoyé un code par SMS au ${MOBILE.masked}.`);
  const texts = await readSms(server, MOBILE.e164);
  assert.equal(texts.length, textsBefore + 1, 'one text, and no call');
  await page.getByLabel('Code', { exact: true }).fill(texts[0].match(/^(\d{6})/)[1]);
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Vérifier' }));
  assert.equal(pathOf(page), '/security-info');
  assert.ok(server.audit().some((e) => e.actor === ANA.email && e.action === 'default_change' && /\(sms\)$/.test(e.detail ?? '')),
    'the change of default is audited with its way');
});

test('axe: no serious or critical violation on any page that loaded', async () => {
  await a11y.assertClean();
});
