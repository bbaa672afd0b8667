// secinfo serve with real SMS and mail providers. A first server has sms.provider = "smpp" bound
// to a Net::SMPP SMSC (tests/peers/smsc.pl, Debian's libnet-smpp-perl) and email.provider =
// "smtp" to aiosmtpd writing a Maildir (Debian's python3-aiosmtpd); a second one has
// sms.provider = "http" to Kannel's sendsms (kannel_peers: bearerbox, smsbox and fakesmsc as the
// SMSC). In Chromium, Ana registers her mobile with the code the SMSC received and her address
// with the code found in the Maildir, and Chloé hers with the code that went through Kannel; then
// the mail server goes down and Bruno, asking for a code, reads a clear message while the audit
// log shows each attempt (connection refused is safe to retry: two retries, then failed) and
// /readyz says the relay is unavailable. The peers run on loopback on free ports and are stopped
// by PID. axe runs on every page; screenshots in output/delivery/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  accepts,
  REPO_DIR,
  Server,
  checkA11y,
  checkEveryPage,
  clickAndWaitForNavigation,
  firstJsonLine,
  freePort,
  launchBrowser,
  listedMethods,
  makeTempDir,
  pollUntil,
  removeDir,
  screenshot,
  seedTenant,
  signIn,
  spawnPeer,
  stopProcess,
} from './lib/harness.mjs';
import { decodeSms, smscRecords, startPeer, startSmsc } from './lib/smsc.mjs';

const NAME = 'delivery';
const KANNEL_PEERS = process.env.SECINFO_KANNEL_PEERS || path.join(REPO_DIR, 'build', 'tests', 'kannel_peers');
const PYTHON = '/usr/bin/python3'; // Debian's, where python3-aiosmtpd lives
const SYSTEM_ID = 'secinfo';
const SMSC_PASSWORD = 'smsc-pw';
const FROM = 'securite@contoso.example';
const MOBILE = '+33612345678';

let dir;
let smsc; // { proc, port, log }
let smtp; // { proc, port, maildir }
let server;
let kannel; // { proc, dir }
let kannelServer;
let browser; // Ana's, in French
let page;
let english; // Bruno's
let a11y;
let a11yEnglish;

// ---------------------------------------------------------------------------------------------
// The peers

/**
 * The texts Kannel's fakesmsc received so far, as phones show them: [{ from, to, text, parts }].
 * The parts of a long text (concatenation UDH 05 00 03 ref total seq) are joined once all are
 * there; their payload is UCS-2, as our sendsms URL asks (coding=2).
 */
