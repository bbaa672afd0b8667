// The authenticator app method, with real tools on the other side: the QR code on the enrol page is
// read back from a screenshot by zbarimg, and the codes come from oathtool (the authenticator).
// Ana (English) names her app, scans, types a wrong code then the right one; the app is listed
// with a Test link. The code used to enrol is refused on the Test page (replay); the code of the
// next 30-s step, once that step has started, is accepted. "Can't scan the image?" gives the same
// key as the QR code. Rename. Bruno sees the enrol page in French and types a wrong code.
// axe runs on every page; each step is a screenshot.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import {
  OUTPUT_DIR,
  checkA11y,
  checkEveryPage,
  clickAndWaitForNavigation,
  launchBrowser,
  listedMethods,
  pollUntil,
  screenshot,
  signIn,
  startSeededServer,
} from './lib/harness.mjs';

const NAME = 'authenticator';
let env;
let browser;
let a11y;
let page;

// What the enrolment left for the later tests.
let secret; // Base32, from the QR code
let enrolTime; // the unix time whose code enrolled the app
let enrolCode;
let testPath; // /security-info/authenticator/<id>/test

before(async () => {
  env = await startSeededServer({
    locale: 'en',
    allow: 'phone,authenticator',
    users: [
      { email: 'ana@contoso.example', name: 'Ana Lima', locale: 'en' },
      { email: 'bruno@contoso.example', name: 'Bruno Petit', locale: 'fr' },
    ],
  });
  browser = await launchBrowser(env.dir, { locale: 'en-GB' });
  a11y = checkEveryPage(browser);
  page = await browser.newPage();
});

after(async () => {
  await browser?.close();
  await env?.stop();
});

/** The authenticator: `oathtool --totp -b -N @<unixSeconds> <secret>`. */
function totp(key, unixSeconds) {
  return execFileSync('oathtool', ['--totp', '-b', '-N', `@${unixSeconds}`, key], { encoding: 'utf8' }).trim();
}

/** The text of the QR code in a PNG, read by zbarimg. */
function decodeQr(png) {
  const r = spawnSync('zbarimg', ['--raw', '-q', png], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  assert.equal(r.status, 0, `zbarimg found no QR code in ${png}`);
  return r.stdout.trim();
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
const stepOf = (unixSeconds) => Math.floor(unixSeconds / 30);

/** A 6-digit code that is none of the codes the server accepts around now. */
function wrongCode(key) {
  const t = nowSeconds();
  const valid = new Set([-60, -30, 0, 30, 60].map((d) => totp(key, t + d)));
  for (let n = 0; ; n++) {
    const c = String((123456 + n * 111111) % 1_000_000).padStart(6, '0');
    if (!valid.has(c)) return c;
  }
}

/** Types `code` in the page's Code field and submits with `button`; returns the POST's status. */
async function submitCode(page, code, button, label) {
  await page.getByLabel(label).fill(code);
  const submitted = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().startsWith(page.url().split('?')[0]));
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: button, exact: true }));
  return (await submitted).status();
}

async function addApp(page, server, { question, label, add }) {
  await page.goto(server.url('/security-info'));
  await clickAndWaitForNavigation(page, page.locator('#add-method'));
  await page.getByLabel(question).selectOption({ label });
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: add, exact: true }));
  assert.equal(new URL(page.url()).pathname, '/security-info/authenticator');
}

