// Concurrency at sign-in, over plain HTTP (no browser): every check is reserved before it is made,
// so firing many guesses at once buys no more than the limit (NIST SP 800-63B §5.2.2).
// - 64 wrong app codes at once for one person at the second step: every one is answered (no 5xx),
//   at most 10 are judged wrong, the rest are answered "locked"; then even the right code is.
// - 64 wrong passwords at once for one account: at most 5 are answered 401, the rest 429.
// The measured counts are printed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpClient, PASSWORD, csrfFrom, decodeHtml, startSeededServer } from './lib/harness.mjs';
import { setSignIn, totp, wrongCode } from './lib/sign_in_steps.mjs';

const ANA = { email: 'ana@contoso.example', name: 'Ana Lima', locale: 'en' };
const BRUNO = { email: 'bruno@contoso.example', name: 'Bruno Petit', locale: 'en' };
const PARALLEL = 64;
const LOCK_EVERY = 10; // src/flows/sign_in/verification.h: failures that lock verification
const MAX_PASSWORD_FAILURES = 5; // src/flows/sign_in/sign_in.h: per account from one network

let env;
let secret; // Ana's app key

before(async () => {
  env = await startSeededServer({ locale: 'en', allow: 'phone,authenticator', users: [ANA, BRUNO] });
  setSignIn(env.server, ['--mfa', 'all', '--skips', '0']);
});

after(async () => {
  await env?.stop();
});

/** Signs in with the password over HTTP; returns the client and where the sign-in led. */
async function passwordStep(email) {
  const http = new HttpClient(env.server.baseUrl);
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

const field = (html, name) => html.match(new RegExp(`name="${name}" value="([^"]*)"`))?.[1];
const messageOf = (html) => decodeHtml(html.match(/<p class="(?:error|message)" role="alert"[^>]*>([^<]*)</)?.[1] ?? '');

test('Ana enrols an app over HTTP through the interrupt', async () => {
  const http = await passwordStep(ANA.email);
  const setup = await follow(http, '/security-info');
  assert.equal(setup.path, '/sign-in/setup');
  const form = await follow(http, '/security-info/authenticator');
  const named = await http.post('/security-info/authenticator', { csrf: csrfFrom(form.text), name: 'Pixel' });
  assert.equal(named.status, 303, named.text);
  const enrol = await http.get(named.location);
  secret = enrol.text.match(/id="manual-key">([A-Z2-7 ]+)</)[1].replace(/ /g, '');
  const done = await http.post(named.location, { csrf: csrfFrom(enrol.text), code: totp(secret) });
  assert.equal(done.status, 303, messageOf(done.text));
});

test(`${PARALLEL} wrong app codes at once: all answered, at most ${LOCK_EVERY} judged wrong, the rest locked`, async () => {
  assert.ok(secret, 'the app was enrolled');
  const http = await passwordStep(ANA.email);
  const verify = await follow(http, '/security-info');
  assert.equal(verify.path.split('?')[0], '/sign-in/verify');
  const form = { csrf: csrfFrom(verify.text), method_id: field(verify.text, 'method_id'), return_to: '/security-info', step_up: '0' };
  assert.ok(form.method_id, 'the app-code form');
  const code = wrongCode(secret);

  const started = Date.now();
  const answers = await Promise.all(Array.from({ length: PARALLEL }, () => http.post('/sign-in/verify/app', { ...form, code })));
  const ms = Date.now() - started;
  const counts = { wrong: 0, locked: 0, other: 0, status5xx: 0 };
  const others = [];
  for (const a of answers) {
    const text = messageOf(a.text);
    if (a.status >= 500) counts.status5xx++;
    if (a.status === 400 && /^That code is wrong/.test(text)) counts.wrong++;
    else if (a.status === 429 && /^Too many failed verifications/.test(text)) counts.locked++;
    else {
      counts.other++;
      others.push(`${a.status} ${text}`);
    }
  }
  console.log(`${PARALLEL} concurrent wrong app codes in ${ms} ms: ${counts.wrong} judged wrong (400), ${counts.locked} answered locked (429), ${counts.other} other, ${counts.status5xx} 5xx`);
  assert.equal(counts.status5xx, 0);
  assert.deepEqual(others, [], 'every answer is "wrong" or "locked"');
  assert.ok(counts.wrong >= 1 && counts.wrong <= LOCK_EVERY, `at most ${LOCK_EVERY} judged: ${counts.wrong}`);
  assert.equal(counts.wrong + counts.locked, PARALLEL, 'every one answered');

  const judged = env.server.audit('contoso.example', 500).filter((e) => e.actor === ANA.email && e.action === 'verify' && e.result === 'failure');
  assert.equal(judged.length, counts.wrong, 'the audit log counts exactly the codes judged');
  assert.match(env.server.admin(['list-blocked', '--tenant', 'contoso.example']), /^ana@contoso\.example {2}locked until .* after 10 failed verifications$/m);

  // Locked: even the right code is not looked at.
  const right = await http.post('/sign-in/verify/app', { ...form, code: totp(secret, Math.floor(Date.now() / 1000) + 30) });
  assert.equal(right.status, 429);
  assert.match(messageOf(right.text), /^Too many failed verifications/);
  assert.notEqual((await follow(http, '/security-info')).path, '/security-info', 'not in');
});

test(`${PARALLEL} wrong passwords at once: at most ${MAX_PASSWORD_FAILURES} answered 401, the rest 429`, async () => {
  const http = new HttpClient(env.server.baseUrl);
  const csrf = csrfFrom((await http.get('/sign-in')).text);
  const started = Date.now();
  const answers = await Promise.all(
    Array.from({ length: PARALLEL }, (_, i) => http.post('/sign-in', { csrf, username: BRUNO.email, password: `not his password ${i}` })),
  );
  const ms = Date.now() - started;
  const by = {};
  for (const a of answers) by[a.status] = (by[a.status] ?? 0) + 1;
  console.log(`${PARALLEL} concurrent wrong passwords in ${ms} ms: ${by[401] ?? 0} answered 401, ${by[429] ?? 0} answered 429 (${JSON.stringify(by)})`);
  assert.deepEqual(Object.keys(by).sort(), Object.keys(by).filter((s) => s === '401' || s === '429').sort(), `only 401 and 429: ${JSON.stringify(by)}`);
  assert.ok((by[401] ?? 0) >= 1 && by[401] <= MAX_PASSWORD_FAILURES, `at most ${MAX_PASSWORD_FAILURES} checked: ${by[401]}`);
  assert.equal((by[401] ?? 0) + (by[429] ?? 0), PARALLEL);
  const failures = env.server.audit('contoso.example', 500).filter((e) => e.actor === BRUNO.email && e.action === 'sign_in' && e.result === 'failure');
  assert.equal(failures.length, by[401], 'the audit log counts exactly the passwords checked');
  // Now even his right password is refused for a while.
  const right = await http.post('/sign-in', { csrf, username: BRUNO.email, password: PASSWORD });
  assert.equal(right.status, 429);
});
