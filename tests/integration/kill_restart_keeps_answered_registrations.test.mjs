// SIGKILL under load (issue 9): 16 people register phones, by a texted code (some typing a wrong
// code first) or by a call answered with #, and delete some, while `secinfo serve` is killed with
// SIGKILL at a random moment and started again on the same database file and key, three times.
// Each person is a plain HTTP client with a cookie jar, plus one for their simulated phone.
//
// Every person keeps a ledger of what the server told them about each number they tried (a new
// number for each registration, so a number names one). After each kill (the database as the
// crash left it) and after each restart, the store is read with the sqlite3 CLI and must hold:
// - every phone a person was told is registered, unless they were told it is deleted;
// - no phone nobody was told about, except a registration whose proof was in flight at the kill:
//   its code sent and not yet answered, or its # pressed and the call's outcome not yet seen (the
//   ledger's "proving"), and a deletion sent and not yet answered ("deleting");
// - no challenge half-done: a code challenge verified or a call confirmed without its phone (other
//   than a phone its person deleted), a phone created while its challenge is still open, a phone
//   that no proof points at;
// - counters raised only with their checks: a code's wrong tries are the wrong codes its person was
//   told about, plus at most the checks a kill cut short (a try is reserved before the code is
//   compared, ASVS V2.2.1, so a check cut short stays counted, never the other way round); nobody
//   else's challenge has tries; each person's hourly count of calls and texts covers every call and
//   text sent, and exceeds them by at most the requests a kill cut short;
// - the audit log has every registration and deletion a person was told of by the request that did
//   it (a retried one may have been done by the request the kill cut off, whose entry may be lost).
// Each person then retries the request the kill cut short: its answer is one the person
// understands (the code taken, the call's outcome, the phone gone), never a 5xx. At the end, each
// person's Security info lists exactly the phones they were told are theirs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import {
  HttpClient,
  PASSWORD,
  Server,
  TENANT,
  csrfFrom,
  decodeHtml,
  makeTempDir,
  pollUntil,
  removeDir,
  seedTenant,
  simPhonePath,
  smsTexts,
} from '../e2e/lib/harness.mjs';

const PEOPLE = 16;
const KILLS = 3;
const REGISTRATIONS_BETWEEN_KILLS = 8; // new registrations told to people before each kill
const MAX_DELAY_BEFORE_KILL_MS = 800;
const PHONE_TYPES = ['mobile', 'alternate_mobile', 'office'];
const HOUR_MS = 3_600_000;

let dir;
let server;
let dbFile;

before(async () => {
  dir = makeTempDir('secinfo-kill-restart-');
  dbFile = path.join(dir, 'db.sqlite');
  server = new Server({
    dir,
    // Calls and texts are limited per person and per address; 16 people on one loopback address
    // making several an hour each must not meet those limits here.
    env: { SECINFO_SECURITY_MAX_CALLS_PER_USER_PER_HOUR: '1000' },
  });
  seedTenant(server, { locale: 'en', region: 'FR', allow: 'phone' });
  server.admin(['set-toll-fraud', '--tenant', TENANT.domain, '--per-user', '1000', '--per-ip', '100000', '--per-tenant', '100000', '--per-country', '100000']);
  await Promise.all(
    Array.from({ length: PEOPLE }, (_, i) =>
      server.adminAsync(['create-user', '--email', emailOf(i), '--name', `Person ${i}`, '--locale', 'en', '--password-stdin'], { input: `${PASSWORD}\n` }),
    ),
  );
  await server.start();
});

after(async () => {
  await server?.stop();
  removeDir(dir);
});

function emailOf(i) {
  return `person${i}@contoso.example`;
}

const pick = (list) => list[Math.floor(Math.random() * list.length)];

// ---------------------------------------------------------------------------------------------
// The kill: who is waiting for the server to come back

const fault = {
  killing: false,
  waiting: new Set(), // people whose request failed because the server died
  back: null, // resolves when the server answers again
  release: null,

  begin() {
    this.killing = true;
    this.back = new Promise((resolve) => (this.release = resolve));
  },

  end() {
    this.killing = false;
    this.waiting.clear();
    this.release?.();
  },

  /** A person's request failed for want of a server: waits for the restart (only during a kill). */
  async wait(person, what, error) {
    if (!this.killing) {
      throw new Error(`${person.email}: ${what} failed while nobody had killed the server: ${describe(error)}`);
    }
    this.waiting.add(person);
    await this.back;
  },
};

