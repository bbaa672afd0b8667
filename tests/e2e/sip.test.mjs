// The registration wizard in Chromium places a real SIP call that a baresip phone confirms.
//
// `sip_peers` (tests/peers/sip_peers_main.cc, path in SECINFO_SIP_PEERS) starts kamailio as the
// carrier (registrar + proxy, digest auth on every INVITE) and one baresip process per number;
// secinfo runs with voice.provider = "sip" against it. The test plays the person on the phone
// through baresip's ctrl_tcp (netstring-framed JSON): it accepts a ringing call, presses keys
// (RFC 4733) and declines, and waits for baresip's events (CALL_INCOMING, CALL_ESTABLISHED,
// CALL_CLOSED) instead of sleeping. French throughout; axe on every page; screenshots in
// output/sip/.
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
  signIn,
  stopProcess,
  waitForCallStatus,
} from './lib/harness.mjs';
import { BaresipCtrl, promptFile, startSipPeers } from './lib/sip_peers.mjs';

const NAME = 'sip';

// One baresip process per number. Ana's phone rings until the test answers it, Bruno's answers at
// once, Chloé's rings and is declined.
const ANA = {
  email: 'ana@contoso.example', name: 'Ana Lima',
  type: 'Téléphone mobile', number: '06 12 34 56 78', e164: '+33612345678', shown: '+33 6 12 34 56 78',
};
const BRUNO = {
  email: 'bruno@contoso.example', name: 'Bruno Petit',
  type: 'Téléphone mobile', number: '07 81 23 45 67', e164: '+33781234567', shown: '+33 7 81 23 45 67',
};
const CHLOE = {
  email: 'chloe@contoso.example', name: 'Chloé Martin',
  type: 'Téléphone de bureau', number: '04 25 55 51 23', e164: '+33425555123', shown: '+33 4 25 55 51 23',
};
const FINAL = /^(confirmed|no_answer|hung_up|busy|wrong_key|no_input|fraud_reported|failed|cancelled)$/;

let dir;
let peers; // the running sip_peers
let world; // its JSON line
let server;
let browser;
let a11y;
const ctrls = new Map(); // E.164 → BaresipCtrl

// ---------------------------------------------------------------------------------------------
// What the phone heard

/** 16-bit PCM WAV as far as written (sndfile keeps the file open during a call): the first channel. */
function readWav(file) {
  const d = fs.readFileSync(file);
  const none = { seconds: 0, rms: 0, samples: [] };
  if (d.length < 12 || d.toString('ascii', 0, 4) !== 'RIFF') return none;
  let rate = 0;
  let channels = 1;
  for (let at = 12; at + 8 <= d.length; ) {
    const id = d.toString('ascii', at, at + 4);
    const size = d.readUInt32LE(at + 4);
    if (id === 'fmt ') {
      channels = d.readUInt16LE(at + 10);
      rate = d.readUInt32LE(at + 12);
    } else if (id === 'data') {
      const end = size === 0 || size === 0xffffffff || at + 8 + size > d.length ? d.length : at + 8 + size;
      const samples = [];
      for (let i = at + 8; i + 2 * channels <= end; i += 2 * channels) samples.push(d.readInt16LE(i));
      const rms = Math.sqrt(samples.reduce((sum, x) => sum + x * x, 0) / (samples.length || 1));
      return { rate, seconds: rate ? samples.length / rate : 0, rms, samples };
    }
    at += 8 + size + (size & 1);
  }
  return none;
}

/** What the phone has heard in its longest call so far (sndfile's decoder-side recording). */
function heard(phone) {
  const files = fs.readdirSync(phone.record_dir).filter((f) => f.includes('dec') && f.endsWith('.wav'));
  const wavs = files.map((f) => readWav(path.join(phone.record_dir, f)));
  return wavs.sort((a, b) => b.seconds - a.seconds)[0] ?? { seconds: 0, rms: 0, samples: [] };
}

/** G.711 u-law bytes (a cached prompt: the PCMU payload secinfo sends) as 16-bit samples. */
function ulawToLinear(bytes) {
  return Array.from(bytes, (b) => {
    const u = ~b & 0xff;
    const t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
    return u & 0x80 ? 0x84 - t : t - 0x84;
  });
}

/**
 * Share of `heard` samples equal to `said` within `tolerance`, at the best alignment (whole 20 ms
 * frames, up to 25 either way); 1: the same audio (G.711 decoders differ by a few units).
 */
