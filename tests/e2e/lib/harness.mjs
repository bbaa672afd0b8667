// Shared helpers for secinfo's end-to-end tests: a real `secinfo serve` on a free loopback port with
// a throw-away directory, the admin CLI, Debian's Chromium driven by Playwright, axe-core checks,
// screenshots, and polling with a deadline (never a sleep for synchronisation).
//
// The integration tests (tests/integration) import this file too, without a browser: nothing here
// loads playwright-core until launchBrowser() is called.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const E2E_DIR = path.resolve(here, '..');
export const REPO_DIR = path.resolve(E2E_DIR, '..', '..');
export const OUTPUT_DIR = path.join(E2E_DIR, 'output');
export const SECINFO_BIN = process.env.SECINFO_BIN || path.join(REPO_DIR, 'build', 'secinfo');
const require = createRequire(import.meta.url);

// ---------------------------------------------------------------------------------------------
// Polling

/**
 * Calls `fn` until it returns a truthy value (returned) or the deadline passes (throws, with the
 * last value or error seen). `fn` may be async and may throw while it is not yet true.
 */
export async function pollUntil(fn, { timeout = 10_000, interval = 100, message = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() >= deadline) {
      const why = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeout} ms waiting for ${message} (last: ${why})`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

// ---------------------------------------------------------------------------------------------
// Ports, directories

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
export function accepts(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

export function makeTempDir(prefix = 'secinfo-e2e-') {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir) {
  if (dir) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

// ---------------------------------------------------------------------------------------------
// The server and its admin CLI

/**
 * One secinfo node. Several nodes may share `dir` (same database and key file) with their own port.
 * Settings come from the environment only; every inherited SECINFO_* variable is dropped, since
 * secinfo refuses settings it does not know (SECINFO_BIN among them).
 */
// Servers and peers still running when this process exits (a test crashed or timed out) are
// killed by PID.
const running = new Set();
process.on('exit', () => {
  for (const proc of running) {
    try {
      process.kill(proc.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

export class Server {
  constructor({ dir, port = 0, name = 'node', ringTimeout = 20, inputTimeout = 20, env = {} } = {}) {
    if (!fs.existsSync(SECINFO_BIN)) {
      throw new Error(`secinfo binary not found at ${SECINFO_BIN}: run scripts/build, or set SECINFO_BIN`);
    }
    this.dir = dir;
    this.port = port;
    this.name = name;
    this.logFile = path.join(dir, `${name}.log`);
    this.settings = {
      SECINFO_SERVER_PORT: String(port),
      SECINFO_DATABASE_CONNECTION: path.join(dir, 'db.sqlite'),
      SECINFO_SECURITY_KEY_FILE: path.join(dir, 'key'),
      SECINFO_DEMO_ENABLED: 'false',
      SECINFO_VOICE_RING_TIMEOUT_SECONDS: String(ringTimeout),
      SECINFO_VOICE_INPUT_TIMEOUT_SECONDS: String(inputTimeout),
      ...env,
    };
    this.proc = null;
  }

  get baseUrl() {
    return `http://127.0.0.1:${this.port}`;
  }

  url(p = '/') {
    return this.baseUrl + p;
  }

  env() {
    const env = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('SECINFO_')) env[k] = v;
    const settings = { ...this.settings, SECINFO_SERVER_PORT: String(this.port) };
    if (!this.port) delete settings.SECINFO_SERVER_PORT; // admin commands do not listen
    return { ...env, ...settings };
  }

  /** Runs `secinfo admin ...args`; returns stdout, throws with stderr when it fails. */
  admin(args, { input } = {}) {
    const r = spawnSync(SECINFO_BIN, ['admin', ...args], {
      env: this.env(),
      input: input ?? '',
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (r.status !== 0) {
      throw new Error(`secinfo admin ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr}${r.error ?? ''}`);
    }
    return r.stdout;
  }

  /** Like admin(), without waiting: several commands (each a process of its own) run at once. */
  adminAsync(args, { input } = {}) {
    return new Promise((resolve, reject) => {
      const proc = spawn(SECINFO_BIN, ['admin', ...args], { env: this.env(), stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      proc.stdout.on('data', (d) => (stdout += d));
      proc.stderr.on('data', (d) => (stderr += d));
      proc.on('error', reject);
      proc.on('close', (code, signal) => {
        if (code === 0) resolve(stdout);
        else reject(new Error(`secinfo admin ${args.join(' ')} failed (${code ?? signal}): ${stderr}`));
      });
      proc.stdin.end(input ?? '');
    });
  }

  /** The tenant's audit log, newest first, as objects. */
  audit(tenant = 'contoso.example', limit = 100) {
    return this.admin(['audit', '--tenant', tenant, '--limit', String(limit)])
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [at, actor, ip, action, method, result, detail] = line.split('\t');
        return { at: Number(at), actor, ip, action, method, result, detail, line };
      });
  }

  async start({ timeout = 15_000 } = {}) {
    if (!this.port) this.port = await freePort();
    const log = fs.openSync(this.logFile, 'a');
    this.proc = spawn(SECINFO_BIN, ['serve'], { env: this.env(), stdio: ['ignore', log, log] });
    fs.closeSync(log);
    const proc = this.proc;
    running.add(proc);
    this.exited = new Promise((resolve) =>
      proc.once('exit', (code, signal) => {
        running.delete(proc);
        resolve({ code, signal });
      }),
    );
    let exitInfo = null;
    this.exited.then((x) => (exitInfo = x));
    await pollUntil(
      async () => {
        if (exitInfo) throw new Error(`secinfo exited early (${JSON.stringify(exitInfo)}):\n${this.log()}`);
        const r = await fetch(this.url('/readyz'), { signal: AbortSignal.timeout(1000) });
        return r.status === 200;
      },
      { timeout, interval: 50, message: `${this.name} to answer /readyz on port ${this.port}` },
    ).catch((e) => {
      throw new Error(`${e.message}\n--- ${this.logFile}\n${this.log()}`);
    });
    return this;
  }

  log() {
    try {
      return fs.readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  /** Stops this node by its PID: SIGTERM, then SIGKILL if it has not exited within 5 s. */
  async stop() {
    if (this.proc) await stopProcess(this.proc, { exited: this.exited });
  }
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL, for several nodes on one database

const postgresqlServers = new Set();
process.on('exit', () => {
  for (const pg of postgresqlServers) pg.stopSync();
});

/**
 * A throwaway PostgreSQL 15 on a free port of 127.0.0.1 (scripts/test-postgresql: initdb/pg_ctl,
 * as "nobody" when the tests run as root), stopped by its PID. newDatabase() gives each test a
 * database of its own and returns its connection string for SECINFO_DATABASE_CONNECTION.
 */
export class Postgresql {
  static script = path.join(REPO_DIR, 'scripts', 'test-postgresql');

  static start() {
    const dir = makeTempDir('secinfo-pg-');
    const r = spawnSync(Postgresql.script, ['start', dir], { encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) {
      removeDir(dir);
      throw new Error(`test-postgresql start failed (${r.status ?? r.signal}): ${r.stderr}`);
    }
    const [port, pid] = r.stdout.trim().split(/\s+/).map(Number);
    const pg = new Postgresql(dir, port, pid);
    postgresqlServers.add(pg);
    return pg;
  }

  constructor(dir, port, pid) {
    this.dir = dir;
    this.port = port;
    this.pid = pid;
  }

  connection(database) {
    return `host=127.0.0.1 port=${this.port} user=postgres dbname=${database}`;
  }

  /** Creates an empty database (a name of letters, digits and _) and returns its connection. */
  newDatabase(name) {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
    const r = spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', this.connection('postgres'), '-c', `CREATE DATABASE ${name} TEMPLATE template0`], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (r.status !== 0) throw new Error(`create database ${name}: ${r.stderr}${r.error ?? ''}`);
    return this.connection(name);
  }

  stopSync() {
    if (!postgresqlServers.delete(this)) return;
    spawnSync(Postgresql.script, ['stop', this.dir, String(this.pid)], { timeout: 30_000 });
  }
}

// ---------------------------------------------------------------------------------------------
// Peer programs (tests/peers: sip_peers, kannel_peers, smsc.pl, aiosmtpd)

/**
 * Starts a peer program. Its stdin stays open while this process lives (sip_peers and
 * kannel_peers hold their peers until it closes); proc.exited resolves with { code, signal },
 * proc.output() and proc.stderrText() give what it printed. Killed by PID if still running when
 * this process exits.
 */
export function spawnPeer(command, args) {
  const proc = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const output = [];
  const stderr = [];
  proc.stdout.on('data', (d) => output.push(d));
  proc.stderr.on('data', (d) => {
    output.push(d);
    stderr.push(d);
  });
  running.add(proc);
  proc.exited = new Promise((resolve) =>
    proc.once('exit', (code, signal) => {
      running.delete(proc);
      resolve({ code, signal });
    }),
  );
  proc.output = () => Buffer.concat(output).toString('utf8');
  proc.stderrText = () => Buffer.concat(stderr).toString('utf8');
  return proc;
}

/**
 * The first line a peer program prints on stdout, parsed as JSON. Rejects when it prints
 * {"error": ...}, exits first, or prints nothing within `timeout`.
 */
export function firstJsonLine(proc, what, { timeout = 30_000 } = {}) {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${what} printed nothing in ${timeout} ms:\n${proc.stderrText()}`)), timeout);
    proc.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      const j = JSON.parse(out.slice(0, nl));
      if (j.error) reject(new Error(`${what}: ${j.error}\n${proc.stderrText()}`));
      else resolve(j);
    });
    proc.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code ?? signal}):\n${proc.stderrText()}`));
    });
  });
}

