// Two-step verification at sign-in, the Quick start's story: a tenant with the demo's rules (set
// with `admin set-sign-in`: required for everyone, 14 days remembered, 3 skips, fraud alert and
// block). Ana (French) signs in, is asked to "Protégez votre compte", registers her mobile with #
// on the simulated phone and lands on Security info; she signs out, signs in again, is called on
// her masked number, presses #, and is in; the audit log has each step. Bruno (English) skips the
// interrupt until no skip is left; with --skips 0, Chloé cannot skip at all. axe runs on every
// page; screenshots in output/sign_in_call/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkA11y,
  checkEveryPage,
  clickAndWaitForNavigation,
  launchBrowser,
  listedMethods,
  postFormInPage,
  registerPhone,
  screenshot,
  startSeededServer,
} from './lib/harness.mjs';
import {
  DEMO_RULES,
  VERIFICATION_PATH,
  answerCall,
  pathOf,
  setSignIn,
  signOut,
  submitPassword,
  waitForPath,
  waitForText,
} from './lib/sign_in_steps.mjs';

const NAME = 'sign_in_call';
const ANA = { email: 'ana@contoso.example', name: 'Ana Lima', locale: 'fr' };
const BRUNO = { email: 'bruno@contoso.example', name: 'Bruno Petit', locale: 'en' };
const CHLOE = { email: 'chloe@contoso.example', name: 'Chloé Martin', locale: 'fr' };
const MOBILE = { number: '06 12 34 56 78', e164: '+33612345678', shown: '+33 6 12 34 56 78', masked: '+33 X XX XX XX 78' };

let env;
let browser;
let a11y;
let page;
let phonePage;

before(async () => {
  env = await startSeededServer({ locale: 'fr', users: [ANA, BRUNO, CHLOE] });
  const shown = setSignIn(env.server, DEMO_RULES);
  assert.match(shown, /two-step verification: all/);
  browser = await launchBrowser(env.dir, { locale: 'fr-FR' });
  a11y = checkEveryPage(browser);
  page = await browser.newPage();
  phonePage = await browser.newPage();
});

after(async () => {
  await browser?.close();
  await env?.stop();
});

test('show-policy and show-sign-in show the demo rules', () => {
  const rules = env.server.admin(['show-sign-in', '--tenant', 'contoso.example']);
  assert.match(rules, /^two-step verification: all$/m);
  assert.match(rules, /^remember browsers: 14 days$/m);
  assert.match(rules, /^registration skips allowed: 3$/m);
  assert.match(rules, /^fraud alert: on, block on report: on/m);
  assert.match(env.server.admin(['show-policy', '--tenant', 'contoso.example']), /two-step verification: all/);
});

test('in French, Ana is asked to protect her account, registers her phone with #, and lands on Security info', async () => {
  const { server } = env;
  await submitPassword(page, server, ANA.email);
  await waitForPath(page, '/sign-in/setup');
  assert.equal(await page.locator('h1').textContent(), 'Protégez votre compte');
  assert.equal(await page.getAttribute('html', 'lang'), 'fr');
  assert.equal(await page.locator('#setup-skip').textContent(), 'Ignorer pour le moment (3 restant(s))');
  await checkA11y(page, 'setup (fr)');
  await screenshot(page, NAME, 'fr-setup');

  // Security info itself waits until a method is registered (or the step skipped).
  await page.goto(server.url('/security-info'));
  assert.equal(pathOf(page), '/sign-in/setup');

  await clickAndWaitForNavigation(page, page.getByRole('link', { name: 'Téléphone', exact: true }));
  assert.equal(pathOf(page), '/security-info/phone');
  await registerPhone(page, phonePage, server, { type: 'mobile', region: 'FR', number: MOBILE.number, e164: MOBILE.e164 });
  assert.equal(await page.locator('#call').getAttribute('data-state'), 'confirmed');
  await screenshot(page, NAME, 'fr-registered');
  await clickAndWaitForNavigation(page, page.getByRole('link', { name: 'Terminé' }));
  assert.equal(pathOf(page), '/security-info');
  assert.deepEqual(await listedMethods(page), [`Téléphone mobile|${MOBILE.shown}`]);
  await checkA11y(page, 'security info after the interrupt (fr)');
  await screenshot(page, NAME, 'fr-security-info');

  // The registration proved the phone: changing security info right away asks for nothing more.
  await page.goto(server.url('/security-info/add'));
  assert.equal(pathOf(page), '/security-info/add');
  const audit = server.audit();
  assert.ok(audit.some((e) => e.action === 'sign_in_second_step' && e.result === 'registered' && e.actor === ANA.email), audit.map((e) => e.line).join('\n'));
});