function matchShare(heardSamples, said, tolerance = 8, maxShiftFrames = 25) {
  let best = 0;
  for (let shift = -maxShiftFrames; shift <= maxShiftFrames; shift++) {
    let same = 0;
    for (let i = 0; i < heardSamples.length; i++) {
      const j = i + shift * 160;
      if (j >= 0 && j < said.length && Math.abs(heardSamples[i] - said[j]) <= tolerance) same++;
    }
    best = Math.max(best, same);
  }
  return heardSamples.length ? best / heardSamples.length : 0;
}

/** The registration prompt in French for Contoso, from the catalog the server embeds. */
function frenchPrompt() {
  const catalog = JSON.parse(fs.readFileSync(path.join(REPO_DIR, 'src', 'i18n', 'fr', 'core.json'), 'utf8'));
  return catalog.voice_prompt_register.replaceAll('{organization}', 'Contoso');
}

// ---------------------------------------------------------------------------------------------
// Steps

/** Signs `who` in (after signing anyone else out) and places the wizard's call to their number. */
async function startRegistration(page, who, { viaAddMethod = false, shots = false } = {}) {
  await page.context().clearCookies();
  await signIn(page, server, who.email);
  if (viaAddMethod) {
    assert.equal(await page.locator('h1').textContent(), 'Informations de sécurité');
    assert.match(await page.locator('main').innerText(), /Aucune méthode pour l'instant/);
    if (shots) await screenshot(page, NAME, 'security-info-empty');
    await clickAndWaitForNavigation(page, page.getByRole('link', { name: '+ Ajouter une méthode' }));
    await page.getByLabel('Quelle méthode voulez-vous ajouter ?').selectOption({ label: 'Téléphone' });
    if (shots) await screenshot(page, NAME, 'add-method');
    await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Ajouter' }));
  } else {
    await page.goto(server.url('/security-info/phone'));
  }
  assert.equal(new URL(page.url()).pathname, '/security-info/phone');
  assert.equal(await page.locator('h2').textContent(), 'Configurer votre téléphone');
  await page.getByLabel('Pays ou région').selectOption({ label: 'France (+33)' });
  await page.getByLabel('Numéro de téléphone').fill(who.number);
  await page.getByLabel(who.type, { exact: true }).check();
  await page.getByLabel("M'appeler").check();
  if (shots) await screenshot(page, NAME, 'wizard-filled');
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Suivant' }));
  if (!/\/security-info\/phone\/calls\/[^/?]+$/.test(page.url())) {
    const errors = await page.locator('main .error').allTextContents().catch(() => []);
    throw new Error(`the wizard did not place a call (${page.url()}): ${errors.join(' / ') || 'no message'}`);
  }
  assert.match(await page.locator('main').innerText(), new RegExp(`Nous appelons le \\${who.shown}\\.`));
}

/** Waits until the call page has reloaded itself into a final state; returns that state. */
async function finalState(page) {
  return pollUntil(
    async () => {
      const state = await page.locator('#call').getAttribute('data-state');
      return FINAL.test(state) && state;
    },
    { timeout: 15_000, message: 'the call page to reach a final state' },
  );
}

/** The call's state as the page's own script reads it (GET …/status, with the page's cookies). */
async function callStatus(page) {
  const url = await page.locator('#call').getAttribute('data-status-url');
  return page.evaluate(async (u) => (await fetch(u, { cache: 'no-store' })).json(), url);
}

function phoneOf(who) {
  return world.phones.find((p) => p.number === who.e164);
}

/** A test body that, when it fails, first prints what secinfo, the phone and kamailio logged. */
function logsOnFailure(who, body) {
  const tail = (file, n = 40) => {
    try {
      return fs.readFileSync(file, 'utf8').replace(/\r/g, '\n').split('\n').filter(Boolean).slice(-n).join('\n');
    } catch {
      return '(no log)';
    }
  };
  return async () => {
    try {
      await body();
    } catch (e) {
      console.log(
        `--- ${server.logFile}\n${tail(server.logFile)}\n` +
          `--- baresip ${who.e164}\n${tail(path.join(phoneOf(who).dir, 'baresip.log'))}\n` +
          `--- kamailio\n${tail(path.join(world.dir, 'kamailio', 'kamailio.log'))}`,
      );
      throw e;
    }
  };
}

// ---------------------------------------------------------------------------------------------

before(async () => {
  dir = makeTempDir('secinfo-e2e-sip-');
  const started = Date.now();
  peers = startSipPeers(['--record', `${ANA.e164}:manual`, `${BRUNO.e164}:auto`, `${CHLOE.e164}:manual`]);
  world = await peers.line;
  for (const p of world.phones) ctrls.set(p.number, await BaresipCtrl.connect(p.ctrl_tcp_port, `baresip ${p.number}`));
  const peersReady = Date.now();

  server = new Server({
    dir,
    env: { ...world.env, SECINFO_VOICE_SIP_PROMPT_CACHE_DIR: path.join(dir, 'prompts') },
  });
  seedTenant(server, { users: [ANA, BRUNO, CHLOE].map(({ email, name }) => ({ email, name, locale: 'fr' })) });
  await server.start();
  console.log(`sip_peers ready in ${peersReady - started} ms (kamailio ${world.kamailio.port}/${world.kamailio.transport}); secinfo ready ${Date.now() - peersReady} ms later`);

  browser = await launchBrowser(dir, { locale: 'fr-FR' });
  a11y = checkEveryPage(browser);
});

after(async () => {
  for (const c of ctrls.values()) c.close();
  await browser?.close();
  await server?.stop();
  // It stops the phones, then kamailio: give it time.
  if (peers) await stopProcess(peers.proc, { grace: 15_000 });
  if (peers?.proc) {
    const { code, signal } = await peers.proc.exited;
    if (code !== 0) console.log(`sip_peers ended with ${code ?? signal}:\n${peers.proc.stderrText()}`);
  }
  removeDir(dir);
});

test('secinfo is ready with the SIP provider pointed at kamailio', async () => {
  const r = await fetch(server.url('/readyz'), { signal: AbortSignal.timeout(5000) });
  const body = await r.text();
  assert.equal(r.status, 200, body);
  assert.match(body, /^voice \(sip\): ok$/m);
  assert.match(body, /^database: ok$/m);
  assert.match(server.log(), /voice sip\)/, 'the server says it uses the SIP provider');
});