/**
 * Stops a child by its PID: SIGTERM, then SIGKILL if it is not gone within `grace` ms. `exited`:
 * the promise of its end (proc.exited by default).
 */
export async function stopProcess(proc, { grace = 5000, exited = proc.exited } = {}) {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  process.kill(proc.pid, 'SIGTERM');
  let timer;
  const done = await Promise.race([exited, new Promise((r) => (timer = setTimeout(() => r(null), grace)))]);
  clearTimeout(timer);
  if (!done) {
    process.kill(proc.pid, 'SIGKILL');
    await exited;
  }
}

export const TENANT = { name: 'Contoso', domain: 'contoso.example' };
export const PASSWORD = 'correct horse battery staple';

/**
 * A tenant and its people, created with the admin CLI before (or while) the server runs.
 * users: [{ email, name, locale }] (locale '' or absent: none, so the browser's language is used).
 */
export function seedTenant(server, { locale = 'fr', region = 'FR', allow = 'phone', users = [] } = {}) {
  server.admin(['create-tenant', '--name', TENANT.name, '--domain', TENANT.domain, '--locale', locale, '--region', region]);
  for (const u of users) {
    const args = ['create-user', '--email', u.email, '--name', u.name ?? u.email, '--password-stdin'];
    if (u.locale) args.push('--locale', u.locale);
    server.admin(args, { input: `${u.password ?? PASSWORD}\n` });
  }
  server.admin(['set-methods', '--tenant', TENANT.domain, '--allow', allow]);
}

