// Remembered browsers and step-up, on a tenant that requires two-step verification and lets
// browsers be remembered for 7 days (`admin set-sign-in --remember-days 7`). Ana (French) ticks
// "Ne plus demander pendant 7 jours" while answering her sign-in call: the next sign-in skips the
// second step; after "Oublier" on the signed-in browsers page it is asked again; and after "Se
// déconnecter partout ailleurs" from a second browser, the first one is signed out and asked
// again. Bruno (English), signed in on a remembered browser (which proved nothing), is asked to
// verify before deleting his phone, and is then brought back to the delete confirmation. axe runs
// on every page in both browsers; screenshots in output/sign_in_remember/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkA11y,
  checkEveryPage,
  clickAndWaitForNavigation,
  launchBrowser,
  listedMethods,
  registerPhone,
  screenshot,
  startSeededServer,
} from './lib/harness.mjs';
import {
  VERIFICATION_PATH,
  answerCall,
  pathOf,
  setSignIn,
  signOut,
  submitPassword,
  waitForPath,
} from './lib/sign_in_steps.mjs';

const NAME = 'sign_in_remember';
const ANA = { email: 'ana@contoso.example', name: 'Ana Lima', locale: 'fr', number: '06 12 34 56 78', e164: '+33612345678' };
const BRUNO = { email: 'bruno@contoso.example', name: 'Bruno Petit', locale: 'en', number: '07 81 23 45 67', e164: '+33781234567' };
const REMEMBER_COOKIE = 'secinfo_remember';

let env;
let browser; // Ana's first browser, then Bruno's
let other; // Ana's second browser
let a11y;
let a11yOther;
let page;
let phonePage;

before(async () => {
  env = await startSeededServer({ locale: 'fr', users: [ANA, BRUNO] });
  assert.match(setSignIn(env.server, ['--mfa', 'all', '--remember-days', '7', '--skips', '0']), /remember browsers: 7 days/);
  browser = await launchBrowser(env.dir, { locale: 'fr-FR' });
  a11y = checkEveryPage(browser);
  page = await browser.newPage();
  phonePage = await browser.newPage();
});

after(async () => {
  await other?.close();
  await browser?.close();
  await env?.stop();
});

/** The person's first sign-in: the interrupt, then their phone registered with #. */
async function registerThroughInterrupt(person, methodLabel) {
  await browser.clearCookies();
  await submitPassword(page, env.server, person.email);
  await waitForPath(page, '/sign-in/setup');
  await clickAndWaitForNavigation(page, page.getByRole('link', { name: methodLabel, exact: true }));
  await registerPhone(page, phonePage, env.server, { type: 'mobile', region: 'FR', number: person.number, e164: person.e164 });
  assert.equal(await page.locator('#call').getAttribute('data-state'), 'confirmed');
}

/**
 * Password, then the sign-in call answered with # in `phone`; `remember`: tick "Don't ask again"
 * while the phone rings. Ends on `landing`.
 */
async function signInWithCall(p, phone, person, { remember = false, rememberLabel, landing = '/security-info' } = {}) {
  await submitPassword(p, env.server, person.email);
  await waitForPath(p, VERIFICATION_PATH);
  if (remember) {
    await p.getByLabel(rememberLabel).check();
    await checkA11y(p, 'verify: call with the remember box ticked');
  }
  await answerCall(phone, env.server, person.e164);
  await waitForPath(p, landing);
}

const rememberCookies = async (context) => (await context.cookies()).filter((c) => c.name === REMEMBER_COOKIE);

test('in French, "Ne plus demander pendant 7 jours" makes the next sign-in skip the second step', async () => {
  const { server } = env;
  await registerThroughInterrupt(ANA, 'Téléphone');
  await signOut(page);

  await signInWithCall(page, phonePage, ANA, { remember: true, rememberLabel: 'Ne plus demander pendant 7 jours sur ce navigateur' });
  await screenshot(page, NAME, 'fr-signed-in-remembered');
  const [cookie] = await rememberCookies(browser);
  assert.ok(cookie, 'the browser got a remember cookie');
  assert.ok(cookie.httpOnly, 'HttpOnly');
  assert.equal(cookie.sameSite, 'Strict');
  const days = (cookie.expires - Date.now() / 1000) / 86400;
  assert.ok(days > 6.9 && days <= 7, `kept 7 days: ${days.toFixed(2)}`);

  await signOut(page);
  const since = Date.now();
  await submitPassword(page, server, ANA.email);
  assert.equal(pathOf(page), '/security-info', 'no second step on this browser');
  assert.equal(await page.locator('h1').textContent(), 'Informations de sécurité');
  const signIns = server.audit().filter((e) => e.actor === ANA.email && e.action === 'sign_in' && e.at >= since - 1000);
  assert.equal(signIns.length, 1);
  assert.match(signIns[0].detail, /remembered browser/, signIns[0].line);
  assert.ok(!server.audit().some((e) => e.actor === ANA.email && e.action === 'verify_start' && e.at >= since - 1000), 'no call, no text');
});

