// Several nodes on one PostgreSQL, as behind a load balancer: the test starts PostgreSQL 15, runs
// `secinfo migrate` from three processes at once, and two `secinfo serve` on the one database and
// one key file. In one browser (the session cookie is the host's, so both nodes see it):
// - a phone registration started on node A finishes on node B;
// - a sign-in's second step started on node A completes on node B;
// - 64 wrong app codes at once, split between the nodes: every one answered, at most 10 judged
//   (the limit), the rest "locked", and the audit log counts exactly the judged ones.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  HttpClient,
  PASSWORD,
  Postgresql,
  SECINFO_BIN,
  Server,
  clickAndWaitForNavigation,
  csrfFrom,
  decodeHtml,
  launchBrowser,
  listedMethods,
  makeTempDir,
  openRingingPhone,
  pollUntil,
  pressKey,
  removeDir,
  screenshot,
  seedTenant,
  signIn,
  submitPhoneWizard,
} from './lib/harness.mjs';
import { VERIFICATION_PATH, answerCall, pathOf, setSignIn, submitPassword, totp, waitForPath, wrongCode } from './lib/sign_in_steps.mjs';

const NAME = 'multi_node';
const ANA = { email: 'ana@contoso.example', name: 'Ana Lima', locale: 'fr' };
const BRUNO = { email: 'bruno@contoso.example', name: 'Bruno Petit', locale: 'en' };
const MOBILE = { number: '06 12 34 56 78', e164: '+33612345678', shown: '+33 6 12 34 56 78' };
const PARALLEL = 64;
const LOCK_EVERY = 10; // src/flows/sign_in/verification.h: failures that lock verification

let pg;
let dir;
let a;
let b;
let browser;
let page;
let phonePage;

/** `secinfo migrate` as a process of its own; resolves with what it printed. */
function migrate(server) {
  return new Promise((resolve, reject) => {
    const p = spawn(SECINFO_BIN, ['migrate'], { env: server.env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`migrate exited ${code}: ${out}`))));
  });
}

before(async () => {
  pg = Postgresql.start();
  dir = makeTempDir('secinfo-multi-node-');
  const env = { SECINFO_DATABASE_BACKEND: 'postgresql', SECINFO_DATABASE_CONNECTION: pg.newDatabase('secinfo') };
  a = new Server({ dir, name: 'node-a', env });
  b = new Server({ dir, name: 'node-b', env });
});

after(async () => {
  await browser?.close();
  await a?.stop();
  await b?.stop();
  pg?.stopSync();
  removeDir(dir);
});

test('three `secinfo migrate` at once apply each migration once', async () => {
  const outputs = await Promise.all([migrate(a), migrate(b), migrate(a)]);
  const applied = outputs.flatMap((o) => [...o.matchAll(/^applied (\S+)$/gm)].map((m) => m[1]));
  assert.equal(new Set(applied).size, applied.length, `a migration ran twice: ${outputs.join('\n')}`);
  assert.ok(applied.includes('001_initial'), outputs.join('\n'));
  assert.match(await migrate(b), /database is up to date/);

  seedTenant(a, { locale: 'fr', allow: 'phone,authenticator', users: [ANA, BRUNO] });
  await a.start(); // creates the key file, which B then reads
  await b.start();
  assert.notEqual(a.port, b.port);
  assert.match(a.log(), /database postgresql/, 'the log names the backend, not its connection string');
  browser = await launchBrowser(dir, { locale: 'fr-FR' });
  page = await browser.newPage();
  phonePage = await browser.newPage();
});

test('a phone registration started on node A finishes on node B', async () => {
  await signIn(page, a, ANA.email);
  await page.goto(a.url('/security-info/phone'));
  await submitPhoneWizard(page, { type: 'mobile', region: 'FR', number: MOBILE.number });
  const callPath = pathOf(page);
  assert.match(callPath, /^\/security-info\/phone\/calls\/[A-Za-z0-9_-]+$/, `node A placed the call (${page.url()})`);

  // The rest happens on node B: the call page, the simulated phone, Security info.
  await page.goto(b.url(callPath));
  await openRingingPhone(phonePage, b, MOBILE.e164);
  await clickAndWaitForNavigation(phonePage, phonePage.locator('#answer'));
  await pressKey(phonePage, '#');
  await pollUntil(async () => (await page.locator('#call').getAttribute('data-state')) === 'confirmed', {
    timeout: 15_000,
    message: "node B's call page to show the call confirmed",
  });
  await screenshot(page, NAME, 'call-confirmed-on-b');
  await page.goto(b.url('/security-info'));
  assert.ok((await listedMethods(page)).some((m) => m.endsWith(`|${MOBILE.shown}`)), 'node B lists the phone');
  await page.goto(a.url('/security-info'));
  assert.ok((await listedMethods(page)).some((m) => m.endsWith(`|${MOBILE.shown}`)), 'node A lists it too');
});

