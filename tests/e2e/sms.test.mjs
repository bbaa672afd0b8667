// "Text me a code" in the phone wizard: the code goes to the simulated phone as a text (with the
// WebOTP line), the person types it, the mobile is registered. Also what goes wrong: a fixed line
// or an office phone cannot get a text, a wrong code counts down the tries, five wrong codes lock
// the code (even the right one is then refused), a new code cannot be asked for right away, and a
// code typed after it expired is refused, a new one then works.
// In French on a first server (default settings), in English on a second one whose codes expire
// after 5 s and may be sent again after 1 s. axe runs on every page; each step is a screenshot.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkA11y,
  checkEveryPage,
  clickAndWaitForNavigation,
  launchBrowser,
  listedMethods,
  pollUntil,
  postFormInPage,
  readSms,
  screenshot,
  signIn,
  simPhonePath,
  startSeededServer,
} from './lib/harness.mjs';

const NAME = 'sms';
const PUBLIC_URL = 'https://id.contoso.example'; // the host named on the WebOTP line of each text
const MOBILE = '+33612345678';
const ALTERNATE = '+33781234567';
const FIXED = '+33425555123';
const EN_MOBILE = '+33698765432';

let fr; // server 1: default code settings, Ana in French
let en; // server 2: codes valid 5 s, resend after 1 s, Ben in English
let browser;
let a11y;
let page;

before(async () => {
  fr = await startSeededServer(
    { users: [{ email: 'ana@contoso.example', name: 'Ana Lima', locale: 'fr' }] },
    { env: { SECINFO_SERVER_PUBLIC_URL: PUBLIC_URL } },
  );
  browser = await launchBrowser(fr.dir, { locale: 'fr-FR' });
  a11y = checkEveryPage(browser);
  page = await browser.newPage();
  await signIn(page, fr.server, 'ana@contoso.example');
});

after(async () => {
  await browser?.close();
  await fr?.stop();
  await en?.stop();
});

/** The wizard, filled by label (French or English), "text me" chosen, submitted; `expected`: the POST's status. */
async function askForText(page, server, { type, number, textMe = "M'envoyer un code par SMS", next = 'Suivant' }, expected) {
  const response = await page.goto(server.url('/security-info/phone'));
  assert.equal(response.status(), 200);
  await page.getByLabel(type, { exact: true }).check();
  await page.locator('#number').fill(number);
  await page.getByLabel(textMe).check();
  const submitted = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/security-info/phone');
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: next }));
  const status = (await submitted).status();
  const errors = (await page.locator('main .error').allTextContents()).join(' / ');
  assert.equal(status, expected, `the wizard answered ${status} (${page.url()}): ${errors || 'no message'}`);
  if (status === 303) assert.match(new URL(page.url()).pathname, /^\/security-info\/codes\/[^/]+$/);
}

/** Types `code` in the code page's field and submits it; returns the POST's status. */
async function typeCode(page, code, next = 'Suivant') {
  await page.getByLabel('Code', { exact: true }).fill(code);
  const submitted = page.waitForResponse((r) => r.request().method() === 'POST' && /^\/security-info\/codes\/[^/]+$/.test(new URL(r.url()).pathname));
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: next }));
  return (await submitted).status();
}

/** The code of the newest text, checked against the whole text and its WebOTP line. */
function codeOf(text, pattern) {
  const m = text.match(pattern);
  assert.ok(m, `the text matches ${pattern}:\n${text}`);
  const lines = text.split('\n');
  assert.equal(lines.at(-1), `@id.contoso.example #${m[1]}`, 'the last line is the WebOTP line');
  return m[1];
}

const otherCode = (code) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
const FR_TEXT = /^(\d{6}) est votre code de vérification Contoso\. Il expire dans 3 minutes\. Ne le communiquez à personne\.\n\n@id\.contoso\.example #\1$/;
const EN_TEXT = /^(\d{6}) is your Contoso verification code\. It expires in \d+ minutes?\. Never share it\.\n\n@id\.contoso\.example #\1$/;

async function assertNumberError(page, message) {
  assert.equal(new URL(page.url()).pathname, '/security-info/phone');
  const error = page.locator('#number-error');
  assert.equal(await error.textContent(), message);
  assert.equal(await page.locator('#number').getAttribute('aria-invalid'), 'true');
  assert.ok((await page.locator('#number').getAttribute('aria-describedby')).split(' ').includes('number-error'));
  assert.ok(await page.evaluate(() => document.querySelector('#number').closest('.field').contains(document.querySelector('#number-error'))), 'the message is next to the field');
}