function describe(error) {
  return `${error.message}${error.cause ? ` (${error.cause.code ?? error.cause.message})` : ''}`;
}

/** Whether `error` is a request that found no server, or lost it before the whole answer came. */
function isConnectionFailure(error) {
  return error instanceof TypeError && (error.message === 'fetch failed' || error.message === 'terminated');
}

// ---------------------------------------------------------------------------------------------
// A person: their browser, their simulated phone, and the ledger of what they were told

class Person {
  constructor(index) {
    this.index = index;
    this.email = emailOf(index);
    this.web = new HttpClient(server.baseUrl, { headers: { 'accept-language': 'en' } });
    this.phone = new HttpClient(server.baseUrl, { headers: { 'accept-language': 'en' } });
    this.numbersTried = 0;
    // One entry per number tried. phase: begun (challenge started), proving (code or # sent, answer
    // not seen), registered, failed, abandoned (given up without an answer), deleting, deleted.
    this.ledger = [];
    this.beginsCut = 0; // calls or texts asked for whose answer a kill cut off
    this.retries = []; // the first request after each restart: what it was and its status
    this.retrying = null;
    this.done = false;
  }

  registered() {
    return this.ledger.filter((r) => r.phase === 'registered');
  }

  told() {
    return this.ledger.filter((r) => r.told).length;
  }

  /**
   * Sends a request; when the server has died, waits for it to come back and sends the same
   * request again (`cut` first notes that the lost one may have reached it). Never a 5xx.
   */
  async send(what, request, { cut } = {}) {
    for (;;) {
      let r;
      try {
        r = await request();
      } catch (e) {
        if (!isConnectionFailure(e)) throw new Error(`${this.email}: ${what}: ${describe(e)}`, { cause: e });
        cut?.();
        await fault.wait(this, what, e);
        this.retrying = what;
        continue;
      }
      r.retried = this.retrying !== null;
      if (r.retried) {
        this.retries.push({ what, status: r.status });
        this.retrying = null;
      }
      assert.ok(r.status < 500, `${this.email}: ${what}${r.retried ? ' (retried after a restart)' : ''} answered HTTP ${r.status}: ${decodeHtml(r.text).replace(/\s+/g, ' ').slice(0, 400)}`);
      return r;
    }
  }

  async signIn() {
    const form = await this.web.get('/sign-in');
    const r = await this.web.post('/sign-in', { csrf: csrfFrom(form.text), username: this.email, password: PASSWORD, return_to: '/security-info' });
    assert.equal(r.status, 303, `${this.email} could not sign in (${r.status})`);
    // The form token is bound to the session (and the phone's to its pre-session cookie): one each.
    this.csrf = csrfFrom((await this.web.get('/security-info/phone')).text);
    this.phoneCsrf = csrfFrom((await this.phone.get(simPhonePath('+33600000000'))).text);
  }

  async run(stopping) {
    try {
      while (!stopping()) {
        const phones = this.registered().length;
        if (phones === PHONE_TYPES.length || (phones > 0 && Math.random() < 0.2)) await this.deleteOne();
        else await this.registerOne();
      }
    } finally {
      this.done = true;
    }
  }

  /** A number no one has tried before: +33 6 (mobiles) or +33 1 (office), this person's and new. */
  newNumber(type) {
    this.numbersTried += 1;
    const digits = `${10 + this.index}${String(this.numbersTried).padStart(6, '0')}`;
    return type === 'office' ? `+331${digits}` : `+336${digits}`;
  }

  async registerOne() {
    const taken = new Set(this.registered().map((r) => r.type));
    const type = pick(PHONE_TYPES.filter((t) => !taken.has(t)));
    const via = type === 'office' || Math.random() < 0.5 ? 'call' : 'sms';
    const reg = { e164: this.newNumber(type), type, via, phase: 'asking', id: null, toldWrong: 0, checksCut: 0, told: false, auditable: [] };
    this.ledger.push(reg);
    const begun = await this.send(
      `Next (${via}) for ${reg.e164}`,
      () => this.web.post('/security-info/phone', { csrf: this.csrf, phone_type: type, region: 'FR', number: reg.e164, verify: via }),
      { cut: () => (this.beginsCut += 1) },
    );
    const next = via === 'sms' ? /^\/security-info\/codes\/([\w-]+)$/ : /^\/security-info\/phone\/calls\/([\w-]+)$/;
    assert.equal(begun.status, 303, `${this.email}: Next for ${reg.e164} answered ${begun.status}: ${decodeHtml(begun.text).replace(/\s+/g, ' ').slice(0, 400)}`);
    reg.id = begun.location.match(next)?.[1];
    assert.ok(reg.id, `${this.email}: Next for ${reg.e164} went to ${begun.location}`);
    reg.phase = 'begun';
    if (via === 'sms') await this.proveByCode(reg);
    else await this.proveByCall(reg);
  }

