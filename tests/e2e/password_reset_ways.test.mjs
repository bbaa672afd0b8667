// Self-service password reset by the ways password_reset.test.mjs does not take, with mail going
// to a real SMTP peer (aiosmtpd writing a Maildir; email.provider = "smtp"). On a tenant that asks
// for two methods: Chloé (English) texts her mobile (a wrong number first, refused with its
// message and nothing sent; the code is read from the simulated phone), then has her office phone
// called and presses #; Ana (French) approves a notification on the companion `secinfo
// authenticator` by typing the number the page shows, then texts her mobile. Each reads the
// "password was reset" mail in her language from the Maildir: when, and from which address. Then
// the tenant asks for one method: one step leads to the new password, and approving a notification
// is not offered (as in Entra ID), though Ana's device is bound. The server runs with
// [password_reset] limits other than the defaults (resets of 20 minutes, 4 checks an hour, locks
// of 2 hours): the pages say them, and a fifth wrong number locks the way. axe runs on every
// page; screenshots in output/password_reset_ways/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  HttpClient,
  Server,
  checkA11y,
  checkEveryPage,
  clickAndWaitForNavigation,
  csrfFrom,
  decodeHtml,
  freePort,
  launchBrowser,
  makeTempDir,
  pollUntil,
  readSms,
  registerPhone,
  removeDir,
  screenshot,
  seedTenant,
  signIn,
} from './lib/harness.mjs';
import { RESET_WORDS, chooseNewPassword, chooseWay, offeredWays, startReset, typeResetCode, typeWholeNumber } from './lib/reset_steps.mjs';
import { Companion, answerCall, bindCompanion, enrolApp, signOut, totp } from './lib/sign_in_steps.mjs';
import { SmtpPeer } from './lib/smtp_peer.mjs';

const NAME = 'password_reset_ways';
const FROM = 'securite@contoso.example';
const ANA = { email: 'ana@contoso.example', name: 'Ana Lima', locale: 'fr' };
const CHLOE = { email: 'chloe@contoso.example', name: 'Chloé Martin', locale: 'en' };
const ANA_MOBILE = { number: '06 12 34 56 78', e164: '+33612345678' };
const CHLOE_MOBILE = { number: '06 11 22 33 44', e164: '+33611223344', typed: '+33 6 11 22 33 44' };
const CHLOE_OFFICE = { number: '04 25 55 51 23', e164: '+33425555123', typed: '+33 4 25 55 51 23' };
const FR_APP = { name: 'Nom', next: 'Suivant', code: 'Saisissez le code à 6 chiffres' };
const EN = {
  text: 'Text my mobile phone',
  callMobile: 'Call my mobile phone',
  callOffice: 'Call my office phone',
  push: 'Approve a notification on my authenticator app',
};
const FR = {
  text: 'Envoyer un SMS à mon téléphone mobile',
  callMobile: 'Appeler mon téléphone mobile',
  appCode: "Entrer un code à partir de mon application d'authentification",
  push: "Approuver une notification sur mon application d'authentification",
};

let dir;
let smtp;
let server;
let browser; // French
let a11y;
let page;
let phonePage;
let companion;
let anaSecret;

before(async () => {
  dir = makeTempDir('secinfo-e2e-reset-ways-');
  smtp = await SmtpPeer.start(dir);
  const port = await freePort();
  // The companion reaches the server by the links the Approvals page shows: the public URL.
  server = new Server({
    dir,
    port,
    env: {
      ...smtp.serverEnv(FROM),
      SECINFO_SERVER_PUBLIC_URL: `http://127.0.0.1:${port}`,
      // Not the defaults, so that the pages are seen to say the limits in force.
      SECINFO_PASSWORD_RESET_VALIDITY_MINUTES: '20',
      SECINFO_PASSWORD_RESET_MAX_CHECKS_PER_HOUR: '4', // Chloé makes 4 phone checks
      SECINFO_PASSWORD_RESET_LOCK_HOURS: '2',
    },
  });
  seedTenant(server, { locale: 'fr', allow: 'phone,authenticator', users: [ANA, CHLOE] });
  server.admin(['set-reset', '--tenant', 'contoso.example', '--methods', '2']);
  await server.start();
  browser = await launchBrowser(dir, { locale: 'fr-FR' });
  a11y = checkEveryPage(browser);
  page = await browser.newPage();
  phonePage = await browser.newPage();
  companion = new Companion(path.join(dir, 'companion'), 'fr_FR.UTF-8');
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await smtp?.stop();
  if (process.exitCode) console.log(`kept ${dir} (server log, Maildir)`);
  else removeDir(dir);
});