test('Ana answers the real call on her baresip phone and presses #: her mobile is registered', logsOnFailure(ANA, async () => {
  const page = await browser.newPage();
  const phone = ctrls.get(ANA.e164);
  const since = phone.mark();

  await page.goto(server.url('/sign-in'));
  await screenshot(page, NAME, 'sign-in');
  await startRegistration(page, ANA, { viaAddMethod: true, shots: true });

  // kamailio routed secinfo's authenticated INVITE to the phone, which rings; so does the page.
  const incoming = await phone.waitForEvent('CALL_INCOMING', { since });
  assert.equal(incoming.direction, 'incoming');
  // The caller id secinfo sends (voice.caller_id and voice.sip.from_user, both "secinfo" here).
  assert.equal(incoming.peerdisplayname, 'secinfo');
  assert.match(incoming.peeruri, /^sip:secinfo@127\.0\.0\.1/);
  assert.match(incoming.accountaor, new RegExp(`^sip:\\${ANA.e164}@127\\.0\\.0\\.1`));
  await waitForCallStatus(page, 'Votre téléphone sonne');
  assert.equal((await callStatus(page)).state, 'ringing');
  await checkA11y(page, 'call page (ringing, real phone)');
  await screenshot(page, NAME, 'call-ringing');

  // Ana picks up.
  await phone.command('accept');
  await phone.waitForEvent('CALL_ESTABLISHED', { since });
  await waitForCallStatus(page, 'Appuyez sur la touche dièse (#)');
  assert.equal((await callStatus(page)).state, 'answered');
  await checkA11y(page, 'call page (answered, real phone)');
  await screenshot(page, NAME, 'call-answered');

  // She hears the French prompt secinfo spoke for Contoso, sample for sample, before she presses #.
  const audio = await pollUntil(
    () => {
      const h = heard(phoneOf(ANA));
      return h.seconds >= 1.5 && h;
    },
    { timeout: 10_000, interval: 50, message: "1.5 s of the prompt in the phone's recording" },
  );
  assert.equal(audio.rate, 8000);
  assert.ok(audio.rms > 300, `the phone heard sound, not silence (RMS ${audio.rms.toFixed(0)})`);
  const prompt = promptFile(path.join(dir, 'prompts'), 'fr', frenchPrompt());
  assert.ok(fs.existsSync(prompt), `the French prompt for Contoso was made: ${prompt} (cache: ${fs.readdirSync(path.dirname(prompt)).join(' ')})`);
  const match = matchShare(audio.samples, ulawToLinear(fs.readFileSync(prompt)));
  assert.ok(match > 0.95, `what the phone heard is that prompt (${(match * 100).toFixed(1)}% of samples match)`);

  const pressed = Date.now();
  await phone.command('sndcode', '#');
  // secinfo hangs up once the # arrived.
  await phone.waitForEvent('CALL_CLOSED', { since });
  const hungUp = Date.now();

  // Success, without the test reloading the page: it polls, then reloads itself.
  assert.equal(await finalState(page), 'confirmed');
  console.log(
    `Ana's phone heard ${audio.seconds.toFixed(1)} s of the prompt (RMS ${audio.rms.toFixed(0)}, ${(match * 100).toFixed(1)}% samples match) before #; ` +
      `secinfo hung up ${hungUp - pressed} ms after #, the page showed success ${Date.now() - pressed} ms after #`,
  );
  assert.ok(await page.locator('#done').isVisible());
  assert.match(await page.locator('#call-status').textContent(), /Votre téléphone a bien été enregistré/);
  assert.equal((await page.locator('.registered').textContent()).trim(), `Téléphone mobile : ${ANA.shown}`);
  await checkA11y(page, 'call page (confirmed, real phone)');
  await screenshot(page, NAME, 'call-confirmed');

  await clickAndWaitForNavigation(page, page.getByRole('link', { name: 'Terminé' }));
  assert.equal(new URL(page.url()).pathname, '/security-info');
  assert.deepEqual(await listedMethods(page), [`Téléphone mobile|${ANA.shown}`]);
  await screenshot(page, NAME, 'security-info-listed');
  const audit = server.audit();
  assert.ok(
    audit.some((e) => e.action === 'method_register' && e.result === 'success' && e.actor === ANA.email && e.method === 'phone:mobile'),
    `audit log has the registration:\n${audit.map((e) => e.line).join('\n')}`,
  );
  await page.close();
}));