/** A temp dir, a seeded tenant and a running server; stop() stops it and removes the dir. */
export async function startSeededServer(seed = {}, serverOptions = {}) {
  const dir = makeTempDir();
  const server = new Server({ dir, ...serverOptions });
  try {
    seedTenant(server, seed);
    await server.start();
  } catch (e) {
    await server.stop();
    removeDir(dir);
    throw e;
  }
  const stop = async () => {
    await server.stop();
    removeDir(dir);
  };
  return { server, dir, stop };
}

// ---------------------------------------------------------------------------------------------
// Plain HTTP with a cookie jar (no browser)

export class HttpClient {
  constructor(baseUrl, { headers = {} } = {}) {
    this.baseUrl = baseUrl;
    this.cookies = new Map();
    this.headers = headers;
  }

  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  remember(res) {
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(method, p, { form, headers = {} } = {}) {
    const h = { ...this.headers, ...headers };
    if (this.cookies.size) h.cookie = this.cookieHeader();
    let body;
    if (form) {
      body = new URLSearchParams(form).toString();
      h['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await fetch(new URL(p, this.baseUrl), { method, headers: h, body, redirect: 'manual', signal: AbortSignal.timeout(10_000) });
    this.remember(res);
    const text = await res.text();
    return { status: res.status, location: res.headers.get('location'), text, headers: res.headers };
  }

  get(p, opts) {
    return this.request('GET', p, opts);
  }

  post(p, form, opts) {
    return this.request('POST', p, { ...opts, form });
  }
}

/** The value of the first hidden csrf input of a page. */
export function csrfFrom(html) {
  const m = html.match(/name="csrf" value="([^"]+)"/);
  if (!m) throw new Error('no csrf input in the page');
  return m[1];
}

/** Text with the HTML entities secinfo's templates produce decoded. */
export function decodeHtml(s) {
  return s
    .replace(/&apos;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

// ---------------------------------------------------------------------------------------------
// The browser

export const CHROMIUM = process.env.SECINFO_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Debian's Chromium, headless, with a fresh user-data dir under `dir`. Returns the (persistent)
 * browser context; options go to it (locale, viewport, ...). Close it with context.close().
 */
export async function launchBrowser(dir, options = {}) {
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (e) {
    throw new Error(`playwright-core is not installed: run 'cd tests/e2e && npm ci' (${e.message})`);
  }
  const profile = fs.mkdtempSync(path.join(dir, 'chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1024, height: 800 },
    ...options,
  });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  return context;
}

/** Fails the test with the page's text when a navigation answered with an unexpected status. */
export function expectStatus(response, status, what) {
  if (!response) throw new Error(`${what}: no response`);
  if (response.status() !== status) {
    throw new Error(`${what}: HTTP ${response.status()} (expected ${status}) at ${response.url()}`);
  }
}

let axeSource;
const axeQueues = new WeakMap(); // page → the promise of its last axe run (axe runs one at a time)

/** Runs axe-core on the page as it is now; returns its violations (one run per page at a time). */
function runAxe(page) {
  const previous = axeQueues.get(page) ?? Promise.resolve();
  const run = previous.catch(() => {}).then(async () => {
    axeSource ??= fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
    // The pages' CSP forbids inline scripts, so axe is evaluated through the DevTools protocol
    // rather than added as a <script>.
    const loaded = await page.evaluate(() => typeof window.axe !== 'undefined');
    if (!loaded) await page.evaluate(axeSource);
    return page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => `${n.target.join(' ')} — ${n.failureSummary?.replace(/\s+/g, ' ')}`),
      }));
    });
  });
  axeQueues.set(page, run);
  return run;
}

