// Delivery receipts through an HTTP SMS gateway. `secinfo serve` sends texts with
// sms.provider = "http" to Kannel's sendsms, asking for delivery reports (dlr-mask=3,
// dlr-url={receipt_url}); Kannel is bound over SMPP to the Net::SMPP test SMSC
// (tests/peers/smsc.pl, Debian's libnet-smpp-perl), which reports texts to +33 6 98... as
// undelivered and the others as delivered. So a real receipt travels SMSC → Kannel → our signed
// callback link → the store → the person's page. In Chromium:
// - Ana (French) asks for a code the network cannot deliver: her code page says so and offers a
//   new code or another way; the audit log has it;
// - Bruno (English) asks for a code that arrives: his page says the text reached his phone;
// - a forged or altered callback is refused (400) and changes nothing.
// The peers run on loopback on free ports, stopped by PID.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  REPO_DIR,
  Server,
  checkA11y,
  checkEveryPage,
  firstJsonLine,
  freePort,
  launchBrowser,
  makeTempDir,
  pollUntil,
  removeDir,
  screenshot,
  seedTenant,
  signIn,
  spawnPeer,
  stopProcess,
  textMeACode,
  waitForAudit,
} from './lib/harness.mjs';
import { smscRecords, smscTextsTo, startSmsc } from './lib/smsc.mjs';

const NAME = 'http_receipts';
const KANNEL_PEERS = process.env.SECINFO_KANNEL_PEERS || path.join(REPO_DIR, 'build', 'tests', 'kannel_peers');
const SYSTEM_ID = 'kannel';
const SMSC_PASSWORD = 'smsc-pw';
const ANA = { email: 'ana@contoso.example', name: 'Ana Lima', locale: 'fr' };
const BRUNO = { email: 'bruno@contoso.example', name: 'Bruno Petit', locale: 'en' };
const UNREACHABLE = { number: '06 98 76 54 32', digits: '33698765432', shown: '+33 6 98 76 54 32' };
const REACHABLE = { number: '06 12 34 56 78', digits: '33612345678' };

let dir;
let smsc;
let kannel;
let server;
let browser;
let english;
let a11y;
let a11yEnglish;

before(async () => {
  dir = makeTempDir('secinfo-http-receipts-');
  smsc = await startSmsc(dir, {
    systemId: SYSTEM_ID,
    password: SMSC_PASSWORD,
    options: ['--receipts', '--undeliverable', UNREACHABLE.digits.slice(0, 4)],
  });
  const kannelDir = path.join(dir, 'kannel');
  kannel = {
    dir: kannelDir,
    proc: spawnPeer(KANNEL_PEERS, [
      '--dir', kannelDir,
      '--smpp-port', String(smsc.port),
      '--smpp-system-id', SYSTEM_ID,
      '--smpp-password', SMSC_PASSWORD,
    ]),
  };
  const world = await firstJsonLine(kannel.proc, 'kannel_peers');
  assert.match(world.env.SECINFO_SMS_HTTP_URL, /&dlr-mask=3&dlr-url=\{receipt_url\}$/);
  // Until Kannel's transceiver is bound, sendsms only queues (which we count as not sent).
  await pollUntil(() => smscRecords(smsc, 'bind').some((r) => r.result === 'ok'), { message: "Kannel's bind to the SMSC" });

  // Kannel calls back the public URL: this node's own address.
  const port = await freePort();
  server = new Server({
    dir,
    port,
    env: { ...world.env, SECINFO_SMS_SENDER: 'Contoso', SECINFO_SERVER_PUBLIC_URL: `http://127.0.0.1:${port}` },
  });
  seedTenant(server, { locale: 'fr', allow: 'phone', users: [ANA, BRUNO] });
  await server.start();
  browser = await launchBrowser(dir, { locale: 'fr-FR' });
  a11y = checkEveryPage(browser);
});

after(async () => {
  await browser?.close();
  await english?.close();
  await server?.stop();
  await stopProcess(kannel?.proc);
  await stopProcess(smsc?.proc);
  if (process.exitCode) console.log(`kept ${dir} (node log, Kannel logs, SMSC log)`);
  else removeDir(dir);
});

