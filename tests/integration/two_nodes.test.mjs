// Two `secinfo serve` nodes on one SQLite database and one key file, as behind a load balancer:
// a call placed on node A is answered through node B's simulated phone, and A sees it confirmed;
// a session opened on A works on B. Plain HTTP, no browser.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  HttpClient,
  PASSWORD,
  Server,
  csrfFrom,
  decodeHtml,
  makeTempDir,
  removeDir,
  seedTenant,
  simPhonePath,
} from '../e2e/lib/harness.mjs';

const E164 = '+33612345678';
let dir;
let a;
let b;

before(async () => {
  dir = makeTempDir('secinfo-two-nodes-');
  a = new Server({ dir, name: 'node-a' });
  b = new Server({ dir, name: 'node-b' });
  seedTenant(a, { users: [{ email: 'ana@contoso.example', name: 'Ana Lima', locale: 'fr' }] });
  await a.start(); // creates the key file that B then reads
  await b.start();
  assert.notEqual(a.port, b.port);
});

after(async () => {
  await a?.stop();
  await b?.stop();
  removeDir(dir);
});

/** Signs in on `server` and returns the client holding the session. */
async function signedIn(server) {
  const c = new HttpClient(server.baseUrl, { headers: { 'accept-language': 'fr-FR' } });
  const form = await c.get('/sign-in');
  assert.equal(form.status, 200);
  const r = await c.post('/sign-in', {
    csrf: csrfFrom(form.text),
    username: 'ana@contoso.example',
    password: PASSWORD,
    return_to: '/security-info',
  });
  assert.equal(r.status, 303, `sign-in answered ${r.status}`);
  assert.equal(r.location, '/security-info');
  assert.ok(c.cookies.has('secinfo_session'), 'a session cookie was set');
  return c;
}

let ana; // Ana's browser, talking to node A
let callPath;

test('a call placed on node A rings on the simulated phone seen through node B', async () => {
  ana = await signedIn(a);
  const wizard = await ana.get('/security-info/phone');
  assert.equal(wizard.status, 200);
  const placed = await ana.post('/security-info/phone', {
    csrf: csrfFrom(wizard.text),
    phone_type: 'mobile',
    region: 'FR',
    number: '06 12 34 56 78',
    verify: 'call',
  });
  assert.equal(placed.status, 303, `the wizard answered ${placed.status}: ${placed.text.slice(0, 300)}`);
  const m = placed.location.match(/^\/security-info\/phone\/calls\/([A-Za-z0-9_-]+)$/);
  assert.ok(m, `the wizard redirects to the call page (${placed.location})`);
  callPath = placed.location;

  const status = await ana.get(`${callPath}/status`);
  assert.equal(status.status, 200);
  assert.deepEqual(JSON.parse(status.text), { state: 'ringing', final: false, message: 'Votre téléphone sonne. Répondez.' });

  // The phone's owner, on node B: a browser of its own, with B's pre-session cookie and token.
  const owner = new HttpClient(b.baseUrl, { headers: { 'accept-language': 'fr-FR' } });
  let phonePage = await owner.get(simPhonePath(E164));
  assert.equal(phonePage.status, 200);
  assert.ok(owner.cookies.has('secinfo_pre'), "B's page gave the phone its own pre-session cookie");
  const answer = phonePage.text.match(/action="([^"]+\/calls\/[^"]+\/answer)"/);
  assert.ok(answer, 'node B shows the call ringing, with an Answer button');
  let r = await owner.post(decodeHtml(answer[1]), { csrf: csrfFrom(phonePage.text) });
  assert.equal(r.status, 303);
  assert.equal(r.location, simPhonePath(E164), 'answered without error');

  assert.equal(JSON.parse((await ana.get(`${callPath}/status`)).text).state, 'answered', 'node A sees the answer');

  phonePage = await owner.get(simPhonePath(E164));
  assert.match(decodeHtml(phonePage.text), /appuyez sur la touche dièse/);
  const keypad = phonePage.text.match(/action="([^"]+\/key)"/);
  assert.ok(keypad, 'node B shows the keypad');
  r = await owner.post(decodeHtml(keypad[1]), { csrf: csrfFrom(phonePage.text), key: '#' });
  assert.equal(r.status, 303);
  assert.equal(r.location, simPhonePath(E164), '# pressed without error');
});

test("node A's call status reports the call confirmed, and A lists the phone", async () => {
  const status = JSON.parse((await ana.get(`${callPath}/status`)).text);
  assert.deepEqual(status, { state: 'confirmed', final: true, message: 'Appel décroché. Votre téléphone a bien été enregistré.' });
  const info = await ana.get('/security-info');
  assert.equal(info.status, 200);
  assert.match(decodeHtml(info.text), /<span class="method-detail" dir="ltr">\+33 6 12 34 56 78<\/span>/);
});

test('the session opened on node A works on node B', async () => {
  const onB = new HttpClient(b.baseUrl, { headers: { 'accept-language': 'fr-FR' } });
  onB.cookies = new Map(ana.cookies);
  const info = await onB.get('/security-info');
  assert.equal(info.status, 200, `B answered ${info.status} ${info.location ?? ''}`);
  const html = decodeHtml(info.text);
  assert.match(html, /<h1>Informations de sécurité<\/h1>/);
  assert.match(html, /class="who"[^>]*>Ana Lima</);
  assert.match(html, /\+33 6 12 34 56 78/);
  assert.equal(JSON.parse((await onB.get(`${callPath}/status`)).text).state, 'confirmed');

  // A form token issued by A is good on B too (same key, same session), and B acts on it.
  const formOnA = await ana.get('/security-info');
  const methodId = formOnA.text.match(/data-method-id="(\d+)"/)[1];
  const saved = await onB.post('/security-info/default', { csrf: csrfFrom(formOnA.text), method_id: methodId });
  assert.equal(saved.status, 303, `B refused A's token (${saved.status})`);
  assert.equal(saved.location, '/security-info?notice=default_method_saved');
  assert.ok(a.audit().some((e) => e.action === 'default_change'), 'the audit log (one database) has it');
});

test('signing out on node B ends the session on node A', async () => {
  const onB = new HttpClient(b.baseUrl);
  onB.cookies = new Map(ana.cookies);
  const page = await onB.get('/security-info');
  const out = await onB.post('/sign-out', { csrf: csrfFrom(page.text) });
  assert.equal(out.status, 303);
  const again = await ana.get('/security-info');
  assert.equal(again.status, 303);
  assert.match(again.location, /^\/sign-in\?return_to=/);
});
