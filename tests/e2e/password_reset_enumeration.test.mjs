// Nothing in the reset path tells an outsider whether an account exists. Over plain HTTP (as a
// script would probe), a real person with a method for reset and names that are nobody's get
// byte-identical answers (apart from the CSRF token and cookies) and status codes at every step a
// stranger can reach, and answering the user name (the step that looks the name up) takes the same
// time for both. Timing is compared in pairs: each real start is timed right beside an unknown
// one (which goes first alternates), so a slow moment of a loaded machine hits both sides of a
// pair alike and cancels out in their difference; the median of 40 such differences must be
// within 20% of the median time to start a reset. Requests come through a trusted proxy with one
// X-Forwarded-For each, so the per-address limit on starting a reset does not get in the way; the
// per-name limit (5 a day) is why 20 people each start two.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpClient, csrfFrom, makeTempDir, removeDir, seedTenant, Server } from './lib/harness.mjs';
import { totp } from './lib/sign_in_steps.mjs';

const ANA = { email: 'ana@contoso.example', name: 'Ana Lima', locale: 'fr' };
const PEOPLE = Array.from({ length: 20 }, (_, i) => ({ email: `person${i}@contoso.example`, name: `Person ${i}` }));

let dir;
let server;
let forwarded = 0;

function client() {
  forwarded += 1;
  return new HttpClient(server.baseUrl, { headers: { 'x-forwarded-for': `198.51.100.${forwarded % 250}`, 'accept-language': 'en' } });
}

/** Signs `email` in and registers an authenticator app over HTTP; returns its key. */
async function registerApp(email) {
  const c = client();
  const form = await c.get('/sign-in');
  const signedIn = await c.post('/sign-in', { csrf: csrfFrom(form.text), username: email, password: 'correct horse battery staple', return_to: '/security-info' });
  assert.equal(signedIn.status, 303);
  const name = await c.get('/security-info/authenticator');
  const begun = await c.post('/security-info/authenticator', { csrf: csrfFrom(name.text), name: 'Pixel' });
  const enrol = await c.get(begun.location);
  const key = enrol.text.match(/id="manual-key">([^<]+)</)[1].replace(/\s+/g, '');
  const done = await c.post(begun.location, { csrf: csrfFrom(enrol.text), code: totp(key) });
  assert.ok(done.status < 400, `the app is registered (${done.status})`);
  return key;
}

/** What a stranger sees: the start page, the user name posted, step 1, a way chosen, a code. */
async function walk(name) {
  const c = client();
  const steps = [];
  const form = await c.get('/password-reset');
  const t0 = performance.now();
  const started = await c.post('/password-reset', { csrf: csrfFrom(form.text), username: name });
  const startMillis = performance.now() - t0;
  steps.push(started);
  const step1 = await c.get('/password-reset/verify');
  steps.push(step1);
  steps.push(await c.post('/password-reset/verify/choose', { csrf: csrfFrom(step1.text), way: 'app_code' }));
  const code = await c.get('/password-reset/verify');
  steps.push(code);
  steps.push(await c.post('/password-reset/verify/code', { csrf: csrfFrom(code.text), code: '000000' }));
  steps.push(await c.post('/password-reset/verify/choose', { csrf: csrfFrom(code.text), way: 'call_mobile' }));
  steps.push(await c.post('/password-reset/verify/another-way', { csrf: csrfFrom(code.text) }));
  return { steps, startMillis };
}

const normalize = (r) => ({
  status: r.status,
  location: r.location,
  body: r.text.replace(/name="csrf" value="[^"]+"/g, 'name="csrf" value=""'),
});

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2;
};

before(async () => {
  dir = makeTempDir();
  server = new Server({ dir, env: { SECINFO_SERVER_TRUSTED_PROXIES: '127.0.0.1' } });
  seedTenant(server, { locale: 'fr', allow: 'phone,authenticator,email', users: [ANA, ...PEOPLE] });
  await server.start();
  await registerApp(ANA.email);
  for (const p of PEOPLE) await registerApp(p.email);
});

after(async () => {
  await server?.stop();
  removeDir(dir);
});

test('a real person and a name that is nobody\'s get the same answers, byte for byte', async () => {
  const real = await walk(ANA.email);
  const nobody = await walk('nobody@contoso.example');
  assert.equal(real.steps.length, nobody.steps.length);
  for (let i = 0; i < real.steps.length; i++) {
    assert.deepEqual(normalize(nobody.steps[i]), normalize(real.steps[i]), `step ${i + 1}`);
  }
  // The real reason is in the audit log only.
  const decoy = server.audit().find((e) => e.action === 'reset_start' && e.result === 'decoy');
  assert.equal(decoy?.detail, 'unknown user');
  assert.equal(decoy?.actor, 'nobody@contoso.example');
});

test('starting a reset takes the same time for real people and unknown names (40 paired differences)', async () => {
  const timeOf = async (name) => (await walk(name)).startMillis;
  // One pair first, not counted: the first requests of a fresh server pay for warming up.
  await timeOf(ANA.email);
  await timeOf('warm-up@contoso.example');
  const differences = []; // real − unknown, in ms, one per pair
  const times = [];
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < PEOPLE.length; i++) {
      const realFirst = (i + round) % 2 === 0;
      const first = await timeOf(realFirst ? PEOPLE[i].email : `stranger${i}.${round}@contoso.example`);
      const second = await timeOf(realFirst ? `stranger${i}.${round}@contoso.example` : PEOPLE[i].email);
      const [real, unknown] = realFirst ? [first, second] : [second, first];
      differences.push(real - unknown);
      times.push(real, unknown);
    }
  }
  const d = median(differences);
  const typical = median(times);
  const slower = differences.filter((x) => x > 0).length;
  console.log(
    `start a reset: median ${typical.toFixed(2)} ms; real − unknown, median of ${differences.length} pairs: ${d.toFixed(2)} ms; real slower in ${slower} of ${differences.length} pairs`,
  );
  assert.ok(Math.abs(d) <= 0.2 * typical, `real − unknown: median ${d.toFixed(2)} ms against a typical ${typical.toFixed(2)} ms`);
});
