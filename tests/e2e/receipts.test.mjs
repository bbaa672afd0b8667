// Delivery receipts across nodes. Two `secinfo serve` on one PostgreSQL, each with its own SMPP
// transceiver bind to one Net::SMPP SMSC (tests/peers/smsc.pl, Debian's libnet-smpp-perl) that
// sends every receipt on the OTHER node's bind (--receipts-elsewhere) and reports texts to
// +33 6 98... as undelivered (--undeliverable): the receipt reaches the node that owns the
// challenge only through the database. In Chromium:
// - Ana (French) asks node A for a code; the network cannot deliver it; node B received the
//   receipt, and the code page, served by node B, says so and offers a new code or another way;
// - Bruno (English) asks node B for a code; node A received the "delivered" receipt, and the code
//   page served by node A shows it in place; his code registers the mobile;
// - at sign-in, Ana's texted code (second step) is not delivered: node B's page says so and
//   offers to try again or another way.
// Both cases are in the audit log. The peers run on loopback on free ports, stopped by PID.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Postgresql,
  Server,
  checkA11y,
  checkEveryPage,
  clickAndWaitForNavigation,
  launchBrowser,
  listedMethods,
  makeTempDir,
  pollUntil,
  registerPhone,
  removeDir,
  screenshot,
  seedTenant,
  signIn,
  stopProcess,
  textMeACode,
  waitForAudit,
} from './lib/harness.mjs';
import { VERIFICATION_PATH, pathOf, setSignIn, submitPassword, waitForPath } from './lib/sign_in_steps.mjs';
import { decodeSms, smscRecords, smscTextsTo, startSmsc } from './lib/smsc.mjs';

const NAME = 'receipts';
const SYSTEM_ID = 'secinfo';
const SMSC_PASSWORD = 'smsc-pw';
const ANA = { email: 'ana@contoso.example', name: 'Ana Lima', locale: 'fr' };
const BRUNO = { email: 'bruno@contoso.example', name: 'Bruno Petit', locale: 'en' };
const UNREACHABLE = { number: '06 98 76 54 32', e164: '+33698765432', shown: '+33 6 98 76 54 32' };
const REACHABLE = { number: '06 12 34 56 78', e164: '+33612345678', shown: '+33 6 12 34 56 78' };

let pg;
let dir;
let smsc;
let a;
let b;
let browser;
let english;
let a11y;
let a11yEnglish;

before(async () => {
  pg = Postgresql.start();
  dir = makeTempDir('secinfo-receipts-');
  smsc = await startSmsc(dir, {
    systemId: SYSTEM_ID,
    password: SMSC_PASSWORD,
    options: ['--receipts', '--receipts-elsewhere', '--undeliverable', UNREACHABLE.e164.slice(1, 5)],
  });
  const env = {
    SECINFO_DATABASE_BACKEND: 'postgresql',
    SECINFO_DATABASE_CONNECTION: pg.newDatabase('secinfo'),
    SECINFO_SMS_PROVIDER: 'smpp',
    SECINFO_SMS_SENDER: 'Contoso',
    SECINFO_SMS_SMPP_HOST: '127.0.0.1',
    SECINFO_SMS_SMPP_PORT: String(smsc.port),
    SECINFO_SMS_SMPP_SYSTEM_ID: SYSTEM_ID,
    SECINFO_SMS_SMPP_PASSWORD: SMSC_PASSWORD,
  };
  a = new Server({ dir, name: 'node-a', env });
  b = new Server({ dir, name: 'node-b', env });
  seedTenant(a, { locale: 'fr', allow: 'phone', users: [ANA, BRUNO] });
  await a.start(); // creates the key file, which B then reads
  await pollUntil(() => smscRecords(smsc, 'bind').length === 1, { message: "node A's bind" });
  await b.start();
  // /readyz waits for each bind: both nodes hold one, A on link 1, B on link 2.
  const binds = smscRecords(smsc, 'bind');
  assert.deepEqual(
    binds.map((r) => `${r.link}:${r.result}`),
    ['1:ok', '2:ok'],
    JSON.stringify(binds),
  );
  browser = await launchBrowser(dir, { locale: 'fr-FR' });
  a11y = checkEveryPage(browser);
});

after(async () => {
  await browser?.close();
  await english?.close();
  await a?.stop();
  await b?.stop();
  await stopProcess(smsc?.proc);
  pg?.stopSync();
  if (process.exitCode) console.log(`kept ${dir} (node logs, SMSC log)`);
  else removeDir(dir);
});

/** The submit_sm and receipt the SMSC logged for texts to `e164`, oldest first. */
const textsTo = (e164) => smscTextsTo(smsc, e164.slice(1));

