// Two-step verification at sign-in over a real SIP call: `sip_peers` (tests/peers) runs kamailio
// as the carrier and a baresip phone that answers by itself; secinfo runs with voice.provider =
// "sip". Ana (French) registers her mobile through the interrupt (the phone sends # over RTP, RFC
// 4733), signs out, signs in again: secinfo calls her over SIP with the sign-in prompt, the phone
// sends #, and the page lets her in by itself. Where fraud reports block, 0# makes the live call
// speak new words asking for 1, and 1 blocks her. axe runs on every page; screenshots in
// output/sign_in_sip/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  REPO_DIR,
  Server,
  checkA11y,
  checkEveryPage,
  clickAndWaitForNavigation,
  launchBrowser,
  listedMethods,
  makeTempDir,
  pollUntil,
  removeDir,
  screenshot,
  seedTenant,
  stopProcess,
  submitPhoneWizard,
  waitForCallStatus,
} from './lib/harness.mjs';
import { BaresipCtrl, promptFile, startSipPeers } from './lib/sip_peers.mjs';
import { VERIFICATION_PATH, setSignIn, signOut, submitPassword, waitForPath, waitForText } from './lib/sign_in_steps.mjs';

const NAME = 'sign_in_sip';
const ANA = { email: 'ana@contoso.example', name: 'Ana Lima', locale: 'fr', number: '06 12 34 56 78', e164: '+33612345678' };

let dir;
let peers;
let world;
let phone; // Ana's baresip, through ctrl_tcp
let server;
let browser;
let a11y;
let page;

function frenchSignIn() {
  return JSON.parse(fs.readFileSync(path.join(REPO_DIR, 'src', 'i18n', 'fr', 'sign_in.json'), 'utf8'));
}

function frenchSignInPrompt() {
  return frenchSignIn().voice_prompt_sign_in.replaceAll('{organization}', 'Contoso');
}

function tail(file, n = 40) {
  try {
    return fs.readFileSync(file, 'utf8').replace(/\r/g, '\n').split('\n').filter(Boolean).slice(-n).join('\n');
  } catch {
    return '(no log)';
  }
}

/** A test body that, when it fails, first prints what secinfo, the phone and kamailio logged. */
function logsOnFailure(body) {
  return async () => {
    try {
      await body();
    } catch (e) {
      const p = world.phones.find((x) => x.number === ANA.e164);
      console.log(
        `--- ${server.logFile}\n${tail(server.logFile)}\n--- baresip\n${tail(path.join(p.dir, 'baresip.log'))}\n` +
          `--- kamailio\n${tail(path.join(world.dir, 'kamailio', 'kamailio.log'))}`,
      );
      throw e;
    }
  };
}

before(async () => {
  dir = makeTempDir('secinfo-e2e-sign-in-sip-');
  peers = startSipPeers([`${ANA.e164}:auto`]);
  world = await peers.line;
  phone = await BaresipCtrl.connect(world.phones[0].ctrl_tcp_port, `baresip ${ANA.e164}`);
  server = new Server({ dir, env: { ...world.env, SECINFO_VOICE_SIP_PROMPT_CACHE_DIR: path.join(dir, 'prompts') } });
  seedTenant(server, { locale: 'fr', users: [ANA] });
  setSignIn(server, ['--mfa', 'all', '--skips', '0']);
  await server.start();
  browser = await launchBrowser(dir, { locale: 'fr-FR' });
  a11y = checkEveryPage(browser);
  page = await browser.newPage();
});

after(async () => {
  phone?.close();
  await browser?.close();
  await server?.stop();
  if (peers) await stopProcess(peers.proc, { grace: 15_000 });
  removeDir(dir);
});

test('Ana registers her mobile through the interrupt: the baresip phone answers and sends #', logsOnFailure(async () => {
  await submitPassword(page, server, ANA.email);
  await waitForPath(page, '/sign-in/setup');
  await clickAndWaitForNavigation(page, page.getByRole('link', { name: 'Téléphone', exact: true }));
  const since = phone.mark();
  await submitPhoneWizard(page, { type: 'mobile', region: 'FR', number: ANA.number });
  assert.match(page.url(), /\/security-info\/phone\/calls\/[^/?]+$/);
  await phone.waitForEvent('CALL_ESTABLISHED', { since });
  await waitForCallStatus(page, 'Appuyez sur la touche dièse (#)');
  await phone.command('sndcode', '#');
  await phone.waitForEvent('CALL_CLOSED', { since });
  await waitForCallStatus(page, 'Votre téléphone a bien été enregistré');
  await clickAndWaitForNavigation(page, page.getByRole('link', { name: 'Terminé' }));
  assert.deepEqual(await listedMethods(page), ['Téléphone mobile|+33 6 12 34 56 78']);
}));