test('in French, a fixed line and an office phone cannot get a text, and nothing is sent', async () => {
  const server = fr.server;
  const notMobile = "Les SMS ne peuvent être envoyés qu'à des téléphones mobiles. Choisissez M'appeler pour ce numéro.";

  // A fixed-line number (04) as a mobile.
  await askForText(page, server, { type: 'Téléphone mobile', number: '04 25 55 51 23' }, 400);
  await assertNumberError(page, notMobile);
  assert.equal(await page.getByLabel("M'envoyer un code par SMS").isChecked(), true, 'the choice is kept');
  assert.equal(await page.locator('#number').inputValue(), '04 25 55 51 23');
  await checkA11y(page, 'wizard: fixed line by text');
  await screenshot(page, NAME, 'fr-fixed-line-refused');

  // A mobile number as an office phone: an office phone is proven by a call.
  await askForText(page, server, { type: 'Téléphone de bureau', number: '06 12 34 56 78' }, 400);
  await assertNumberError(page, notMobile);
  assert.equal(await page.getByLabel('Téléphone de bureau').isChecked(), true);
  await checkA11y(page, 'wizard: office phone by text');
  await screenshot(page, NAME, 'fr-office-refused');

  // No text reached either phone, and none was sent.
  assert.deepEqual(await readSms(server, FIXED), []);
  assert.deepEqual(await readSms(server, MOBILE), []);
  const phone = await browser.newPage();
  await phone.goto(server.url(simPhonePath(FIXED)));
  assert.equal(await phone.getByRole('heading', { name: 'SMS reçus' }).count(), 1);
  assert.match(await phone.locator('main').innerText(), /Aucun SMS\./);
  await checkA11y(phone, 'sim phone without texts');
  await screenshot(phone, NAME, 'fr-fixed-line-no-text');
  await phone.close();
  assert.ok(!server.audit().some((e) => e.action === 'code_send'), 'no code_send in the audit log');
});

test('in French, Ana registers her mobile with the code she got by text', async () => {
  const server = fr.server;
  await page.goto(server.url('/security-info'));
  await clickAndWaitForNavigation(page, page.getByRole('link', { name: '+ Ajouter une méthode' }));
  await page.getByLabel('Quelle méthode voulez-vous ajouter ?').selectOption({ label: 'Téléphone' });
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Ajouter' }));
  assert.equal(new URL(page.url()).pathname, '/security-info/phone');
  await page.getByLabel('Téléphone mobile', { exact: true }).check();
  await page.getByLabel('Numéro de téléphone').fill('06 12 34 56 78');
  await page.getByLabel("M'envoyer un code par SMS").check();
  await screenshot(page, NAME, 'fr-wizard-text-me');
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Suivant' }));

  // The code page.
  assert.match(new URL(page.url()).pathname, /^\/security-info\/codes\/[^/]+$/);
  assert.equal(await page.locator('#code-sent').textContent(), "Nous venons d'envoyer un code à 6 chiffres au +33 6 12 34 56 78. Saisissez-le ci-dessous.");
  assert.equal(await page.locator('#code').getAttribute('autocomplete'), 'one-time-code');
  await checkA11y(page, 'code page (sms)');
  await screenshot(page, NAME, 'fr-code-page');

  // The simulated phone got the text, from Contoso, with the code and the WebOTP line.
  const phone = await browser.newPage();
  await phone.goto(server.url(simPhonePath(MOBILE)));
  assert.equal(await phone.getByRole('heading', { name: 'SMS reçus' }).count(), 1);
  const texts = await phone.locator('pre.sms').allTextContents();
  assert.equal(texts.length, 1, 'one text');
  const code = codeOf(texts[0], FR_TEXT);
  assert.match(await phone.locator('li.text .hint').first().textContent(), /Contoso/);
  assert.deepEqual(await readSms(server, MOBILE), texts, 'readSms reads the same text');
  await checkA11y(phone, 'sim phone with a text');
  await screenshot(phone, NAME, 'fr-phone-text');
  await phone.close();

  // Type it: registered.
  assert.equal(await typeCode(page, code), 303); // redirected to the code page again
  assert.equal(await page.locator('#code-status').textContent(), 'Méthode enregistrée : Téléphone mobile +33 6 12 34 56 78.');
  assert.equal(await page.locator('#code').count(), 0, 'no code field any more');
  await checkA11y(page, 'code page (registered)');
  await screenshot(page, NAME, 'fr-registered');

  await clickAndWaitForNavigation(page, page.getByRole('link', { name: 'Terminé' }));
  assert.equal(new URL(page.url()).pathname, '/security-info');
  assert.deepEqual(await listedMethods(page), ['Téléphone mobile|+33 6 12 34 56 78']);
  assert.match(await page.locator('li.method .method-usable').textContent(), /vérification en deux étapes/);
  await checkA11y(page, 'security info (mobile by text)');
  await screenshot(page, NAME, 'fr-security-info');

  const audit = server.audit();
  assert.ok(audit.some((e) => e.action === 'code_send' && e.result === 'sent' && e.method === 'phone:mobile by sms'), audit.map((e) => e.line).join('\n'));
  assert.ok(audit.some((e) => e.action === 'method_register' && e.result === 'success' && e.method === 'phone:mobile by sms'), audit.map((e) => e.line).join('\n'));
  assert.ok(!audit.some((e) => e.detail?.includes(code)), 'the code itself is not in the audit log');
});