test('node A texts Ana a code the network cannot deliver: node B got the receipt and its page says so', async () => {
  const page = await browser.newPage();
  await signIn(page, a, ANA.email);
  await page.goto(a.url('/security-info/phone'));
  const codePath = await textMeACode(page, UNREACHABLE.number, "M'envoyer un code par SMS", 'Suivant');

  const [text] = textsTo(UNREACHABLE.e164);
  assert.equal(text.submit.link, '1', "node A's bind submitted the text");
  await pollUntil(() => textsTo(UNREACHABLE.e164)[0].receipt, { message: 'the SMSC to send the receipt' });
  assert.equal(textsTo(UNREACHABLE.e164)[0].receipt.link, '2', "the receipt went on node B's bind");
  assert.equal(textsTo(UNREACHABLE.e164)[0].receipt.stat, 'UNDELIV');
  await pollUntil(() => b.log().includes(`receipt for message ${text.submit.message_id}: UNDELIV`), {
    message: "node B's log to show the receipt",
  });
  assert.ok(!a.log().includes(`receipt for message ${text.submit.message_id}`), 'node A never saw it');

  // The person's page, now served by node B (the cookie is the host's: one session for both).
  await page.goto(b.url(codePath));
  const undelivered = page.locator('#code-undelivered');
  await pollUntil(async () => (await undelivered.count()) > 0, { message: 'the page to say the text was not delivered' });
  assert.equal(
    await undelivered.textContent(),
    `Le réseau n'a pas pu remettre le SMS au ${UNREACHABLE.shown}. Envoyez un nouveau code ou choisissez une autre façon de vérifier ce téléphone.`,
  );
  assert.equal(await page.getByRole('link', { name: 'Choisir une autre façon' }).getAttribute('href'), '/security-info/phone');
  assert.equal(await page.getByRole('button', { name: 'Envoyer un nouveau code' }).count(), 1, 'a new code may be asked for');
  await checkA11y(page, 'code page, text not delivered');
  await screenshot(page, NAME, 'fr-not-delivered-on-b');

  // Recorded, then audited, by node B's receipt job: the page may show it a moment before.
  const audited = await waitForAudit(a, 'code_delivery', 'the undelivered text in the audit log');
  assert.equal(audited.length, 1, JSON.stringify(audited));
  assert.equal(audited[0].result, 'undelivered');
  assert.match(audited[0].detail, new RegExp(`to \\${UNREACHABLE.e164}; send 1, message ${text.submit.message_id}: UNDELIV err:001`));
  await page.close();
});

test('node B texts Bruno a code: node A got the "delivered" receipt, its page shows it in place, and the code registers the mobile', async () => {
  english = await launchBrowser(dir, { locale: 'en-US' });
  a11yEnglish = checkEveryPage(english);
  const page = await english.newPage();
  await signIn(page, b, BRUNO.email);
  await page.goto(b.url('/security-info/phone'));
  const codePath = await textMeACode(page, REACHABLE.number, 'Text me a code', 'Next');
  // Served by node A from here, before or after the receipt (the page asks until it knows).
  await page.goto(a.url(codePath));
  const delivered = page.locator('#delivery-status');
  await pollUntil(async () => await delivered.isVisible(), { message: 'the page to show the text was delivered' });
  assert.equal(await delivered.textContent(), 'The text reached your phone.');
  const [text] = textsTo(REACHABLE.e164);
  assert.equal(text.submit.link, '2', "node B's bind submitted the text");
  assert.equal(text.receipt.link, '1', "the receipt went on node A's bind");
  await checkA11y(page, 'code page, text delivered');
  await screenshot(page, NAME, 'en-delivered-on-a');

  const code = decodeSms(text.submit).match(/\b(\d{6})\b/)[1];
  await page.getByLabel('Code', { exact: true }).fill(code);
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Next' }));
  await page.goto(a.url('/security-info'));
  assert.ok((await listedMethods(page)).some((t) => t.endsWith(`|${REACHABLE.shown}`)), 'the mobile is registered');
  const audited = b.audit().filter((e) => e.action === 'code_delivery' && e.actor === BRUNO.email);
  assert.deepEqual(audited.map((e) => e.result), ['delivered']);
});

test("at sign-in, Ana's texted code is not delivered: the other node's page says so and offers another try or another way", async () => {
  // Her mobile, registered by a call on the simulated phone network.
  const page = await browser.newPage();
  const phonePage = await browser.newPage();
  await page.goto(a.url('/security-info/phone')); // still signed in from the first test
  await registerPhone(page, phonePage, a, { type: 'mobile', region: 'FR', number: UNREACHABLE.number, e164: UNREACHABLE.e164 });
  setSignIn(a, ['--mfa', 'all', '--skips', '0']);
  await browser.clearCookies();

  await submitPassword(page, a, ANA.email);
  await waitForPath(page, VERIFICATION_PATH); // the default proof, a call, starts at once
  await clickAndWaitForNavigation(page, page.locator('#other-way'));
  await clickAndWaitForNavigation(page, page.locator('button[data-proof="sms"]'));
  await waitForPath(page, VERIFICATION_PATH);
  const verifyPath = pathOf(page) + new URL(page.url()).search;
  const before = textsTo(UNREACHABLE.e164).length;
  assert.ok(before >= 2, 'node A texted the second step');

  await page.goto(b.url(verifyPath));
  const error = page.locator('#verify-error');
  await pollUntil(async () => (await error.count()) > 0, { message: 'the verification page to say the text was not delivered' });
  assert.equal(
    await error.textContent(),
    "Le réseau n'a pas pu remettre le SMS au +33 X XX XX XX 32. Réessayez ou connectez-vous d'une autre façon.",
  );
  assert.equal(await page.locator('#code').count(), 0, 'no code field for a code that will not come');
  assert.equal(await page.locator('#try-again').count(), 1);
  assert.equal(await page.locator('#other-way').count(), 1);
  await checkA11y(page, 'verification, text not delivered');
  await screenshot(page, NAME, 'fr-sign-in-not-delivered-on-b');
  const audited = a.audit().filter((e) => e.action === 'code_delivery' && e.actor === ANA.email);
  assert.deepEqual(audited.map((e) => e.result), ['undelivered', 'undelivered']);
});

test('axe: no serious or critical violation on any page that loaded', async () => {
  await a11y.assertClean();
  await a11yEnglish?.assertClean();
});