  async proveByCode(reg) {
    const page = `/security-info/codes/${reg.id}`;
    // The text was sent before the wizard moved on: the newest on the phone is this challenge's.
    const phone = await this.send(`the texts of ${reg.e164}`, () => this.phone.get(simPhonePath(reg.e164)));
    const code = smsTexts(phone.text)
      .map((t) => t.match(/^(\d{6}) is your Contoso verification code/)?.[1])
      .find(Boolean);
    assert.ok(code, `${this.email}: no code on ${reg.e164}: ${smsTexts(phone.text).join(' | ')}`);
    const check = (typed) => this.send(`code for ${reg.e164}`, () => this.web.post(page, { csrf: this.csrf, code: typed }), { cut: () => (reg.checksCut += 1) });

    if (Math.random() < 0.3) {
      const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
      const r = await check(wrong);
      assert.equal(r.status, 400, `${this.email}: a wrong code for ${reg.e164} answered ${r.status}`);
      assert.match(decodeHtml(r.text), /That code is wrong\. (\d tries|1 try) left\./);
      reg.toldWrong += 1;
    }
    reg.phase = 'proving';
    const r = await check(code);
    if (r.status === 303) {
      assert.equal(r.location, page);
      reg.auditable.push('method_register');
    } else {
      // Only the retry of a check the kill cut short: that one was taken, the page says so.
      assert.ok(r.retried, `${this.email}: the right code for ${reg.e164} answered ${r.status}`);
      assert.equal(r.status, 400);
      assert.match(decodeHtml(r.text), /id="code-status">Registered: (Mobile|Alternate mobile) phone \+33 6/);
    }
    reg.phase = 'registered';
    reg.told = true;
  }

  async proveByCall(reg) {
    const call = `${simPhonePath(reg.e164)}/calls/${reg.id}`;
    const phoneAnswer = (r) => {
      assert.equal(r.status, 303, `${this.email}: the phone ${reg.e164} answered ${r.status}`);
      // ?error=1: the call is no longer ringing (answered by a request the kill cut short) or over.
      assert.match(r.location, /^\/sim\/phone\/[^?]+(\?error=1)?$/);
    };
    phoneAnswer(await this.send(`answering ${reg.e164}`, () => this.phone.post(`${call}/answer`, { csrf: this.phoneCsrf })));
    reg.phase = 'proving';
    const pressed = await this.send(`# on ${reg.e164}`, () => this.phone.post(`${call}/key`, { csrf: this.phoneCsrf, key: '#' }));
    phoneAnswer(pressed);
    // The wizard's page asks how the call ended; # was handled before the phone's page came back.
    let status = await this.callStatus(reg);
    if (!status.final) {
      // The phone was answered but the server died before it heard of it: the call still rings as
      // far as the server knows. The person hangs up, and the wizard says so.
      phoneAnswer(await this.send(`hanging up ${reg.e164}`, () => this.phone.post(`${call}/hangup`, { csrf: this.phoneCsrf })));
      status = await this.callStatus(reg);
      assert.ok(status.final, `${this.email}: the call to ${reg.e164} is still ${status.state} after hanging up`);
    }
    reg.phase = status.state === 'confirmed' ? 'registered' : 'failed';
    reg.told = reg.phase === 'registered';
    // A # sent once was handled, audit entry included, before the phone's page came back.
    if (reg.told && !pressed.retried) reg.auditable.push('method_register');
  }

  async callStatus(reg) {
    const r = await this.send(`call status of ${reg.e164}`, () => this.web.get(`/security-info/phone/calls/${reg.id}/status`));
    assert.equal(r.status, 200);
    const status = JSON.parse(r.text);
    assert.ok(status.message, `${this.email}: the call status of ${reg.e164} says nothing`);
    return status;
  }