test('in English, Ana enrols her app by scanning the QR code and typing its code', async () => {
  const { server } = env;
  await signIn(page, server, 'ana@contoso.example');
  await addApp(page, server, { question: 'Which method would you like to add?', label: 'Authenticator app', add: 'Add' });
  assert.equal(await page.locator('h2').textContent(), 'Name your app');
  assert.equal(await page.getByLabel('Name').inputValue(), 'Authenticator app', 'a default name');
  await checkA11y(page, 'app name');
  await screenshot(page, NAME, 'en-name');
  await page.getByLabel('Name').fill('Work phone');
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Next' }));

  // The enrol page: an inline SVG QR code.
  assert.match(new URL(page.url()).pathname, /^\/security-info\/authenticator\/enrol\/[^/]+$/);
  assert.equal(await page.locator('h2').first().textContent(), 'Scan the QR code');
  assert.equal(await page.locator('#qr svg').count(), 1);
  assert.equal(await page.getByRole('img', { name: 'QR code to scan with your authenticator app' }).count(), 1, 'the QR code is named');
  await checkA11y(page, 'app enrol');
  await screenshot(page, NAME, 'en-enrol');

  // Read it as a phone would: a picture of it, decoded.
  const png = path.join(OUTPUT_DIR, NAME, 'qr.png');
  await page.locator('#qr').screenshot({ path: png });
  const uri = decodeQr(png);
  const m = uri.match(/^otpauth:\/\/totp\/Contoso:ana@contoso\.example\?secret=([A-Z2-7]+)&issuer=Contoso&algorithm=SHA1&digits=6&period=30$/);
  assert.ok(m, `the QR code holds the key URI: ${uri}`);
  secret = m[1];
  assert.ok(secret.length >= 32, `a key of 160 bits or more: ${secret}`);

  // "Can't scan the image?": the same key, grouped for typing.
  await page.getByText("Can't scan the image?").click();
  const manual = await page.locator('#manual-key').textContent();
  assert.match(manual, /^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/, `grouped by 4: ${manual}`);
  assert.equal(manual.replace(/ /g, ''), secret);
  const details = await page.locator('details.manual dd').allTextContents();
  assert.equal(details[0], 'ana@contoso.example');
  assert.equal(details[1], 'Contoso');
  await checkA11y(page, 'app enrol (manual key shown)');
  await screenshot(page, NAME, 'en-manual-key');

  // A wrong code first.
  assert.equal(await submitCode(page, wrongCode(secret), 'Next', 'Enter the 6-digit code'), 400);
  assert.equal(await page.locator('#code-error').textContent(), "That code is wrong. Check that your phone's clock is right and use the newest code.");
  assert.equal(await page.locator('#code').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('#code').getAttribute('aria-describedby'), 'code-error');
  assert.equal(await page.locator('#qr svg').count(), 1, 'the QR code is still there');
  await checkA11y(page, 'app enrol (wrong code)');
  await screenshot(page, NAME, 'en-wrong-code');

  // The code the app shows now.
  enrolTime = nowSeconds();
  enrolCode = totp(secret, enrolTime);
  assert.equal(await submitCode(page, enrolCode, 'Next', 'Enter the 6-digit code'), 303);
  assert.equal(await page.locator('#app-status').textContent(), 'Your authenticator app Work phone is ready.');
  await checkA11y(page, 'app enrol (ready)');
  await screenshot(page, NAME, 'en-ready');

  await clickAndWaitForNavigation(page, page.getByRole('link', { name: 'Done' }));
  assert.deepEqual(await listedMethods(page), ['Authenticator app|Work phone']);
  assert.equal(await page.locator('li.method .method-usable').textContent(), 'Can be used for: two-step verification, password reset');
  const testLink = page.getByRole('link', { name: 'Test Authenticator app Work phone' });
  assert.equal(await testLink.textContent(), 'Test');
  testPath = await testLink.getAttribute('href');
  assert.match(testPath, /^\/security-info\/authenticator\/\d+\/test$/);
  await checkA11y(page, 'security info (app)');
  await screenshot(page, NAME, 'en-security-info');
  const audit = env.server.audit();
  assert.ok(audit.some((e) => e.action === 'method_register' && e.result === 'success' && e.method === 'authenticator'), audit.map((e) => e.line).join('\n'));
});

test('in English, the code that enrolled the app is refused on the Test page: it was already used', async () => {
  assert.ok(secret && testPath, 'the app was enrolled');
  await clickAndWaitForNavigation(page, page.getByRole('link', { name: 'Test Authenticator app Work phone' }));
  assert.equal(new URL(page.url()).pathname, testPath);
  assert.equal(await page.locator('h1').textContent(), 'Test your authenticator app');
  assert.match(await page.locator('main').innerText(), /Enter the code that Work phone shows now\./);
  await checkA11y(page, 'app test');
  await screenshot(page, NAME, 'en-test');

  assert.ok(stepOf(nowSeconds()) <= stepOf(enrolTime) + 1, 'still within the window that would accept that code');
  assert.equal(await submitCode(page, enrolCode, 'Test', 'Code'), 400);
  assert.equal(await page.locator('#code-error').textContent(), 'This code was already used. Wait for the app to show a new one.');
  assert.equal(await page.locator('#app-test-status').count(), 0);
  await checkA11y(page, 'app test (replayed)');
  await screenshot(page, NAME, 'en-test-replayed');
  assert.ok(env.server.audit().some((e) => e.action === 'app_code_check' && e.result === 'replayed'));
});