test('in French, after "Oublier" on the signed-in browsers page, the second step is asked again', async () => {
  const { server } = env;
  await clickAndWaitForNavigation(page, page.locator('#sessions-link'));
  assert.equal(pathOf(page), '/security-info/sessions');
  assert.equal(await page.locator('h1').textContent(), 'Navigateurs connectés');
  const rows = page.locator('#sessions table').nth(1).locator('tbody tr');
  assert.equal(await rows.count(), 1, 'one remembered browser');
  assert.match(await rows.first().innerText(), /HeadlessChrome|Chrom/);
  await checkA11y(page, 'sessions with a remembered browser (fr)');
  await screenshot(page, NAME, 'fr-sessions');

  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Oublier' }));
  assert.equal(await page.locator('#sessions-notice').textContent(), 'La deuxième étape sera de nouveau demandée sur ce navigateur.');
  assert.match(await page.locator('main').innerText(), /Aucun navigateur n'est mémorisé\./);
  await checkA11y(page, 'sessions after forgetting (fr)');
  await screenshot(page, NAME, 'fr-forgotten');

  await signOut(page);
  await submitPassword(page, server, ANA.email);
  await waitForPath(page, VERIFICATION_PATH);
  assert.match(await page.locator('#verify-doing').textContent(), /^Nous appelons le \+33 X XX XX XX 78\./);
  // She answers, and asks again to be remembered.
  await page.getByLabel('Ne plus demander pendant 7 jours sur ce navigateur').check();
  await answerCall(phonePage, server, ANA.e164);
  await waitForPath(page, '/security-info');
});

test('in French, "Se déconnecter partout ailleurs" from a second browser signs the first out and forgets it', async () => {
  const { server } = env;
  assert.equal((await rememberCookies(browser)).length, 1);
  other = await launchBrowser(env.dir, { locale: 'fr-FR' });
  a11yOther = checkEveryPage(other);
  const otherPage = await other.newPage();
  await signInWithCall(otherPage, phonePage, ANA);

  await otherPage.goto(server.url('/security-info/sessions'));
  const signedIn = otherPage.locator('#sessions table').first().locator('tbody tr');
  assert.equal(await signedIn.count(), 2, 'both browsers are listed');
  assert.equal(await otherPage.locator('#sessions tr.current').count(), 1);
  assert.match(await otherPage.locator('#sessions tr.current').innerText(), /ce navigateur/);
  await checkA11y(otherPage, 'sessions, two browsers (fr)');
  await screenshot(otherPage, NAME, 'fr-two-browsers');
  await clickAndWaitForNavigation(otherPage, otherPage.getByRole('button', { name: 'Se déconnecter partout ailleurs' }));
  assert.equal(
    await otherPage.locator('#sessions-notice').textContent(),
    'Vous avez été déconnecté partout ailleurs et plus aucun navigateur n\'est mémorisé.',
  );
  assert.equal(await signedIn.count(), 1);
  await screenshot(otherPage, NAME, 'fr-signed-out-elsewhere');

  // The first browser's session is over, and its remember cookie no longer skips anything.
  await page.goto(server.url('/security-info'));
  assert.equal(pathOf(page), '/sign-in');
  assert.equal((await rememberCookies(browser)).length, 1, 'the cookie is still there, but revoked on the server');
  await submitPassword(page, server, ANA.email);
  await waitForPath(page, VERIFICATION_PATH);
  assert.equal(await page.locator('h1').textContent(), 'Vérifier votre identité');
  await screenshot(page, NAME, 'fr-asked-again');
  await other.close();
  other = null;
  await a11yOther.assertClean();
});

test('in English, on a remembered browser Bruno must verify before deleting his phone, then is brought back to the confirmation', async () => {
  const { server } = env;
  await registerThroughInterrupt(BRUNO, 'Phone');
  await signOut(page);
  await signInWithCall(page, phonePage, BRUNO, { remember: true, rememberLabel: "Don't ask again for 7 days on this browser" });
  await signOut(page);
  await submitPassword(page, server, BRUNO.email);
  assert.equal(pathOf(page), '/security-info', 'remembered: no second step');
  assert.deepEqual(await listedMethods(page), ['Mobile phone|+33 7 81 23 45 67']);

  // Looking needs nothing; deleting asks for a proof first.
  await clickAndWaitForNavigation(page, page.getByRole('link', { name: 'Delete Mobile phone +33 7 81 23 45 67' }));
  await waitForPath(page, VERIFICATION_PATH);
  assert.equal(await page.locator('h1').textContent(), "Verify it's you before changing your security info");
  assert.equal(await page.locator('#remember').count(), 0, 'no "Don\'t ask again" for a step-up');
  assert.equal(await page.locator('#verify-doing').textContent(), "We're calling +33 X XX XX XX 67. Answer and press the pound key (#).");
  await checkA11y(page, 'step-up: calling (en)');
  await screenshot(page, NAME, 'en-step-up');
  await answerCall(phonePage, server, BRUNO.e164);

  await waitForPath(page, /^\/security-info\/methods\/\d+\/delete$/);
  assert.equal(await page.locator('h1').textContent(), 'Delete this method?');
  assert.match(await page.locator('#delete-question').textContent(), /\+33 7 81 23 45 67/);
  await checkA11y(page, 'delete confirmation after step-up (en)');
  await screenshot(page, NAME, 'en-delete-confirm');
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Delete' }));
  assert.equal(pathOf(page), '/security-info');
  assert.equal(await page.locator('.notice').textContent(), 'The method was deleted.');
  assert.deepEqual(await listedMethods(page), []);
  const audit = server.audit().filter((e) => e.actor === BRUNO.email);
  assert.ok(audit.some((e) => e.action === 'verify' && e.result === 'success' && /^step_up /.test(e.detail)), audit.map((e) => e.line).join('\n'));
  assert.ok(audit.some((e) => e.action === 'method_delete' && e.result === 'success'));
});

test('axe: no serious or critical violation on any page that loaded', async () => {
  await a11y.assertClean();
});