const isSerious = (v) => v.impact === 'serious' || v.impact === 'critical';
const describeViolation = (v) => `  [${v.impact}] ${v.id}: ${v.help}\n${v.nodes.map((n) => `      ${n}`).join('\n')}`;

/**
 * Runs axe-core on the page as it is now. Fails on any violation of impact serious or critical,
 * listing them; lesser ones are printed.
 */
export async function checkA11y(page, label) {
  await page.waitForLoadState('load');
  const results = await runAxe(page);
  const bad = results.filter(isSerious);
  const minor = results.filter((v) => !isSerious(v));
  if (minor.length) console.log(`axe (${label}, ${page.url()}): minor violations\n${minor.map(describeViolation).join('\n')}`);
  if (bad.length) {
    throw new Error(`axe found ${bad.length} serious/critical violation(s) on ${label} (${page.url()}):\n${bad.map(describeViolation).join('\n')}`);
  }
  return results;
}

/**
 * Runs axe on every page that loads in `context` from now on (each navigation, each reload), on
 * top of the explicit checkA11y calls at particular moments. assertClean() waits for the runs and
 * fails on any serious or critical violation seen. A page that navigates away while axe runs is
 * skipped: the page it went to is checked in turn.
 */
export function checkEveryPage(context) {
  const runs = [];
  const checked = new Set();
  const found = [];
  const watch = (page) =>
    page.on('load', () => {
      const url = page.url();
      if (!url.startsWith('http')) return;
      runs.push(
        runAxe(page).then(
          (violations) => {
            checked.add(new URL(url).pathname);
            for (const v of violations.filter(isSerious)) found.push({ url, v });
          },
          () => {}, // navigated away meanwhile
        ),
      );
    });
  context.pages().forEach(watch);
  context.on('page', watch);
  return {
    checked,
    async assertClean() {
      await Promise.all(runs);
      if (found.length) {
        throw new Error(`axe found serious/critical violations:\n${found.map(({ url, v }) => `${url}\n${describeViolation(v)}`).join('\n')}`);
      }
      console.log(`axe checked ${checked.size} distinct paths on load: ${[...checked].sort().join(' ')}`);
      return checked;
    },
  };
}

const shotCounters = new Map();

