// Fraud alert at sign-in, with mail going to a real SMTP peer: aiosmtpd (Debian's
// python3-aiosmtpd) writes a Maildir, and secinfo runs with email.provider = "smtp". The tenant
// (French) blocks on a confirmed report and tells two addresses. Ana (English) registers her
// phone through the interrupt and gets "A method was added" in English; at her next sign-in she
// presses 0# on the call, which only then says that fraud was reported and asks for 1 (the
// simulated phone shows the new words, also on a phone page nobody touches), then 1 to confirm:
// the page says her verification is blocked, `admin
// list-blocked` lists her, the tenant's addresses get the report in French, and signing in again
// stops at the block until `admin unblock --reason` lifts it. axe runs on every page; screenshots
// in output/sign_in_fraud/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Server,
  checkA11y,
  checkEveryPage,
  clickAndWaitForNavigation,
  launchBrowser,
  makeTempDir,
  pollUntil,
  pressKey,
  registerPhone,
  removeDir,
  screenshot,
  seedTenant,
} from './lib/harness.mjs';
import { SmtpPeer } from './lib/smtp_peer.mjs';
import {
  VERIFICATION_PATH,
  answerCall,
  pathOf,
  setSignIn,
  signOut,
  submitPassword,
  waitForPath,
} from './lib/sign_in_steps.mjs';

const NAME = 'sign_in_fraud';
const FROM = 'securite@contoso.example';
const NOTIFY = ['rssi@contoso.example', 'helpdesk@contoso.example'];
const ANA = { email: 'ana@contoso.example', name: 'Ana Lima', locale: 'en', number: '06 12 34 56 78', e164: '+33612345678' };

let dir;
let smtp; // SmtpPeer
let server;
let browser;
let a11y;
let page;
let phonePage;

before(async () => {
  dir = makeTempDir('secinfo-e2e-fraud-');
  smtp = await SmtpPeer.start(dir);
  server = new Server({ dir, env: smtp.serverEnv(FROM) });
  seedTenant(server, { locale: 'fr', users: [ANA] });
  const rules = setSignIn(server, ['--mfa', 'all', '--skips', '0', '--fraud-alert', 'on', '--fraud-block', 'on', '--notify', NOTIFY.join(',')]);
  assert.match(rules, /fraud alert: on, block on report: on, notify: rssi@contoso\.example, helpdesk@contoso\.example/);
  await server.start();
  browser = await launchBrowser(dir, { locale: 'en-US' });
  a11y = checkEveryPage(browser);
  page = await browser.newPage();
  phonePage = await browser.newPage();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await smtp?.stop();
  if (process.exitCode) console.log(`kept ${dir} (server log, Maildir)`);
  else removeDir(dir);
});

test('Ana registers her phone through the interrupt and is told by mail, in her language (English)', async () => {
  await submitPassword(page, server, ANA.email);
  await waitForPath(page, '/sign-in/setup');
  assert.equal(await page.locator('h1').textContent(), 'Keep your account secure');
  await clickAndWaitForNavigation(page, page.getByRole('link', { name: 'Phone', exact: true }));
  await registerPhone(page, phonePage, server, { type: 'mobile', region: 'FR', number: ANA.number, e164: ANA.e164 });
  assert.equal(await page.locator('#call').getAttribute('data-state'), 'confirmed');

  const mail = await smtp.waitForMail(ANA.email, /method was added/);
  assert.equal(mail.subject, 'Contoso: A method was added to your security info');
  assert.match(mail.from, new RegExp(FROM));
  assert.match(mail.text, /^Hello Ana Lima,/);
  assert.match(mail.text, /^A method was added to your security info: Mobile phone\.$/m);
  assert.match(mail.text, /From: 127\.0\.0\.1/);
  assert.match(mail.text, /When: \d{4}-\d{2}-\d{2}/);
});