/** Each part's submit_sm and receipt the SMSC logged for texts to `digits`, oldest first. */
const textsTo = (digits) => smscTextsTo(smsc, digits);

test('Ana asks for a code the network cannot deliver: Kannel reports it and her page says so', async () => {
  const page = await browser.newPage();
  await signIn(page, server, ANA.email);
  await page.goto(server.url('/security-info/phone'));
  await textMeACode(page, UNREACHABLE.number, "M'envoyer un code par SMS", 'Suivant');

  const [text] = await pollUntil(() => (textsTo(UNREACHABLE.digits)[0]?.receipt ? textsTo(UNREACHABLE.digits) : null), {
    message: 'the SMSC to take the text from Kannel and report it undelivered',
  });
  assert.equal(text.receipt.stat, 'UNDELIV');
  assert.equal(text.submit.registered_delivery, '1', 'Kannel asked the SMSC for a receipt');

  const undelivered = page.locator('#code-undelivered');
  await pollUntil(async () => (await undelivered.count()) > 0, { message: 'the page to say the text was not delivered' });
  assert.equal(
    await undelivered.textContent(),
    `Le réseau n'a pas pu remettre le SMS au ${UNREACHABLE.shown}. Envoyez un nouveau code ou choisissez une autre façon de vérifier ce téléphone.`,
  );
  assert.equal(await page.getByRole('button', { name: 'Envoyer un nouveau code' }).count(), 1, 'a new code may be asked for');
  await checkA11y(page, 'code page, text not delivered (Kannel)');
  await screenshot(page, NAME, 'fr-not-delivered');

  const audited = await waitForAudit(server, 'code_delivery', 'the undelivered text in the audit log');
  assert.equal(audited.length, 1, JSON.stringify(audited));
  assert.equal(audited[0].result, 'undelivered');
  assert.match(audited[0].detail, /send 1, message [A-Za-z0-9_-]{22}: gateway status 2$/);
  await page.close();
});

test('Bruno asks for a code that arrives: his page says the text reached his phone', async () => {
  english = await launchBrowser(dir, { locale: 'en-US' });
  a11yEnglish = checkEveryPage(english);
  const page = await english.newPage();
  await signIn(page, server, BRUNO.email);
  await page.goto(server.url('/security-info/phone'));
  await textMeACode(page, REACHABLE.number, 'Text me a code', 'Next');
  const delivered = page.locator('#delivery-status');
  await pollUntil(async () => await delivered.isVisible(), { message: 'the page to show the text was delivered' });
  assert.equal(await delivered.textContent(), 'The text reached your phone.');
  // A long text goes in parts: Kannel asks the SMSC for the first part's receipt only.
  const reported = textsTo(REACHABLE.digits).filter((t) => t.submit.registered_delivery === '1');
  assert.deepEqual(reported.map((t) => t.receipt?.stat), ['DELIVRD']);
  await checkA11y(page, 'code page, text delivered (Kannel)');
  await screenshot(page, NAME, 'en-delivered');
  const audited = server.audit().filter((e) => e.action === 'code_delivery' && e.actor === BRUNO.email);
  assert.deepEqual(audited.map((e) => e.result), ['delivered']);
});

test('a forged or altered receipt link is refused and changes nothing', async () => {
  const before = server.audit().filter((e) => e.action === 'code_delivery').length;
  const forged = [
    '/sms/receipt?ref=AAAAAAAAAAAAAAAAAAAAAA&sig=BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB&status=2',
    '/sms/receipt?ref=AAAAAAAAAAAAAAAAAAAAAA&status=2',
    '/sms/receipt',
  ];
  for (const target of forged) {
    const r = await fetch(server.url(target));
    assert.equal(r.status, 400, target);
    assert.equal(await r.text(), 'not a receipt link of ours\n');
  }
  // A POST needs no CSRF token (a machine sends it), but the same signature.
  const posted = await fetch(server.url('/sms/receipt'), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'ref=AAAAAAAAAAAAAAAAAAAAAA&sig=x&status=1',
  });
  assert.equal(posted.status, 400);
  assert.equal(server.audit().filter((e) => e.action === 'code_delivery').length, before);
});

test('axe: no serious or critical violation on any page that loaded', async () => {
  await a11y.assertClean();
  await a11yEnglish?.assertClean();
});