/** The newest texted reset code on `e164`, once there is one that `seen` does not hold. */
async function newResetCode(e164, seen = []) {
  const text = await pollUntil(async () => (await readSms(server, e164)).find((t) => /^\d{6} (is your|est votre)/.test(t) && !seen.includes(t)), {
    message: `a reset code texted to ${e164}`,
  });
  return { text, code: text.match(/^(\d{6})/)[1] };
}

/** "2026-12-03 16:41 UTC" of the mail is within two minutes of `at` (ms). */
function assertWhenIsNear(text, label, at) {
  const when = text.match(new RegExp(`^${label} (\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}) UTC$`, 'm'));
  assert.ok(when, `a "${label}" line in:\n${text}`);
  const said = Date.parse(`${when[1].replace(' ', 'T')}:00Z`);
  assert.ok(Math.abs(said - at) <= 120_000, `${when[1]} UTC is when the reset was finished (${new Date(at).toISOString()})`);
}

test('in English, Chloé resets by a text to her mobile (a wrong number first) and a call to her office phone', async () => {
  const english = await launchBrowser(dir, { locale: 'en-US' });
  const englishA11y = checkEveryPage(english);
  const en = await english.newPage();
  const enPhone = await english.newPage();
  await signIn(en, server, CHLOE.email);
  await en.goto(server.url('/security-info/phone'));
  await registerPhone(en, enPhone, server, { type: 'mobile', region: 'FR', number: CHLOE_MOBILE.number, e164: CHLOE_MOBILE.e164 });
  assert.equal(await en.locator('#call').getAttribute('data-state'), 'confirmed');
  await en.goto(server.url('/security-info/phone'));
  await registerPhone(en, enPhone, server, { type: 'office', region: 'FR', number: CHLOE_OFFICE.number, e164: CHLOE_OFFICE.e164 });
  assert.equal(await en.locator('#call').getAttribute('data-state'), 'confirmed');
  await signOut(en);

  await startReset(en, server, CHLOE.email, RESET_WORDS.en);
  assert.equal(await en.locator('h1').textContent(), 'Verification step 1');
  const offered = await offeredWays(en);
  for (const way of [EN.text, EN.callMobile, EN.callOffice, EN.push]) assert.ok(offered.includes(way), `${way} in ${offered.join(' / ')}`);
  await chooseWay(en, EN.text);
  assert.equal(await en.locator('#number').count(), 1, 'the whole number is asked for first');
  await checkA11y(en, 'reset type number (en)');

  // A wrong number: refused with its message, with 400, and nothing is texted anywhere.
  const refused = en.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/password-reset/verify/number');
  await typeWholeNumber(en, '+33 6 99 99 99 99');
  assert.equal((await refused).status(), 400);
  assert.equal(await en.locator('#reset-error').textContent(), 'This is not the number we have. Type the whole number, with its country code, and try again.');
  assert.equal(await en.locator('#number').count(), 1, 'the number is asked for again');
  await checkA11y(en, 'reset number refused (en)');
  await screenshot(en, NAME, 'en-number-refused');
  assert.deepEqual(await readSms(server, '+33699999999'), []);
  assert.deepEqual(await readSms(server, CHLOE_MOBILE.e164), [], 'no text before the number matches');

  await typeWholeNumber(en, CHLOE_MOBILE.typed);
  assert.equal(await en.locator('#reset-code-intro').textContent(), 'If the number matched, we texted you a code. Type it below.');
  await checkA11y(en, 'reset texted code (en)');
  const { text, code } = await newResetCode(CHLOE_MOBILE.e164);
  assert.match(text, /is your Contoso password reset code/, 'the text is in English');
  await typeResetCode(en, code);

  assert.equal(await en.locator('h1').textContent(), 'Verification step 2');
  const second = await offeredWays(en);
  assert.ok(!second.includes(EN.text) && !second.includes(EN.callMobile), `the mobile does not serve step 2: ${second.join(' / ')}`);
  await chooseWay(en, EN.callOffice);
  await typeWholeNumber(en, CHLOE_OFFICE.typed);
  assert.equal(await en.locator('#verify-doing').textContent(), 'We are calling your phone. Answer it and press the pound key (#).');
  await checkA11y(en, 'reset call (en)');
  await screenshot(en, NAME, 'en-calling-office');
  const prompt = await answerCall(enPhone, server, CHLOE_OFFICE.e164, ['#']);
  assert.match(prompt, /Someone is resetting the password of your account/);

  // The page goes on by itself.
  await pollUntil(async () => (await en.locator('h1').textContent()) === 'Choose a new password', { timeout: 15_000, message: 'the new password page' });
  await en.waitForLoadState('load');
  await chooseNewPassword(en, 'seven purple kites over the harbour');
  const finishedAt = Date.now();
  assert.equal(await en.locator('h1').textContent(), 'Your password was reset');
  await screenshot(en, NAME, 'en-done');

  // The mail, as the SMTP server received it, in English.
  const mail = await smtp.waitForMail(CHLOE.email, /your password was reset/);
  assert.equal(mail.subject, 'Contoso: your password was reset');
  assert.match(mail.from, new RegExp(FROM.replace('.', '\\.')));
  assert.match(mail.text, /^Hello Chloé Martin,/);
  assert.match(mail.text, /was reset with your security info/);
  assertWhenIsNear(mail.text, 'When:', finishedAt);
  assert.match(mail.text, /^From: 127\.0\.0\.1$/m);
  // And the text to her mobile.
  await pollUntil(async () => (await readSms(server, CHLOE_MOBILE.e164)).some((t) => /the password of your account was reset/.test(t)), { message: 'the reset text' });

  await signIn(en, server, CHLOE.email, 'seven purple kites over the harbour');
  await englishA11y.assertClean();
  await english.close();
});