let lockedCode; // the right code of the challenge the next tests lock
let lockedPath;

test('in French, a wrong code is refused and says how many tries are left', async () => {
  const server = fr.server;
  await askForText(page, server, { type: 'Autre téléphone mobile', number: '07 81 23 45 67' }, 303);
  lockedPath = new URL(page.url()).pathname;
  assert.match(lockedPath, /^\/security-info\/codes\/[^/]+$/);
  const texts = await readSms(server, ALTERNATE);
  assert.equal(texts.length, 1);
  lockedCode = codeOf(texts[0], FR_TEXT);
  const wrong = otherCode(lockedCode);

  for (const left of [4, 3, 2]) {
    assert.equal(await typeCode(page, wrong), 400);
    assert.equal(new URL(page.url()).pathname, lockedPath);
    assert.equal(await page.locator('#code-error').textContent(), `Ce code est incorrect. Encore ${left} essais.`);
    assert.equal(await page.locator('#code').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#code').getAttribute('aria-describedby'), 'code-error');
    if (left === 4) {
      await checkA11y(page, 'code page (wrong code)');
      await screenshot(page, NAME, 'fr-wrong-code');
    }
  }
});

test('in French, the last try left is announced in the singular', async () => {
  assert.equal(await typeCode(page, otherCode(lockedCode)), 400);
  assert.equal(await page.locator('#code-error').textContent(), 'Ce code est incorrect. Encore 1 essai.');
});

test('in French, the fifth wrong code locks it: even the right code is then refused, and a new one cannot be asked for yet', async () => {
  const server = fr.server;
  // Make sure four wrong codes were counted, whatever the previous test saw.
  const before = await page.locator('#code-error').textContent();
  assert.equal(before, 'Ce code est incorrect. Encore 1 essai.');

  assert.equal(await typeCode(page, otherCode(lockedCode)), 400);
  assert.equal(await page.locator('#code-error').textContent(), 'Trop de codes incorrects. Demandez-en un nouveau.');
  assert.equal(await page.locator('#code').count(), 0, 'no code field once locked');
  await checkA11y(page, 'code page (locked)');
  await screenshot(page, NAME, 'fr-locked');

  // The right code, posted anyway, is refused.
  const csrf = await page.locator('form.resend input[name=csrf]').inputValue();
  const answer = await postFormInPage(page, lockedPath, { csrf, code: lockedCode });
  assert.equal(answer.status(), 400);
  assert.equal(await page.locator('#code-error').textContent(), 'Trop de codes incorrects. Demandez-en un nouveau.');
  await checkA11y(page, 'code page (right code after the lock)');
  await screenshot(page, NAME, 'fr-locked-right-code');

  // A new code within the 30 s: not yet.
  const resent = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/resend'));
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Envoyer un nouveau code' }));
  assert.equal((await resent).status(), 429);
  // Said once, next to the button; the error keeps saying why a new code is needed.
  assert.equal(await page.locator('#code-error').textContent(), 'Trop de codes incorrects. Demandez-en un nouveau.');
  const wait = (await page.locator('#resend-wait').textContent()).match(/^Vous pourrez demander un nouveau code dans (\d+) secondes\.$/);
  assert.ok(wait, `the wait is announced: ${await page.locator('#resend-wait').textContent()}`);
  assert.ok(Number(wait[1]) >= 1 && Number(wait[1]) <= 30, `1 to 30 seconds: ${wait[1]}`);
  assert.match(await page.locator('#resend-wait').textContent(), /^Vous pourrez demander un nouveau code dans \d+ secondes\.$/);
  await checkA11y(page, 'code page (resend too soon)');
  await screenshot(page, NAME, 'fr-resend-too-soon');

  // Nothing registered, no second text.
  assert.equal((await readSms(server, ALTERNATE)).length, 1);
  await page.goto(server.url('/security-info'));
  assert.deepEqual(await listedMethods(page), ['Téléphone mobile|+33 6 12 34 56 78']);
  const audit = server.audit();
  assert.ok(audit.some((e) => e.action === 'code_verify' && e.result === 'locked' && e.method === 'phone:alternate_mobile by sms'), audit.map((e) => e.line).join('\n'));
  assert.ok(!audit.some((e) => e.action === 'method_register' && e.method === 'phone:alternate_mobile by sms'));
});

test('in English, a code typed after it expired is refused; a new code then registers the mobile', async () => {
  en = await startSeededServer(
    { locale: 'en', users: [{ email: 'ben@contoso.example', name: 'Ben Smith', locale: 'en' }] },
    { env: { SECINFO_SERVER_PUBLIC_URL: PUBLIC_URL, SECINFO_CODES_SMS_VALIDITY_SECONDS: '5', SECINFO_CODES_RESEND_COOLDOWN_SECONDS: '1' } },
  );
  const server = en.server;
  await browser.clearCookies(); // both servers are on 127.0.0.1
  await signIn(page, server, 'ben@contoso.example');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');

  await askForText(page, server, { type: 'Mobile phone', number: '06 98 76 54 32', textMe: 'Text me a code', next: 'Next' }, 303);
  const shownAt = Date.now(); // the code was sent before this
  const path = new URL(page.url()).pathname;
  assert.equal(await page.locator('#code-sent').textContent(), 'We just sent a 6-digit code to +33 6 98 76 54 32. Enter it below.');
  await checkA11y(page, 'code page (sms, English)');
  await screenshot(page, NAME, 'en-code-page');

  const phone = await browser.newPage();
  await phone.goto(server.url(simPhonePath(EN_MOBILE)));
  assert.equal(await phone.getByRole('heading', { name: 'Text messages' }).count(), 1);
  const first = codeOf(await phone.locator('pre.sms').first().textContent(), EN_TEXT);
  await checkA11y(phone, 'sim phone with a text (English)');
  await screenshot(phone, NAME, 'en-phone-text');

  // A wrong code, in English.
  assert.equal(await typeCode(page, otherCode(first), 'Next'), 400);
  assert.equal(await page.locator('#code-error').textContent(), 'That code is wrong. 4 tries left.');
  await checkA11y(page, 'code page (wrong code, English)');
  await screenshot(page, NAME, 'en-wrong-code');

  // Once its 5 s have passed, the right code is refused as expired.
  await pollUntil(() => Date.now() >= shownAt + 5_000 + 250, { timeout: 7_000, message: 'the code to expire' });
  assert.equal(await typeCode(page, first, 'Next'), 400);
  assert.equal(new URL(page.url()).pathname, path);
  assert.equal(await page.locator('#code-error').textContent(), 'This code has expired. Ask for a new one.');
  assert.equal(await page.locator('#code').count(), 0, 'no code field once expired');
  await checkA11y(page, 'code page (expired)');
  await screenshot(page, NAME, 'en-expired');

  // Send a new code (the cooldown is 1 s here): a second text, which works.
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Send a new code' }));
  assert.equal(new URL(page.url()).pathname, path);
  assert.match(await page.locator('main').innerText(), /We sent a new code\./);
  const texts = await readSms(server, EN_MOBILE);
  assert.equal(texts.length, 2, 'a second text');
  const second = codeOf(texts[0], EN_TEXT);
  assert.equal(await typeCode(page, second, 'Next'), 303);
  assert.equal(await page.locator('#code-status').textContent(), 'Registered: Mobile phone +33 6 98 76 54 32.');
  await checkA11y(page, 'code page (registered, English)');
  await screenshot(page, NAME, 'en-registered');

  await phone.reload();
  assert.equal(await phone.locator('pre.sms').count(), 2);
  await screenshot(phone, NAME, 'en-phone-two-texts');
  await phone.close();

  await clickAndWaitForNavigation(page, page.getByRole('link', { name: 'Done' }));
  assert.deepEqual(await listedMethods(page), ['Mobile phone|+33 6 98 76 54 32']);
  await checkA11y(page, 'security info (English)');
  await screenshot(page, NAME, 'en-security-info');
});

test('axe: no serious or critical violation on any page that loaded', async () => {
  await a11y.assertClean();
});