test('at sign-in Ana presses 0# then 1: she is blocked, listed by list-blocked, and the tenant is told in French', async () => {
  await signOut(page);
  await submitPassword(page, server, ANA.email);
  await waitForPath(page, VERIFICATION_PATH);
  const verifyPath = pathOf(page);
  const prompt = await answerCall(phonePage, server, ANA.e164, ['0']);
  assert.match(prompt, /Someone is signing in to your account/, `a sign-in prompt: ${prompt}`);
  assert.match(prompt, /press zero, then the pound key, to report it\.$/, prompt);
  assert.doesNotMatch(prompt, /1/, 'the opening prompt says nothing of 1: nothing was reported yet');
  assert.equal(await phonePage.locator('#said').count(), 0, 'nothing said after the opening prompt yet');
  // A second page on the same phone, left alone: it must learn by itself that the call says more.
  const watcher = await browser.newPage();
  await watcher.goto(phonePage.url());
  assert.equal(await watcher.locator('#said').count(), 0);

  await pressKey(phonePage, '#');
  // Only now does the call say that fraud was reported, and ask for 1 to confirm it.
  const said = 'You reported fraud. The request was denied. To confirm your report and block requests to verify your identity until your administrator reviews them, press 1. Otherwise, hang up.';
  assert.equal(await phonePage.locator('#said').textContent(), said);
  assert.equal(await phonePage.locator('#said').getAttribute('lang'), 'en');
  assert.equal(await phonePage.locator('#prompt').textContent(), prompt, 'the opening prompt still shows above');
  await pollUntil(async () => (await watcher.locator('#said').textContent().catch(() => '')) === said, {
    message: 'the phone page left open to show what the call now says',
  });
  await checkA11y(phonePage, 'sim phone: the call asks to confirm the fraud report (en)');
  await watcher.close();
  await screenshot(phonePage, NAME, 'phone-confirm-fraud');
  await pressKey(phonePage, '1');

  // The sign-in page learns of it by itself.
  await pollUntil(async () => (await page.locator('#verification').getAttribute('data-state').catch(() => 'pending')) !== 'pending', {
    timeout: 15_000,
    message: 'the verify page to show the end of the call',
  });
  assert.equal(pathOf(page), verifyPath);
  const text = await page.locator('main').innerText();
  assert.match(text, /Your two-step verification is blocked after a fraud report\. Contact your administrator\./, text);
  assert.doesNotMatch(text, /registered/, 'nothing about registering a phone at sign-in');
  assert.equal(await page.locator('#verify-finish').count(), 0, 'no way on');
  assert.equal(await page.locator('#try-again').count(), 0, 'no "Try again": every way is blocked');
  assert.equal(await page.locator('#verify-error').getAttribute('role'), 'alert');
  await checkA11y(page, 'verify: blocked after a fraud report (en)');
  await screenshot(page, NAME, 'en-blocked');

  const blocked = server.admin(['list-blocked', '--tenant', 'contoso.example']);
  assert.match(blocked, /^ana@contoso\.example {2}blocked .* until .*\(fraud_report: sign_in /m, blocked);
  // The call's report (0# then 1: confirmed), and what the tenant's rules made of it (blocked).
  const audit = server.audit();
  const lines = audit.map((e) => e.line).join('\n');
  const reports = audit.filter((e) => e.action === 'fraud_report');
  assert.deepEqual(reports.map((e) => [e.actor, e.method, e.result]), [[ANA.email, 'phone:mobile', 'confirmed']], lines);
  assert.match(reports[0].detail, /sign_in/);
  const responses = audit.filter((e) => e.action === 'fraud_response');
  assert.deepEqual(responses.map((e) => [e.actor, e.result]), [[ANA.email, 'blocked']], lines);

  for (const to of NOTIFY) {
    const mail = await smtp.waitForMail(to, /fraude signalée/);
    assert.equal(mail.subject, 'Contoso : fraude signalée par ana@contoso.example');
    assert.match(mail.text, /^ana@contoso\.example a signalé une connexion qu'il n'a pas demandée/);
    assert.match(mail.text, /Demandée depuis : 127\.0\.0\.1/);
    assert.match(mail.text, /est bloquée jusqu'à ce qu'un administrateur la débloque/);
  }
  assert.ok(!smtp.mails().some((m) => m.to.includes(ANA.email) && /fraud/i.test(m.subject)), 'the report goes to the tenant, not to Ana');
});

test('while blocked, signing in stops at the block; admin unblock --reason lifts it', async () => {
  await page.context().clearCookies();
  await submitPassword(page, server, ANA.email);
  assert.equal(pathOf(page), '/sign-in/verify');
  assert.equal(await page.locator('main .message').textContent(), 'Your two-step verification is blocked after a fraud report. Contact your administrator.');
  await checkA11y(page, 'verify: blocked (en)');
  await screenshot(page, NAME, 'en-still-blocked');
  await page.goto(server.url('/security-info'));
  assert.notEqual(pathOf(page), '/security-info', 'not in');

  assert.throws(() => server.admin(['unblock', '--tenant', 'contoso.example', '--user', ANA.email, '--reason', ' ']), /reason/);
  assert.match(server.admin(['unblock', '--tenant', 'contoso.example', '--user', ANA.email, '--reason', 'Ana lost her phone; new one checked by the helpdesk']), /can verify again/);
  assert.match(server.admin(['list-blocked', '--tenant', 'contoso.example']), /nobody is blocked or locked/);
  const unblock = server.audit().find((e) => e.action === 'unblock');
  assert.equal(unblock?.detail, 'Ana lost her phone; new one checked by the helpdesk');

  await page.goto(server.url('/security-info'));
  await waitForPath(page, VERIFICATION_PATH);
  await answerCall(phonePage, server, ANA.e164);
  await waitForPath(page, '/security-info');
  assert.equal(await page.locator('.who').textContent(), ANA.name);
});

test('axe: no serious or critical violation on any page that loaded', async () => {
  await a11y.assertClean();
});