/** Saves a full-page PNG as tests/e2e/output/<test>/<NN>-<step>.png and returns its path. */
export async function screenshot(page, test, step) {
  const dir = path.join(OUTPUT_DIR, test);
  if (!shotCounters.has(test)) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    shotCounters.set(test, 0);
  }
  const n = shotCounters.get(test) + 1;
  shotCounters.set(test, n);
  const file = path.join(dir, `${String(n).padStart(2, '0')}-${step.replace(/[^a-z0-9_-]+/gi, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// ---------------------------------------------------------------------------------------------
// What a person does, step by step

/** Signs in through the sign-in form; `expectSuccess` waits for Security info. */
export async function signIn(page, server, email, password = PASSWORD, { expectSuccess = true } = {}) {
  await page.goto(server.url('/sign-in'));
  await page.locator('#username').fill(email);
  await page.locator('#password').fill(password);
  await clickAndWaitForNavigation(page, page.locator('main button[type=submit]'));
  if (expectSuccess) await page.waitForURL(server.url('/security-info'));
}

/** The phone rows of Security info as "label|detail" strings. */
export async function listedMethods(page) {
  return page.locator('li.method').evaluateAll((rows) =>
    rows.map((r) => `${r.querySelector('.method-label').textContent.trim()}|${r.querySelector('.method-detail').textContent.trim()}`),
  );
}

/** The URL of the simulated phone with this E.164 number. */
export function simPhonePath(e164) {
  return `/sim/phone/${encodeURIComponent(e164)}`;
}

/** Waits until the call page's status text contains `text` (the page polls by itself). */
export async function waitForCallStatus(page, text, timeout = 15_000) {
  await pollUntil(async () => (await page.locator('#call-status').textContent())?.includes(text), {
    timeout,
    message: `call status "${text}"`,
  }).catch(async (e) => {
    throw new Error(`${e.message}; page shows: ${await page.locator('main').innerText().catch(() => '?')}`);
  });
}

/** Opens the simulated phone in `page` and waits until it rings. */
export async function openRingingPhone(page, server, e164) {
  const url = server.url(simPhonePath(e164));
  await pollUntil(
    async () => {
      // A phone page left open reloads itself when its call changes (app.js), which can cut into
      // a navigation of ours: that one is then simply done again on the next poll.
      if (page.url() !== url) await page.goto(url).catch(() => {});
      if (await page.locator('#answer').isVisible()) return true;
      await page.reload().catch(() => {});
      return false;
    },
    { timeout: 10_000, interval: 250, message: `${e164} to ring on /sim` },
  );
}

/**
 * Clicks (or, with `act`, does anything that submits) and waits until the page has navigated and
 * loaded, also when it comes back to the same URL (a form posted, then redirected back).
 */
export async function clickAndWaitForNavigation(page, locator, act = () => locator.click()) {
  const navigated = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame() });
  await act();
  await navigated;
  await page.waitForLoadState('load');
}

/** Presses one key on the simulated phone's keypad and waits for the phone page to come back. */
export async function pressKey(page, key) {
  await clickAndWaitForNavigation(page, page.locator(`.keypad button[value="${key}"]`));
}

/** The language switch in the header names the language the page is written in. */
export async function assertLanguageSwitchShowsPageLanguage(page) {
  const lang = await page.getAttribute('html', 'lang');
  const chosen = await page.locator('#lang-select').inputValue();
  if (chosen !== lang) {
    throw new Error(`the language switch shows "${chosen}" on a page in "${lang}" (${page.url()})`);
  }
}

/**
 * Fills the phone wizard already open in `page` by values (any language), submits it, and returns
 * once the call page shows. type: mobile|alternate_mobile|office (ignored when changing a phone).
 */
export async function submitPhoneWizard(page, { type, region, number }) {
  if (type && (await page.locator('input[name=phone_type]').count())) {
    await page.locator(`input[name=phone_type][value="${type}"]`).check();
  }
  if (region) await page.locator('#region').selectOption(region);
  await page.locator('#number').fill(number);
  await page.locator('input[name=verify][value=call]').check();
  await clickAndWaitForNavigation(page, page.locator('main form[action="/security-info/phone"] button[type=submit]'));
}

/**
 * Asks for a code by text in the phone wizard open in `page` (a mobile in France), with the
 * wizard's words in the page's language (`label`: "Text me a code", `next`: "Next"); returns the
 * code page's path.
 */
export async function textMeACode(page, number, label, next) {
  await page.locator('input[name=phone_type][value=mobile]').check();
  await page.locator('#region').selectOption('FR');
  await page.locator('#number').fill(number);
  await page.getByLabel(label).check();
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: next }));
  const codePath = new URL(page.url()).pathname;
  assert.match(codePath, /^\/security-info\/codes\/[^/]+$/, await page.locator('main').innerText());
  return codePath;
}

/** Polls `server`'s audit log until it has entries of `action`; returns them, newest first. */
export async function waitForAudit(server, action, message = `${action} in the audit log`) {
  return pollUntil(
    () => {
      const entries = server.audit().filter((e) => e.action === action);
      return entries.length ? entries : null;
    },
    { message },
  );
}

/**
 * The whole registration from the wizard page: fill, Next, answer the simulated phone `e164` in
 * `phonePage`, press `keys` (default '#'), and wait until the call page has reached a final state.
 */
export async function registerPhone(page, phonePage, server, { type, region, number, e164, keys = ['#'] }) {
  await submitPhoneWizard(page, { type, region, number });
  if (!/\/security-info\/phone\/calls\//.test(page.url())) {
    const errors = await page.locator('main .error').allTextContents();
    throw new Error(`the wizard did not place a call (${page.url()}): ${errors.join(' / ') || 'no message'}`);
  }
  // The page's script marks the final state on the page it has, then reloads it: wait for the
  // reloaded page, or the next navigation of `page` would be interrupted by that reload.
  const final = /^(confirmed|no_answer|hung_up|busy|wrong_key|no_input|fraud_reported|failed|cancelled)$/;
  const shownAtFirst = await page.evaluate(() => {
    window.secinfoCallPageBeforeReload = true;
    return document.getElementById('call')?.dataset.state ?? '';
  });
  await openRingingPhone(phonePage, server, e164);
  await clickAndWaitForNavigation(phonePage, phonePage.locator('#answer'));
  for (const k of keys) await pressKey(phonePage, k);
  await pollUntil(async () => {
    if (!final.test(await page.locator('#call').getAttribute('data-state'))) return false;
    return final.test(shownAtFirst) || !(await page.evaluate(() => window.secinfoCallPageBeforeReload === true));
  }, { timeout: 15_000, message: 'the call page to reach a final state' });
  await page.waitForLoadState('load');
}

// ---------------------------------------------------------------------------------------------
// The simulated text messages and mailboxes, read without a browser

/** The texts the simulated phone `e164` received, newest first, as plain strings. */
export async function readSms(server, e164) {
  const res = await fetch(server.url(simPhonePath(e164)), { signal: AbortSignal.timeout(5000) });
  if (res.status !== 200) throw new Error(`${simPhonePath(e164)}: HTTP ${res.status}`);
  return smsTexts(await res.text());
}

/** The texts shown on a simulated phone's page (its HTML), newest first. */
export function smsTexts(html) {
  return [...html.matchAll(/<pre class="sms">([\s\S]*?)<\/pre>/g)].map((m) => decodeHtml(m[1]));
}

/** The mail the simulated mailbox `address` received, newest first: [{ from, subject, body }]. */
export async function readMail(server, address) {
  const p = `/sim/inbox/${encodeURIComponent(address)}`;
  const res = await fetch(server.url(p), { signal: AbortSignal.timeout(5000) });
  if (res.status !== 200) throw new Error(`${p}: HTTP ${res.status}`);
  const html = await res.text();
  return [...html.matchAll(/<li class="mail">([\s\S]*?)<\/li>/g)].map(([, li]) => ({
    from: decodeHtml(li.match(/<p class="hint">([\s\S]*?)<\/p>/)?.[1] ?? ''),
    subject: decodeHtml(li.match(/<h2 class="mail-subject">([\s\S]*?)<\/h2>/)?.[1] ?? ''),
    body: decodeHtml(li.match(/<pre class="mail-body">([\s\S]*?)<\/pre>/)?.[1] ?? ''),
  }));
}

/**
 * Posts a form built in the page (for what the page itself no longer offers, e.g. a code field
 * that is gone), waits until the answer is shown, and returns that response (status(), url()).
 */
export async function postFormInPage(page, action, fields) {
  const answered = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === action);
  const navigated = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame() });
  await page.evaluate(
    ({ action, fields }) => {
      const form = document.createElement('form');
      form.method = 'post';
      form.action = action;
      for (const [name, value] of Object.entries(fields)) {
        const input = document.createElement('input');
        input.type = 'hidden';
        input.name = name;
        input.value = value;
        form.append(input);
      }
      document.body.append(form);
      form.submit();
    },
    { action, fields },
  );
  const response = await answered;
  await navigated;
  await page.waitForLoadState('load');
  return response;
}