  /** Security info as the person sees it: the listed phones, number → method id. */
  async listedPhones() {
    const r = await this.send('Security info', () => this.web.get('/security-info'));
    assert.equal(r.status, 200, `${this.email}: Security info answered ${r.status} ${r.location ?? ''}`);
    const listed = new Map();
    for (const [, id, detail] of r.text.matchAll(/<li class="method" data-method-id="(\d+)">[\s\S]*?<span class="method-detail" dir="ltr">([^<]*)<\/span>/g)) {
      listed.set(detail.replace(/\s+/g, ''), id);
    }
    return listed;
  }

  async deleteOne() {
    const reg = pick(this.registered());
    const id = (await this.listedPhones()).get(reg.e164);
    assert.ok(id, `${this.email}: Security info does not list ${reg.e164}, registered at ${reg.id}`);
    reg.phase = 'deleting';
    const r = await this.send(`deleting ${reg.e164}`, () => this.web.post(`/security-info/methods/${id}/delete`, { csrf: this.csrf }));
    if (r.status === 303) {
      assert.equal(r.location, '/security-info?notice=deleted');
      reg.auditable.push('method_delete');
    } else {
      // Only the retry of a deletion the kill cut short: that one was done.
      assert.ok(r.retried, `${this.email}: deleting ${reg.e164} answered ${r.status}`);
      assert.equal(r.status, 404);
      assert.match(decodeHtml(r.text), /This method no longer exists\./);
    }
    reg.phase = 'deleted';
  }
}

// ---------------------------------------------------------------------------------------------
// The store, read with the sqlite3 CLI

function sql(query) {
  const r = spawnSync('sqlite3', ['-json', '-cmd', '.timeout 5000', dbFile, query], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`sqlite3 ${query}: ${r.stderr}${r.error ?? ''}`);
  return r.stdout.trim() ? JSON.parse(r.stdout) : [];
}

const windowOf = (millis) => millis - (millis % HOUR_MS);
const testStart = Date.now();

/**
 * Compares the store with every person's ledger; returns the problems found. `inFlight`: proofs
 * and deletions cut off by a kill may have happened or not (false once everyone has their answer).
 */