test('in French, Ana approves a notification on her device (number matching), then a text', async () => {
  await signIn(page, server, ANA.email);
  await page.goto(server.url('/security-info/phone'));
  await registerPhone(page, phonePage, server, { type: 'mobile', region: 'FR', number: ANA_MOBILE.number, e164: ANA_MOBILE.e164 });
  anaSecret = await enrolApp(page, server, NAME, 'Téléphone pro', FR_APP);
  await clickAndWaitForNavigation(page, page.locator('#setup-push'));
  await bindCompanion(page, companion, "Créer un lien d'inscription");
  await signOut(page);

  await startReset(page, server, ANA.email, RESET_WORDS.fr);
  assert.ok((await offeredWays(page)).includes(FR.push), 'approving a notification is offered when two methods are required');
  await chooseWay(page, FR.push);
  assert.equal(await page.locator('#verify-doing').textContent(), "Nous avons envoyé une notification à votre application d'authentification.");
  const number = Number(await page.locator('#match-number').textContent());
  assert.ok(number >= 10 && number <= 99, `a two-digit number: ${number}`);
  await checkA11y(page, 'reset push (fr)');
  await screenshot(page, NAME, 'fr-push');
  const { code, out } = await companion.wait(['--approve-with', String(number)]);
  assert.equal(code, 0, out);

  await pollUntil(async () => (await page.locator('h1').textContent()) === 'Étape de vérification 2', { timeout: 15_000, message: 'step 2' });
  await page.waitForLoadState('load');
  const second = await offeredWays(page);
  assert.ok(!second.includes(FR.push) && !second.includes(FR.appCode), `the app does not serve step 2: ${second.join(' / ')}`);
  await chooseWay(page, FR.text);
  await typeWholeNumber(page, '+33 6 12 34 56 78');
  const { text, code: texted } = await newResetCode(ANA_MOBILE.e164);
  assert.match(text, /est votre code de réinitialisation de mot de passe Contoso/, 'the text is in French');
  await typeResetCode(page, texted);
  assert.equal(await page.locator('h1').textContent(), 'Choisir un nouveau mot de passe');
  await chooseNewPassword(page, 'un voilier bleu sur le Rhône');
  const finishedAt = Date.now();
  assert.equal(await page.locator('h1').textContent(), 'Votre mot de passe a été réinitialisé');

  const mail = await smtp.waitForMail(ANA.email, /réinitialisé/);
  assert.equal(mail.subject, 'Contoso : votre mot de passe a été réinitialisé');
  assert.match(mail.text, /^Bonjour Ana Lima,/);
  assertWhenIsNear(mail.text, 'Quand :', finishedAt);
  assert.match(mail.text, /^Depuis : 127\.0\.0\.1$/m);
  const audit = server.audit().filter((e) => e.actor === ANA.email && e.action === 'reset_step');
  assert.ok(audit.some((e) => /step 1 proven with push/.test(e.detail)), audit.map((e) => e.detail).join(' | '));
});