test('in English, Ana renames her app with the Change link', async () => {
  const { server } = env;
  await page.goto(server.url('/security-info'));
  await clickAndWaitForNavigation(page, page.getByRole('link', { name: 'Change Authenticator app Work phone' }));
  assert.equal(await page.locator('h2').textContent(), 'Rename the app');
  assert.equal(await page.getByLabel('Name').inputValue(), 'Work phone');
  await checkA11y(page, 'app rename');
  await page.getByLabel('Name').fill('Personal phone');
  await screenshot(page, NAME, 'en-rename');
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Rename' }));
  assert.equal(new URL(page.url()).pathname, '/security-info');
  assert.match(await page.locator('.notice').textContent(), /The app was renamed\./);
  assert.deepEqual(await listedMethods(page), ['Authenticator app|Personal phone']);
  assert.equal(await page.getByRole('link', { name: 'Test Authenticator app Personal phone' }).getAttribute('href'), testPath);
  await checkA11y(page, 'security info (renamed)');
  await screenshot(page, NAME, 'en-renamed');
  assert.ok(server.audit().some((e) => e.action === 'method_rename' && e.detail === 'authenticator app Work phone → Personal phone'));
});

test('in French, Bruno sees the enrol page in French and a wrong code is refused', async () => {
  const { server } = env;
  await browser.clearCookies();
  await signIn(page, server, 'bruno@contoso.example');
  assert.equal(await page.getAttribute('html', 'lang'), 'fr');
  await addApp(page, server, { question: 'Quelle méthode voulez-vous ajouter ?', label: "Application d'authentification", add: 'Ajouter' });
  assert.equal(await page.locator('h2').textContent(), 'Nommez votre application');
  assert.equal(await page.getByLabel('Nom').inputValue(), "Application d'authentification");
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Suivant' }));
  assert.equal(await page.locator('h2').first().textContent(), 'Scannez le code QR');
  assert.equal(await page.getByRole('img', { name: "Code QR à scanner avec votre application d'authentification" }).count(), 1);
  await page.getByText("Impossible de scanner l'image ?").click();
  const key = (await page.locator('#manual-key').textContent()).replace(/ /g, '');
  await screenshot(page, NAME, 'fr-enrol');

  assert.equal(await submitCode(page, wrongCode(key), 'Suivant', 'Saisissez le code à 6 chiffres'), 400);
  assert.equal(
    await page.locator('#code-error').textContent(),
    "Ce code est incorrect. Vérifiez que l'horloge de votre téléphone est à l'heure et utilisez le code le plus récent.",
  );
  await checkA11y(page, 'app enrol (wrong code, French)');
  await screenshot(page, NAME, 'fr-wrong-code');

  await page.goto(server.url('/security-info'));
  assert.deepEqual(await listedMethods(page), [], 'nothing registered');
  await browser.clearCookies();
});

test("in English, the next step's code is accepted on the Test page once that step has started", async () => {
  const { server } = env;
  assert.ok(secret && testPath, 'the app was enrolled');
  await signIn(page, server, 'ana@contoso.example');
  await page.goto(server.url(testPath));
  // The app shows a new code only when the next 30-s step starts.
  await pollUntil(() => stepOf(nowSeconds()) > stepOf(enrolTime), { timeout: 32_000, interval: 200, message: 'the next 30-s step' });
  const fresh = totp(secret, enrolTime + 30);
  assert.notEqual(fresh, enrolCode);
  assert.equal(await submitCode(page, fresh, 'Test', 'Code'), 200);
  assert.equal(await page.locator('#app-test-status').textContent(), 'Code accepted: Personal phone works.');
  assert.equal(await page.locator('#code-error').count(), 0);
  await checkA11y(page, 'app test (accepted)');
  await screenshot(page, NAME, 'en-test-accepted');

  // And that one is single-use too.
  assert.equal(await submitCode(page, fresh, 'Test', 'Code'), 400);
  assert.equal(await page.locator('#code-error').textContent(), 'This code was already used. Wait for the app to show a new one.');
  await screenshot(page, NAME, 'en-test-fresh-replayed');
  assert.ok(server.audit().some((e) => e.action === 'app_code_check' && e.result === 'success'));
});

test('axe: no serious or critical violation on any page that loaded', async () => {
  await a11y.assertClean();
});