function storeProblems(people, label, { inFlight }) {
  const problems = [];
  const bad = (what) => problems.push(`${label}: ${what}`);
  const users = new Map(sql('SELECT id, username FROM users').map((u) => [u.username, u.id]));
  // A phone's type and number are its kind's own record (src/methods/phone/phone_data.h).
  const methods = sql("SELECT id, user_id, data ->> '$.type' AS phone_type, data ->> '$.number' AS phone_e164" +
    " FROM methods WHERE kind = 'phone'");
  const codes = sql("SELECT id, user_id, destination, state, method_id, failed_attempts, sends FROM code_challenges WHERE purpose = 'register'");
  const calls = sql("SELECT id, user_id, phone_e164, state, method_id FROM call_attempts WHERE purpose = 'register'");
  const counters = new Map(sql("SELECT key, window_start, count FROM rate_limits WHERE key LIKE 'toll:user:%'").map((c) => [c.key, c]));
  const methodIds = new Set(methods.map((m) => m.id));
  const proven = new Set([...codes.filter((c) => c.state === 'verified'), ...calls.filter((a) => a.state === 'confirmed')].map((x) => x.method_id));
  const now = Date.now();

  for (const p of people) {
    const userId = users.get(p.email);
    const own = new Map(methods.filter((m) => m.user_id === userId).map((m) => [m.phone_e164, m]));
    const ledger = new Map(p.ledger.map((r) => [r.e164, r]));

    // 1. Phones: the told ones present, none that nobody was told about.
    for (const reg of p.ledger) {
      const m = own.get(reg.e164);
      const what = `${p.email}'s ${reg.type} ${reg.e164} (by ${reg.via}, ${reg.phase})`;
      if (reg.phase === 'proving' || reg.phase === 'deleting') {
        if (!inFlight) bad(`${what} has no answer yet`);
      } else if (reg.phase === 'registered') {
        if (!m) bad(`${what}: told registered, but the store has no such phone`);
        else if (m.phone_type !== reg.type) bad(`${what} is stored as ${m.phone_type}`);
      } else if (m) {
        bad(`${what} is stored (method ${m.id}) though nobody was told it is registered`);
      }
    }
    for (const m of own.values()) {
      if (!ledger.has(m.phone_e164)) bad(`${p.email} has a phone ${m.phone_e164} never asked for (method ${m.id})`);
    }

    // 2. Counters: wrong tries as told, plus at most the checks a kill cut short.
    for (const c of codes.filter((x) => x.user_id === userId)) {
      const reg = p.ledger.find((r) => r.id === c.id);
      const least = reg?.toldWrong ?? 0;
      const most = least + (reg?.checksCut ?? 0);
      if (c.failed_attempts < least || c.failed_attempts > most) {
        bad(`${p.email}'s code challenge ${c.id.slice(0, 8)} to ${c.destination} (${c.state}) has ${c.failed_attempts} wrong tries; the person was told of ${least} wrong codes and ${most - least} checks were cut short`);
      }
    }
    const counter = counters.get(`toll:user:${userId}`);
    const sent = calls.filter((a) => a.user_id === userId).length + codes.filter((c) => c.user_id === userId).reduce((n, c) => n + c.sends, 0);
    if (windowOf(testStart) !== windowOf(now)) {
      // The hourly window turned during the test: the count started again, nothing to compare.
    } else if (!counter || counter.window_start !== windowOf(now) || counter.count < sent || counter.count > sent + p.beginsCut) {
      bad(`${p.email}'s hourly count of calls and texts is ${counter?.count ?? 'absent'} for ${sent} sent, ${p.beginsCut} asked for by requests a kill cut short`);
    }
  }

  // 3. Challenges half-done.
  const deletedNumbers = new Set(people.flatMap((p) => p.ledger.filter((r) => r.phase === 'deleted' || (inFlight && r.phase === 'deleting')).map((r) => `${users.get(p.email)} ${r.e164}`)));
  const check = (kind, rows, number, done) => {
    for (const x of rows) {
      const what = `${kind} ${x.id.slice(0, 8)} to ${x[number]} (${x.state})`;
      if (x.state === done && x.method_id === null && !deletedNumbers.has(`${x.user_id} ${x[number]}`)) bad(`${what} has no phone, and nobody deleted it`);
      if (x.state !== done && x.method_id !== null) bad(`${what} points at method ${x.method_id} though it is not ${done}`);
      if (x.method_id !== null && !methodIds.has(x.method_id)) bad(`${what} points at method ${x.method_id}, which does not exist`);
    }
  };
  check('code challenge', codes, 'destination', 'verified');
  check('call', calls, 'phone_e164', 'confirmed');
  for (const m of methods) {
    if (!proven.has(m.id)) bad(`phone ${m.phone_e164} (method ${m.id}) has no verified code or confirmed call`);
  }

  // 4. The audit log has every registration and deletion a person was told of by the request that
  //    made it.
  const audited = new Set(
    sql("SELECT user_id, action, detail FROM audit_log WHERE action IN ('method_register', 'method_delete') AND result = 'success'").map(
      (e) => `${e.user_id} ${e.action} ${e.action === 'method_delete' ? e.detail.replace(/\s+/g, '') : e.detail.match(/ to (\+\d+)$/)?.[1]}`,
    ),
  );
  for (const p of people) {
    for (const reg of p.ledger) {
      for (const action of reg.auditable) {
        if (!audited.has(`${users.get(p.email)} ${action} ${reg.e164}`)) bad(`${p.email} was told of ${action} ${reg.e164}, and the audit log does not say so`);
      }
    }
  }
  // ... and every phone the database holds has its entry, even one whose answer a kill cut off:
  //     the entry is committed with the phone.
  for (const m of methods) {
    if (!audited.has(`${m.user_id} method_register ${m.phone_e164}`)) bad(`phone ${m.phone_e164} (method ${m.id}) is stored without its audit entry`);
  }
  //    So has every deletion that was kept, answered or not.
  for (const p of people) {
    const userId = users.get(p.email);
    const stored = new Set(methods.filter((m) => m.user_id === userId).map((m) => m.phone_e164));
    for (const reg of p.ledger.filter((r) => (r.phase === 'deleting' || r.phase === 'deleted') && !stored.has(r.e164))) {
      if (!audited.has(`${userId} method_delete ${reg.e164}`)) bad(`${p.email}'s ${reg.e164} was deleted without its audit entry`);
    }
  }
  return problems;
}