test('in French, Ana signs out, signs in again, is called on her masked number, presses #, and is in', async () => {
  const { server } = env;
  await signOut(page);
  const since = Date.now();
  await submitPassword(page, server, ANA.email);
  // The call starts by itself.
  await waitForPath(page, VERIFICATION_PATH);
  assert.equal(await page.locator('h1').textContent(), 'Vérifier votre identité');
  assert.equal(
    await page.locator('#verify-doing').textContent(),
    `Nous appelons le ${MOBILE.masked}. Répondez et appuyez sur la touche dièse (#).`,
  );
  assert.ok(!(await page.locator('main').innerText()).includes('12 34 56'), 'the full number is never shown');
  await checkA11y(page, 'verify: calling (fr)');
  await screenshot(page, NAME, 'fr-calling');

  const prompt = await answerCall(phonePage, server, MOBILE.e164, []);
  assert.match(prompt, /Quelqu'un se connecte à votre compte/, `a sign-in prompt, not a registration: ${prompt}`);
  await waitForText(() => page.locator('#verify-status').textContent(), /touche dièse/, 'the page to say the call was answered');
  await checkA11y(page, 'verify: answered (fr)');
  await screenshot(page, NAME, 'fr-answered');
  await clickAndWaitForNavigation(phonePage, phonePage.locator('.keypad button[value="#"]'));

  // The page sees the call confirmed and continues by itself.
  await waitForPath(page, '/security-info');
  assert.equal(await page.locator('h1').textContent(), 'Informations de sécurité');
  assert.equal(await page.locator('.who').textContent(), ANA.name);
  await checkA11y(page, 'security info after the second step (fr)');
  await screenshot(page, NAME, 'fr-signed-in');

  const steps = server.audit().filter((e) => e.actor === ANA.email && e.at >= since - 1000).reverse();
  const line = (e) => `${e.action} ${e.method} ${e.result}`;
  const seen = steps.map(line);
  for (const want of ['sign_in password success', 'verify_start call sent', 'verify call success']) {
    assert.ok(seen.includes(want), `the audit log has "${want}":\n${steps.map((e) => e.line).join('\n')}`);
  }
  assert.ok(seen.indexOf('sign_in password success') < seen.indexOf('verify_start call sent'), 'password first, then the call');
  const signIn = steps.find((e) => e.action === 'sign_in');
  assert.equal(signIn.ip, '127.0.0.1');
  assert.match(signIn.detail, /Chrom/, `the user agent is recorded: ${signIn.detail}`);
  assert.match(steps.find((e) => e.action === 'verify').detail, /^sign_in with method \d+/);
});

test('in English, Bruno may skip the interrupt three times; the button says how many are left and then disappears', async () => {
  const { server } = env;
  await browser.clearCookies();
  for (const left of [3, 2, 1]) {
    await submitPassword(page, server, BRUNO.email);
    await waitForPath(page, '/sign-in/setup');
    assert.equal(await page.locator('h1').textContent(), 'Keep your account secure');
    const skip = page.locator('#setup-skip');
    assert.equal(await skip.textContent(), `Skip for now (${left} left)`);
    if (left === 3) {
      await checkA11y(page, 'setup (en)');
      await screenshot(page, NAME, 'en-setup');
    }
    await clickAndWaitForNavigation(page, skip);
    assert.equal(pathOf(page), '/security-info', 'skipping leads on');
    assert.equal(await page.locator('h1').textContent(), 'Security info');
    await signOut(page);
  }
  await submitPassword(page, server, BRUNO.email);
  await waitForPath(page, '/sign-in/setup');
  assert.equal(await page.locator('#setup-skip').count(), 0, 'no skip left');
  assert.match(await page.locator('main').innerText(), /Choose a method to set up/);
  await checkA11y(page, 'setup, no skip left (en)');
  await screenshot(page, NAME, 'en-setup-no-skip');
  // Skipping anyway, with a hand-made form, changes nothing.
  await postFormInPage(page, '/sign-in/setup/skip', { csrf: await page.locator('input[name=csrf]').first().inputValue() });
  assert.equal(pathOf(page), '/sign-in/setup');
  await page.goto(server.url('/security-info'));
  assert.equal(pathOf(page), '/sign-in/setup');
  const skips = server.audit().filter((e) => e.actor === BRUNO.email && e.action === 'sign_in_second_step' && e.result === 'skipped');
  assert.equal(skips.length, 3, 'three skips in the audit log');
  await signOut(page);
});

test('in French, with --skips 0, Chloé has no skip button and must register a method', async () => {
  const { server } = env;
  assert.match(setSignIn(server, ['--skips', '0']), /registration skips allowed: 0/);
  await submitPassword(page, server, CHLOE.email);
  await waitForPath(page, '/sign-in/setup');
  assert.equal(await page.locator('h1').textContent(), 'Protégez votre compte');
  assert.equal(await page.locator('#setup-skip').count(), 0);
  const choices = await page.locator('#setup .choices a').allTextContents();
  assert.deepEqual(choices, ['Téléphone'], 'the methods the tenant allows for sign-in');
  await checkA11y(page, 'setup without skips (fr)');
  await screenshot(page, NAME, 'fr-setup-no-skips');
  await postFormInPage(page, '/sign-in/setup/skip', { csrf: await page.locator('input[name=csrf]').first().inputValue() });
  assert.equal(pathOf(page), '/sign-in/setup');
  await page.goto(server.url('/security-info'));
  assert.equal(pathOf(page), '/sign-in/setup', 'nothing but registering until a method is there');
  assert.ok(!server.audit().some((e) => e.actor === CHLOE.email && e.result === 'skipped'));
  setSignIn(server, ['--skips', '3']);
});

test('axe: no serious or critical violation on any page that loaded', async () => {
  await a11y.assertClean();
});