test('at her next sign-in, secinfo calls her over SIP with the sign-in prompt; the phone sends # and she is in', logsOnFailure(async () => {
  await signOut(page);
  const since = phone.mark();
  const started = Date.now();
  await submitPassword(page, server, ANA.email);
  await waitForPath(page, VERIFICATION_PATH);
  assert.match(await page.locator('#verify-doing').textContent(), /^Nous appelons le \+33 X XX XX XX 78\./);

  // The phone answers by itself.
  const established = await phone.waitForEvent('CALL_ESTABLISHED', { since });
  assert.match(established.peeruri, /^sip:secinfo@127\.0\.0\.1/, 'the INVITE came through kamailio from secinfo');
  assert.match(established.accountaor, new RegExp(`^sip:\\${ANA.e164}@127\\.0\\.0\\.1`));
  await waitForText(() => page.locator('#verify-status').textContent(), /touche dièse/, 'the page to say the call was answered');
  await checkA11y(page, 'verify: answered over SIP (fr)');
  await screenshot(page, NAME, 'fr-answered');
  // What the phone hears is the French sign-in prompt, not the registration one.
  const prompt = promptFile(path.join(dir, 'prompts'), 'fr', frenchSignInPrompt());
  assert.ok(fs.existsSync(prompt), `the French sign-in prompt was spoken: ${prompt} (cache: ${fs.readdirSync(path.dirname(prompt)).join(' ')})`);

  const pressed = Date.now();
  await phone.command('sndcode', '#');
  await phone.waitForEvent('CALL_CLOSED', { since });
  await waitForPath(page, '/security-info');
  assert.equal(await page.locator('h1').textContent(), 'Informations de sécurité');
  assert.equal(await page.locator('.who').textContent(), ANA.name);
  console.log(`sign-in over SIP: call answered ${pressed - started} ms after the password; in ${Date.now() - pressed} ms after #`);
  await screenshot(page, NAME, 'fr-signed-in');
  const audit = server.audit().filter((e) => e.actor === ANA.email && e.at >= started - 1000);
  assert.ok(audit.some((e) => e.action === 'verify' && e.method === 'call' && e.result === 'success'), audit.map((e) => e.line).join('\n'));
}));

test('where reports block, 0# makes the call ask for 1 (and only then); 1 blocks her', logsOnFailure(async () => {
  setSignIn(server, ['--fraud-alert', 'on', '--fraud-block', 'on']);
  await signOut(page);
  const prompts = path.join(dir, 'prompts');
  const confirmPrompt = promptFile(prompts, 'fr', frenchSignIn().voice_prompt_fraud_reported);
  const since = phone.mark();
  await submitPassword(page, server, ANA.email);
  await waitForPath(page, VERIFICATION_PATH);
  await phone.waitForEvent('CALL_ESTABLISHED', { since });
  await waitForText(() => page.locator('#verify-status').textContent(), /touche dièse/, 'the page to say the call was answered');
  // The opening prompt is the plain sign-in one: the request for 1 is not spoken up front.
  const upFront = promptFile(prompts, 'fr', `${frenchSignInPrompt()} ${frenchSignIn().voice_prompt_fraud_confirm}`);
  assert.ok(!fs.existsSync(upFront), 'no opening prompt asking for 1');
  assert.ok(!fs.existsSync(confirmPrompt), 'nothing asked for 1 before 0#');

  await phone.command('sndcode', '0');
  await phone.command('sndcode', '#');
  // secinfo speaks the new words into the live call (SIP engine: the call's RTP now carries them).
  await pollUntil(() => fs.existsSync(confirmPrompt), { timeout: 15_000, message: `the call to speak ${confirmPrompt}` });
  await waitForText(() => page.locator('#verify-status').textContent(), /Appuyez sur 1/, 'the page to say the phone asks for 1');
  assert.equal(server.admin(['list-blocked', '--tenant', 'contoso.example']).match(/ana@contoso/), null, 'not blocked before 1');
  await phone.command('sndcode', '1');
  await phone.waitForEvent('CALL_CLOSED', { since });
  await waitForText(() => page.locator('main').innerText(), /bloquée après un signalement de fraude/, 'the page to say she is blocked');
  await checkA11y(page, 'verify: blocked after a fraud report over SIP (fr)');
  await screenshot(page, NAME, 'fr-blocked');
  assert.match(server.admin(['list-blocked', '--tenant', 'contoso.example']), /^ana@contoso\.example {2}blocked .*\(fraud_report: sign_in /m);
  const report = server.audit().find((e) => e.action === 'fraud_report');
  assert.equal(report?.result, 'confirmed', 'the report was confirmed with 1');
}));

test('axe: no serious or critical violation on any page that loaded', async () => {
  await a11y.assertClean();
});