function assertStore(people, label, options) {
  const problems = storeProblems(people, label, options);
  assert.deepEqual(problems, [], `${label}:\n${problems.join('\n')}`);
}

// ---------------------------------------------------------------------------------------------

test('SIGKILL under load keeps every answered registration and leaves no challenge half-done', async () => {
  try {
    await killAndRestartUnderLoad();
  } catch (e) {
    // Whatever failed (a request that timed out, a store check), the server's side of it.
    e.message += `\n--- server log (end)\n${server.log().slice(-4000)}`;
    throw e;
  }
});

async function killAndRestartUnderLoad() {
  const people = Array.from({ length: PEOPLE }, (_, i) => new Person(i));
  await Promise.all(people.map((p) => p.signIn()));

  let stopping = false;
  const failures = [];
  const running = people.map((p) => p.run(() => stopping).catch((e) => failures.push(e)));
  const told = () => people.reduce((n, p) => n + p.told(), 0);
  const noFailure = () => {
    if (failures.length) throw failures[0];
  };
  const inFlightAtKills = [];

  try {
    let before = 0;
    for (let k = 1; k <= KILLS; k += 1) {
      await pollUntil(() => failures.length > 0 || told() >= before + REGISTRATIONS_BETWEEN_KILLS, {
        timeout: 20_000,
        interval: 20,
        message: `${REGISTRATIONS_BETWEEN_KILLS} more registrations answered before kill ${k}`,
      });
      noFailure();
      await new Promise((resolve) => setTimeout(resolve, Math.random() * MAX_DELAY_BEFORE_KILL_MS));

      fault.begin();
      const { pid } = server.proc;
      process.kill(pid, 'SIGKILL');
      const exit = await server.exited;
      assert.equal(exit.signal, 'SIGKILL');
      // Everyone finds the server gone (each sends requests without pause).
      await pollUntil(() => failures.length > 0 || people.every((p) => p.done || fault.waiting.has(p)), {
        timeout: 10_000,
        interval: 10,
        message: 'every person to lose the server',
      });
      noFailure();
      inFlightAtKills.push(people.flatMap((p) => p.ledger.filter((r) => r.phase === 'proving' || r.phase === 'deleting')).length);
      assertStore(people, `the database as kill ${k} left it`, { inFlight: true });

      await server.start();
      assertStore(people, `after restart ${k}`, { inFlight: true });
      before = told();
      fault.end();
    }

    // After the last restart: everyone gets the answer the kill cut off, and goes on a little.
    await pollUntil(() => failures.length > 0 || told() >= before + REGISTRATIONS_BETWEEN_KILLS, {
      timeout: 20_000,
      interval: 20,
      message: 'registrations after the last restart',
    });
    noFailure();
  } finally {
    stopping = true;
    fault.end();
    await Promise.all(running);
  }
  noFailure();

  assertStore(people, 'at the end', { inFlight: false });
  for (const p of people) {
    const listed = [...(await p.listedPhones()).keys()].sort();
    const expected = p.registered().map((r) => r.e164).sort();
    assert.deepEqual(listed, expected, `${p.email}'s Security info lists the phones they were told are theirs`);
  }

  const retries = people.flatMap((p) => p.retries);
  assert.ok(retries.length >= KILLS, `requests were retried after the restarts (${retries.length})`);
  const ledger = people.flatMap((p) => p.ledger);
  const count = (phase) => ledger.filter((r) => r.phase === phase).length;
  console.log(
    `${KILLS} kills; ${ledger.filter((r) => r.told).length} registrations answered ` +
      `(${ledger.filter((r) => r.told && r.via === 'sms').length} by text, ${ledger.filter((r) => r.told && r.via === 'call').length} by call; ` +
      `${count('registered')} kept, ${count('deleted')} deleted, ${count('failed')} failed); ` +
      `${ledger.reduce((n, r) => n + r.toldWrong, 0)} wrong codes; ${ledger.reduce((n, r) => n + r.auditable.length, 0)} audit entries checked; proofs or deletions in flight at each kill: ${inFlightAtKills.join(', ')}; ` +
      `${retries.length} requests retried after a restart: ${[...new Set(retries.map((r) => r.status))].sort().join(', ')}`,
  );
}