test('in French, with one method required, one step leads to the new password, and no notification is offered', async () => {
  server.admin(['set-reset', '--tenant', 'contoso.example', '--methods', '1']);
  await startReset(page, server, ANA.email, RESET_WORDS.fr);
  assert.equal(await page.locator('h1').textContent(), 'Étape de vérification 1');
  const offered = await offeredWays(page);
  assert.ok(offered.includes(FR.appCode) && offered.includes(FR.text), offered.join(' / '));
  assert.ok(!offered.includes(FR.push), `no notification with one method, though Ana's device is bound: ${offered.join(' / ')}`);
  await checkA11y(page, 'reset one method (fr)');
  await screenshot(page, NAME, 'fr-one-method');

  await chooseWay(page, FR.appCode);
  // The next 30-s step's code: the one of now may have served at enrolment (a replay is refused).
  await typeResetCode(page, totp(anaSecret, Math.floor(Date.now() / 1000) + 30));
  assert.equal(await page.locator('h1').textContent(), 'Choisir un nouveau mot de passe', 'one step, then the new password');
  await chooseNewPassword(page, 'trois hérons gris au bord du lac');
  assert.equal(await page.locator('h1').textContent(), 'Votre mot de passe a été réinitialisé');
  await signIn(page, server, ANA.email, 'trois hérons gris au bord du lac');
  const steps = server.audit().filter((e) => e.actor === ANA.email && e.action === 'reset_step');
  assert.match(steps[0].detail, /^step 1 proven with app_code/);
});

test('the limits set in [password_reset] are the ones applied and said', async () => {
  const c = new HttpClient(server.baseUrl, { headers: { 'accept-language': 'en' } });
  // No reset under way: the page says how long one lasts.
  const over = await c.get('/password-reset/verify');
  assert.equal(over.status, 410);
  assert.match(decodeHtml(over.text), /This password reset is over: it lasts 20 minutes\. Start again\./);

  const form = await c.get('/password-reset');
  await c.post('/password-reset', { csrf: csrfFrom(form.text), username: 'someone@contoso.example' });
  const step = await c.get('/password-reset/verify');
  assert.equal((await c.post('/password-reset/verify/choose', { csrf: csrfFrom(step.text), way: 'text_mobile' })).status, 303);
  const csrf = csrfFrom((await c.get('/password-reset/verify')).text);
  for (let i = 1; i <= 4; i++) {
    const r = await c.post('/password-reset/verify/number', { csrf, number: '+33 6 00 00 00 0' + i });
    assert.equal(r.status, 400, `check ${i} of 4 is made`);
    assert.match(decodeHtml(r.text), /This is not the number we have/);
  }
  const locked = await c.post('/password-reset/verify/number', { csrf, number: '+33 6 00 00 00 05' });
  assert.equal(locked.status, 429, 'the fifth check is over max_checks_per_hour = 4');
  assert.match(decodeHtml(locked.text), /This way was used too often: it is locked for 2 hours\. Choose another way\./);
  assert.ok(server.audit().some((e) => e.actor === 'someone@contoso.example' && e.action === 'reset_path' && e.detail === 'phone locked for 2 hours'));
});

test('axe found nothing serious on any page', async () => {
  await a11y.assertClean();
});