function kannelMessages() {
  const r = spawnSync(KANNEL_PEERS, ['--messages', kannel.dir], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const texts = [];
  const long = new Map(); // ref → { from, to, total, parts: [] }
  for (const m of JSON.parse(r.stdout)) {
    if (!m.udh_hex) {
      texts.push({ from: m.from, to: m.to, text: m.text, parts: 1 });
      continue;
    }
    const udh = Buffer.from(m.udh_hex, 'hex');
    assert.deepEqual([...udh.subarray(0, 3)], [5, 0, 3], `a concatenation UDH: ${m.udh_hex}`);
    const [ref, total, seq] = [udh[3], udh[4], udh[5]];
    if (!long.has(ref)) long.set(ref, { from: m.from, to: m.to, total, parts: [] });
    long.get(ref).parts[seq - 1] = Buffer.from(m.data_hex, 'hex');
  }
  for (const t of long.values()) {
    if (t.parts.filter(Boolean).length !== t.total) continue; // not all there yet
    texts.push({ from: t.from, to: t.to, text: Buffer.concat(t.parts).swap16().toString('utf16le'), parts: t.total });
  }
  return texts;
}

/** The mails in the Maildir, oldest first, as raw text; with `to`, only those sent to it. */
function mails(to) {
  const dirNew = path.join(smtp.maildir, 'new');
  if (!fs.existsSync(dirNew)) return [];
  return fs
    .readdirSync(dirNew)
    .sort()
    .map((f) => fs.readFileSync(path.join(dirNew, f), 'utf8'))
    .filter((m) => !to || m.split(/\r?\n/).includes(`X-RcptTo: ${to}`));
}

/** The text/plain part of a mail, quoted-printable decoded. */
function textPart(mail) {
  const part = mail.split(/\r?\n--/).find((p) => /Content-Type: text\/plain/i.test(p));
  assert.ok(part, `a text/plain part in:\n${mail}`);
  const body = part.slice(part.search(/\r?\n\r?\n/)).trim();
  const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

// ---------------------------------------------------------------------------------------------

before(async () => {
  dir = makeTempDir('secinfo-delivery-');
  smsc = await startSmsc(dir, { systemId: SYSTEM_ID, password: SMSC_PASSWORD });
  const smtpPort = await freePort();
  smtp = { port: smtpPort, maildir: path.join(dir, 'maildir') };
  smtp.proc = await startPeer(
    PYTHON,
    ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${smtpPort}`, '-c', 'aiosmtpd.handlers.Mailbox', smtp.maildir],
    () => accepts(smtpPort),
    'aiosmtpd',
  );

  server = new Server({
    dir,
    env: {
      SECINFO_SMS_PROVIDER: 'smpp',
      SECINFO_SMS_SENDER: 'Contoso',
      SECINFO_SMS_SMPP_HOST: '127.0.0.1',
      SECINFO_SMS_SMPP_PORT: String(smsc.port),
      SECINFO_SMS_SMPP_SYSTEM_ID: SYSTEM_ID,
      SECINFO_SMS_SMPP_PASSWORD: SMSC_PASSWORD,
      SECINFO_EMAIL_PROVIDER: 'smtp',
      SECINFO_EMAIL_FROM_ADDRESS: FROM,
      SECINFO_EMAIL_SMTP_HOST: '127.0.0.1',
      SECINFO_EMAIL_SMTP_PORT: String(smtpPort),
      SECINFO_EMAIL_SMTP_TLS: 'none',
      SECINFO_EMAIL_SMTP_TIMEOUT_SECONDS: '5',
    },
  });
  seedTenant(server, {
    allow: 'phone,email',
    users: [
      { email: 'ana@contoso.example', name: 'Ana Lima', locale: 'fr' },
      { email: 'bruno@contoso.example', name: 'Bruno Petit', locale: 'en' },
    ],
  });
  await server.start();

  const kannelDir = path.join(dir, 'kannel');
  kannel = { dir: kannelDir, proc: spawnPeer(KANNEL_PEERS, ['--dir', kannelDir]) };
  const world = await firstJsonLine(kannel.proc, 'kannel_peers');
  fs.mkdirSync(path.join(dir, 'node2'));
  kannelServer = new Server({ dir: path.join(dir, 'node2'), name: 'kannel-node', env: { ...world.env, SECINFO_SMS_SENDER: 'Contoso' } });
  seedTenant(kannelServer, { allow: 'phone', users: [{ email: 'chloe@contoso.example', name: 'Chloé Martin', locale: 'fr' }] });
  await kannelServer.start();

  browser = await launchBrowser(dir, { locale: 'fr-FR' });
  a11y = checkEveryPage(browser);
  page = await browser.newPage();
  await signIn(page, server, 'ana@contoso.example');
});

after(async () => {
  await browser?.close();
  await english?.close();
  await server?.stop();
  await kannelServer?.stop();
  await stopProcess(kannel?.proc);
  await stopProcess(smsc?.proc);
  await stopProcess(smtp?.proc);
  if (process.exitCode) console.log(`kept ${dir} (server log, SMSC log, Maildir)`);
  else removeDir(dir);
});

/** Types `code` in the code page and submits it; returns the POST's status. */
async function typeCode(page, code, next) {
  await page.getByLabel('Code', { exact: true }).fill(code);
  const submitted = page.waitForResponse((r) => r.request().method() === 'POST' && /^\/security-info\/codes\/[^/]+$/.test(new URL(r.url()).pathname));
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: next }));
  return (await submitted).status();
}

test('/readyz shows the SMPP bind and the SMTP relay', async () => {
  const r = await fetch(server.url('/readyz'));
  const body = await r.text();
  assert.equal(r.status, 200, body);
  assert.match(body, /^sms \(smpp\): ok$/m);
  assert.match(body, /^email \(smtp\): ok$/m);
  assert.ok(fs.readFileSync(smsc.log, 'utf8').includes(`bind\tsystem_id=${SYSTEM_ID}\tresult=ok`), 'the SMSC saw our bind');
});

test('in French, Ana registers her mobile with the code the SMSC received', async () => {
  await page.goto(server.url('/security-info/phone'));
  await page.getByLabel('Téléphone mobile', { exact: true }).check();
  await page.getByLabel('Numéro de téléphone').fill('06 12 34 56 78');
  await page.getByLabel("M'envoyer un code par SMS").check();
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Suivant' }));
  assert.match(new URL(page.url()).pathname, /^\/security-info\/codes\/[^/]+$/);
  await checkA11y(page, 'code page (SMPP)');
  await screenshot(page, NAME, 'fr-code-page-smpp');

  // The page came back once the SMSC took the text: it is in the SMSC's log already.
  const pdus = smscRecords(smsc, 'submit_sm');
  assert.equal(pdus.length, 1, 'one submit_sm');
  const pdu = pdus[0];
  assert.equal(pdu.dest, MOBILE.slice(1), 'E.164 without +');
  assert.equal(pdu.dest_ton, '1');
  assert.equal(pdu.source, 'Contoso');
  assert.equal(pdu.source_ton, '5', 'an alphanumeric sender');
  const text = decodeSms(pdu);
  const m = text.match(/^(\d{6}) est votre code de vérification Contoso\. Il expire dans 3 minutes\. Ne le communiquez à personne\.\n\n@localhost #\1$/);
  assert.ok(m, `the French text arrived intact, accents and all:\n${text}`);

  assert.equal(await typeCode(page, m[1], 'Suivant'), 303);
  await page.goto(server.url('/security-info'));
  assert.ok((await listedMethods(page)).some((t) => t.includes('+33 6 12 34 56 78')), 'the mobile is listed');
  await screenshot(page, NAME, 'fr-mobile-registered');
  const sent = server.audit().filter((e) => e.action === 'code_send');
  assert.deepEqual(sent.map((e) => e.result), ['sent']);
});

test('in French, Ana adds her address with the code the SMTP server received', async () => {
  await page.goto(server.url('/security-info/email'));
  await page.locator('#email').fill('ana.lima@example.org');
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Suivant' }));
  assert.match(new URL(page.url()).pathname, /^\/security-info\/codes\/[^/]+$/);
  await checkA11y(page, 'code page (SMTP)');

  // Only the code goes to the new address (the account's own address is told of each change).
  const box = await pollUntil(() => (mails('ana.lima@example.org').length === 1 ? mails('ana.lima@example.org') : null), {
    message: 'the mail in the Maildir',
  });
  const mail = box[0];
  assert.match(mail, /^X-RcptTo: ana\.lima@example\.org$/m, 'the envelope recipient');
  assert.match(mail, new RegExp(`^X-MailFrom: ${FROM}$`, 'm'), 'the envelope sender');
  assert.match(mail, /^Subject: =\?UTF-8\?/m, 'the French subject is RFC 2047 encoded');
  const text = textPart(mail);
  assert.match(text, /Contoso/);
  assert.match(text, /informations de sécurité chez Contoso/, 'accents arrive in the body');
  const code = text.match(/^ {4}(\d{6})$/m);
  assert.ok(code, `a code alone on its line:\n${text}`);

  assert.equal(await typeCode(page, code[1], 'Suivant'), 303);
  await page.goto(server.url('/security-info'));
  assert.ok((await listedMethods(page)).some((t) => t.includes('ana.lima@example.org')), 'the address is listed');
  await screenshot(page, NAME, 'fr-email-registered');
});

test('in French, Chloé registers her mobile with the code that went through Kannel', async () => {
  const r = await fetch(kannelServer.url('/readyz'));
  assert.match(await r.text(), /^sms \(http\): ok$/m);
  const chloe = await browser.newPage();
  // Her own server: its session cookie is for another port, so she signs in there.
  await signIn(chloe, kannelServer, 'chloe@contoso.example');
  await chloe.goto(kannelServer.url('/security-info/phone'));
  await chloe.getByLabel('Téléphone mobile', { exact: true }).check();
  await chloe.getByLabel('Numéro de téléphone').fill('07 81 23 45 67');
  await chloe.getByLabel("M'envoyer un code par SMS").check();
  await clickAndWaitForNavigation(chloe, chloe.getByRole('button', { name: 'Suivant' }));
  assert.match(new URL(chloe.url()).pathname, /^\/security-info\/codes\/[^/]+$/);
  await checkA11y(chloe, 'code page (Kannel)');

  // Kannel said "Accepted for delivery" before the page came back; fakesmsc gets it just after.
  const got = await pollUntil(() => (kannelMessages().length ? kannelMessages() : null), { message: 'the text at fakesmsc' });
  assert.equal(got.length, 1);
  assert.equal(got[0].to, '+33781234567');
  assert.equal(got[0].from, 'Contoso');
  assert.equal(got[0].parts, 2, 'too long for one UCS-2 SMS: two parts, joined by the phone');
  const m = got[0].text.match(/^(\d{6}) est votre code de vérification Contoso\. Il expire dans 3 minutes\. Ne le communiquez à personne\.\n\n@localhost #\1$/);
  assert.ok(m, `the French text arrived intact through Kannel:\n${got[0].text}`);

  assert.equal(await typeCode(chloe, m[1], 'Suivant'), 303);
  await chloe.goto(kannelServer.url('/security-info'));
  assert.ok((await listedMethods(chloe)).some((t) => t.includes('+33 7 81 23 45 67')), 'the mobile is listed');
  await screenshot(chloe, NAME, 'fr-mobile-registered-kannel');
  await chloe.close();
});

test('in English, with the SMTP server down, Bruno reads a clear message and every attempt is in the audit log', async () => {
  await stopProcess(smtp.proc);
  assert.equal(await accepts(smtp.port), false, 'nothing listens on the relay port any more');
  const before = mails().length;

  english = await launchBrowser(dir, { locale: 'en-US' });
  a11yEnglish = checkEveryPage(english);
  const page = await english.newPage();
  await signIn(page, server, 'bruno@contoso.example');
  await page.goto(server.url('/security-info/email'));
  await page.locator('#email').fill('bruno@example.org');
  const answered = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/security-info/email');
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Next' }));
  // The first attempt failed in a way that is safe to retry: the code is on its way, and the
  // retries run in the background (no request's thread waits on the back-off).
  assert.equal((await answered).status(), 303);
  assert.match(new URL(page.url()).pathname, /^\/security-info\/codes\/[^/]+$/);
  const codePage = page.url();
  // Every retry fails too: the code page says so once the last one is over.
  await pollUntil(
    async () => {
      await page.goto(codePage);
      return /We could not send the code\. Try again in a moment\./.test(await page.locator('main').innerText());
    },
    { message: 'the code page saying the code could not be sent', timeout: 10000 },
  );
  await checkA11y(page, 'code page (relay down)');
  await screenshot(page, NAME, 'en-relay-down');

  // Nothing was registered, nothing was delivered.
  await page.goto(server.url('/security-info'));
  assert.ok(!(await listedMethods(page)).some((t) => t.includes('bruno@example.org')));
  assert.equal(mails().length, before);

  // Connection refused is safe to retry: two retries after a back-off, then failed, with why.
  const attempts = server
    .audit()
    .filter((e) => e.action === 'code_send' && e.actor === 'bruno@contoso.example')
    .reverse();
  assert.deepEqual(attempts.map((e) => e.result), ['retry', 'retry', 'failed'], JSON.stringify(attempts, null, 1));
  for (const e of attempts) {
    assert.match(e.detail, /to bruno@example\.org/);
    assert.match(e.detail, new RegExp(`127\\.0\\.0\\.1:${smtp.port}`));
  }
  assert.match(attempts[2].detail, /attempt 3: /);
  assert.ok(attempts[2].at - attempts[0].at >= 1500, 'the back-off waited 0.5 s then 1 s');

  const ready = await fetch(server.url('/readyz'));
  const body = await ready.text();
  assert.equal(ready.status, 503, body);
  assert.match(body, /^email \(smtp\): unavailable \(.*127\.0\.0\.1/m);
  assert.match(body, /^sms \(smpp\): ok$/m);
});

test('axe: no serious or critical violation on any page that loaded', async () => {
  await a11y.assertClean();
  await a11yEnglish?.assertClean();
});