test("a sign-in's second step started on node A completes on node B", async () => {
  setSignIn(a, ['--mfa', 'all', '--skips', '0']);
  await browser.clearCookies();
  await submitPassword(page, a, ANA.email);
  await waitForPath(page, VERIFICATION_PATH); // node A starts the call to the default phone
  const verifyPath = pathOf(page);

  await page.goto(b.url(verifyPath));
  await answerCall(phonePage, b, MOBILE.e164);
  await waitForPath(page, '/security-info', 20_000);
  assert.equal(new URL(page.url()).port, String(b.port), 'signed in on node B');
  assert.match(await page.locator('h1').textContent(), /Informations de sécurité/);
  await screenshot(page, NAME, 'signed-in-on-b');
  // The session is good on node A as well.
  await page.goto(a.url('/security-info'));
  assert.equal(pathOf(page), '/security-info');
});

const messageOf = (html) => decodeHtml(html.match(/<p class="(?:error|message)" role="alert"[^>]*>([^<]*)</)?.[1] ?? '');
const field = (html, name) => html.match(new RegExp(`name="${name}" value="([^"]*)"`))?.[1];

/** Signs in with the password on `server` over HTTP; returns the client. */
async function passwordStep(server, email) {
  const http = new HttpClient(server.baseUrl);
  const form = await http.get('/sign-in');
  const r = await http.post('/sign-in', { csrf: csrfFrom(form.text), username: email, password: PASSWORD, return_to: '/security-info' });
  assert.equal(r.status, 303, r.text);
  return http;
}

/** Follows redirects from `p` (GET) and returns the last answer with its path. */
async function follow(http, p) {
  for (let i = 0; i < 5; i++) {
    const r = await http.get(p);
    if (r.status !== 302 && r.status !== 303) return { ...r, path: p };
    p = r.location;
  }
  throw new Error(`too many redirects from ${p}`);
}

test(`${PARALLEL} wrong app codes at once, split between the nodes: at most ${LOCK_EVERY} judged, all answered`, async () => {
  // Bruno enrols an app on node B through the interrupt.
  let http = await passwordStep(b, BRUNO.email);
  assert.equal((await follow(http, '/security-info')).path, '/sign-in/setup');
  const form = await follow(http, '/security-info/authenticator');
  const named = await http.post('/security-info/authenticator', { csrf: csrfFrom(form.text), name: 'Pixel' });
  assert.equal(named.status, 303, named.text);
  const enrol = await http.get(named.location);
  const secret = enrol.text.match(/id="manual-key">([A-Z2-7 ]+)</)[1].replace(/ /g, '');
  const done = await http.post(named.location, { csrf: csrfFrom(enrol.text), code: totp(secret) });
  assert.equal(done.status, 303, messageOf(done.text));

  // His second step starts on node A; the guesses go to A and B alike with the same cookies.
  http = await passwordStep(a, BRUNO.email);
  const verify = await follow(http, '/security-info');
  assert.equal(verify.path.split('?')[0], '/sign-in/verify');
  const fields = { csrf: csrfFrom(verify.text), method_id: field(verify.text, 'method_id'), return_to: '/security-info', step_up: '0', code: wrongCode(secret) };
  assert.ok(fields.method_id, 'the app-code form');
  const onB = new HttpClient(b.baseUrl);
  onB.cookies = http.cookies;

  const started = Date.now();
  const answers = await Promise.all(Array.from({ length: PARALLEL }, (_, i) => (i % 2 ? onB : http).post('/sign-in/verify/app', fields)));
  const ms = Date.now() - started;
  const counts = { wrong: 0, locked: 0, other: [] };
  for (const r of answers) {
    const text = messageOf(r.text);
    if (r.status === 400 && /^That code is wrong/.test(text)) counts.wrong++;
    else if (r.status === 429 && /^Too many failed verifications/.test(text)) counts.locked++;
    else counts.other.push(`${r.status} ${text}`);
  }
  console.log(`${PARALLEL} wrong codes on two nodes in ${ms} ms: ${counts.wrong} judged wrong, ${counts.locked} locked, ${counts.other.length} other`);
  assert.deepEqual(counts.other, [], 'every answer is "wrong" or "locked"');
  assert.ok(counts.wrong >= 1 && counts.wrong <= LOCK_EVERY, `at most ${LOCK_EVERY} judged: ${counts.wrong}`);
  assert.equal(counts.wrong + counts.locked, PARALLEL);
  const judged = a.audit('contoso.example', 500).filter((e) => e.actor === BRUNO.email && e.action === 'verify' && e.result === 'failure');
  assert.equal(judged.length, counts.wrong, 'the audit log counts exactly the codes judged');
  assert.match(b.admin(['list-blocked', '--tenant', 'contoso.example']), /^bruno@contoso\.example {2}locked until .* after 10 failed verifications$/m);
});