test('Bruno presses 0 then # on his phone: the call is reported as fraud', logsOnFailure(BRUNO, async () => {
  const page = await browser.newPage();
  const phone = ctrls.get(BRUNO.e164);
  const since = phone.mark();
  const reportsBefore = server.audit().filter((e) => e.action === 'fraud_report').length;

  await startRegistration(page, BRUNO);
  // This phone answers by itself.
  await phone.waitForEvent('CALL_ESTABLISHED', { since });
  await waitForCallStatus(page, 'Appuyez sur la touche dièse (#)');

  await phone.command('sndcode', '0');
  await phone.command('sndcode', '#');
  await phone.waitForEvent('CALL_CLOSED', { since });

  assert.equal(await finalState(page), 'fraud_reported');
  assert.equal(
    await page.locator('#call-status').textContent(),
    "L'appel a été signalé comme frauduleux depuis le téléphone (0#). Le téléphone n'a pas été enregistré et vos administrateurs seront prévenus.",
  );
  assert.equal(await page.locator('#done').count(), 0, 'no success link');
  assert.ok(await page.locator('#try-again').isVisible());
  await checkA11y(page, 'call page (fraud reported, real phone)');
  await screenshot(page, NAME, 'call-fraud');

  const reports = server.audit().filter((e) => e.action === 'fraud_report');
  assert.equal(reports.length, reportsBefore + 1, 'one fraud_report line in `admin audit`');
  assert.equal(reports[0].actor, BRUNO.email);
  assert.equal(reports[0].method, 'phone:mobile');
  assert.equal(reports[0].result, 'denied');

  await page.goto(server.url('/security-info'));
  assert.deepEqual(await listedMethods(page), [], 'nothing registered');
  await page.close();
}));

test('Chloé declines the ringing call: the wizard says so and registers nothing', logsOnFailure(CHLOE, async () => {
  const page = await browser.newPage();
  const phone = ctrls.get(CHLOE.e164);
  const since = phone.mark();

  await startRegistration(page, CHLOE);
  await phone.waitForEvent('CALL_INCOMING', { since });
  await waitForCallStatus(page, 'Votre téléphone sonne');

  await phone.command('hangup');
  await phone.waitForEvent('CALL_CLOSED', { since });

  const state = await finalState(page);
  // baresip declines with "486 Busy Here", which a caller cannot tell from a busy line.
  assert.equal(state, 'busy', `state ${state}: ${await page.locator('#call-status').textContent()}`);
  assert.equal(await page.locator('#call-status').textContent(), 'La ligne était occupée. Réessayez dans un instant.');
  assert.ok(await page.locator('#try-again').isVisible());
  await checkA11y(page, 'call page (declined, real phone)');
  await screenshot(page, NAME, 'call-declined');

  await page.goto(server.url('/security-info'));
  assert.deepEqual(await listedMethods(page), [], 'nothing registered');
  await page.close();
}));

test('axe: no serious or critical violation on any page that loaded', async () => {
  await a11y.assertClean();
});
