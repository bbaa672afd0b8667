// "Approve a notification" left unanswered ends the same way for a real person and for a decoy (a
// name that is nobody's): over plain HTTP, as a script would watch, both pages and status answers
// are byte-identical (apart from the CSRF token and the number to type) with the same status codes
// while the request waits, and both turn to "we could not verify you this way" when a real
// request's minute is over, within a second of each other. Ana (French) has a mobile and an
// authenticator app with the companion `secinfo authenticator` bound, on a tenant that asks for two
// methods; nothing answers her request.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  HttpClient,
  clickAndWaitForNavigation,
  csrfFrom,
  decodeHtml,
  freePort,
  launchBrowser,
  pollUntil,
  registerPhone,
  signIn,
  startSeededServer,
} from './lib/harness.mjs';
import { Companion, bindCompanion, enrolApp } from './lib/sign_in_steps.mjs';

const NAME = 'password_reset_decoy_push';
const ANA = { email: 'ana@contoso.example', name: 'Ana Lima', locale: 'fr' };
const FR_APP = { name: 'Nom', next: 'Suivant', code: 'Saisissez le code à 6 chiffres' };
const PUSH_LIFETIME_MS = 60_000; // methods/authenticator/push.h: kPushLifetimeMillis

let env;

before(async () => {
  const port = await freePort();
  env = await startSeededServer({ locale: 'fr', allow: 'phone,authenticator', users: [ANA] }, { port, env: { SECINFO_SERVER_PUBLIC_URL: `http://127.0.0.1:${port}` } });
  env.server.admin(['set-reset', '--tenant', 'contoso.example', '--methods', '2']);
  const browser = await launchBrowser(env.dir, { locale: 'fr-FR' });
  // Closed whatever happens: a browser left open would keep the test process alive.
  try {
    const page = await browser.newPage();
    const phonePage = await browser.newPage();
    await signIn(page, env.server, ANA.email);
    await page.goto(env.server.url('/security-info/phone'));
    await registerPhone(page, phonePage, env.server, { type: 'mobile', region: 'FR', number: '06 12 34 56 78', e164: '+33612345678' });
    await enrolApp(page, env.server, NAME, 'Téléphone pro', FR_APP);
    await clickAndWaitForNavigation(page, page.locator('#setup-push'));
    await bindCompanion(page, new Companion(path.join(env.dir, 'companion'), 'fr_FR.UTF-8'), "Créer un lien d'inscription");
  } finally {
    await browser.close();
  }
});

after(async () => {
  await env?.stop();
});

const normalize = (r) => ({
  status: r.status,
  location: r.location,
  body: r.text.replace(/name="csrf" value="[^"]+"/g, 'name="csrf" value=""').replace(/(id="match-number" aria-label="[^"]*?)\d{2}(">)\d{2}</, '$1NN$2NN<'),
});

/** Starts a reset for `name` and chooses "approve a notification"; returns the client and when. */
async function choosePush(name) {
  const c = new HttpClient(env.server.baseUrl, { headers: { 'accept-language': 'fr' } });
  const form = await c.get('/password-reset');
  assert.equal((await c.post('/password-reset', { csrf: csrfFrom(form.text), username: name })).status, 303);
  const step1 = await c.get('/password-reset/verify');
  const chosenAt = Date.now();
  const chosen = await c.post('/password-reset/verify/choose', { csrf: csrfFrom(step1.text), way: 'push' });
  assert.equal(chosen.status, 303, `${name}: the way is chosen`);
  return { c, chosenAt };
}

test('a decoy push ends when a real one left unanswered does, with the same pages and status codes', async () => {
  const real = await choosePush(ANA.email);
  const decoy = await choosePush('nobody@contoso.example');
  assert.ok(env.server.audit().some((e) => e.action === 'reset_start' && e.result === 'decoy' && e.actor === 'nobody@contoso.example'));

  // While waiting: the same page, the same status answer.
  const pending = await Promise.all([real, decoy].map(({ c }) => c.get('/password-reset/verify')));
  assert.deepEqual(normalize(pending[1]), normalize(pending[0]));
  assert.match(pending[0].text, /data-state="pending"/);
  assert.match(pending[0].text, /id="match-number"/);
  const waiting = await Promise.all([real, decoy].map(({ c }) => c.get('/password-reset/verify/status')));
  assert.deepEqual(normalize(waiting[1]), normalize(waiting[0]));
  assert.equal(JSON.parse(waiting[0].text).final, false);

  // When each turns final, as the page's script sees it.
  const endedAfter = await Promise.all(
    [real, decoy].map(async ({ c, chosenAt }, i) => {
      await pollUntil(async () => JSON.parse((await c.get('/password-reset/verify/status')).text).final, {
        timeout: PUSH_LIFETIME_MS + 15_000,
        interval: 200,
        message: `the ${i ? 'decoy' : 'real'} request to end`,
      });
      return Date.now() - chosenAt;
    }),
  );
  console.log(`unanswered push ended after: real ${endedAfter[0]} ms, decoy ${endedAfter[1]} ms`);
  for (const ms of endedAfter) assert.ok(ms >= PUSH_LIFETIME_MS - 100, `not before its minute is over (${ms} ms)`);
  assert.ok(Math.abs(endedAfter[0] - endedAfter[1]) <= 1500, `within a second or so of each other: ${endedAfter.join(' vs ')} ms`);

  const ended = await Promise.all([real, decoy].map(({ c }) => c.get('/password-reset/verify')));
  assert.deepEqual(normalize(ended[1]), normalize(ended[0]));
  assert.equal(ended[0].status, 200);
  assert.match(ended[0].text, /data-state="failed"/);
  assert.match(decodeHtml(ended[0].text), /Nous n'avons pas pu vous vérifier de cette façon\. Choisissez de nouveau un moyen\./);
  const statuses = await Promise.all([real, decoy].map(({ c }) => c.get('/password-reset/verify/status')));
  assert.deepEqual(normalize(statuses[1]), normalize(statuses[0]));

  // Both may choose another way, alike.
  const again = await Promise.all([real, decoy].map(({ c }, i) => c.post('/password-reset/verify/another-way', { csrf: csrfFrom(ended[i].text) })));
  assert.deepEqual(normalize(again[1]), normalize(again[0]));
  assert.equal(again[0].status, 303);
});
