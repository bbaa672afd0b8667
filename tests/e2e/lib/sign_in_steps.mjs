// The steps of signing in with two-step verification, shared by the sign_in_*.test.mjs files: the
// tenant's sign-in rules set with the admin CLI, the password step alone, the verify page's
// progress, the sign-in call answered on the simulated phone, and the authenticator companion.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import {
  OUTPUT_DIR,
  PASSWORD,
  SECINFO_BIN,
  TENANT,
  clickAndWaitForNavigation,
  openRingingPhone,
  pollUntil,
  pressKey,
} from './harness.mjs';

/** The demo tenant's rules (src/cli: the Quick start's Contoso). */
export const DEMO_RULES = ['--mfa', 'all', '--remember-days', '14', '--skips', '3', '--fraud-alert', 'on', '--fraud-block', 'on'];

/** `secinfo admin set-sign-in --tenant contoso.example ...args`; returns what it printed. */
export function setSignIn(server, args, tenant = TENANT.domain) {
  return server.admin(['set-sign-in', '--tenant', tenant, ...args]);
}

export const pathOf = (page) => new URL(page.url()).pathname;

/**
 * Types the account and password and submits them; returns once the page that follows has
 * loaded. That page may go on by itself (the default proof starts at once): wait for what comes
 * next with waitForPath or waitForVerification.
 */
export async function submitPassword(page, server, email, password = PASSWORD) {
  await page.goto(server.url('/sign-in'));
  await page.locator('#username').fill(email);
  await page.locator('#password').fill(password);
  await clickAndWaitForNavigation(page, page.locator('main form[action="/sign-in"] button[type=submit]'));
}

/** Waits until the page's path matches `re` (a string: equals) and it has loaded. */
export async function waitForPath(page, re, timeout = 15_000) {
  const matches = typeof re === 'string' ? (u) => u.pathname === re : (u) => re.test(u.pathname);
  await page.waitForURL(matches, { timeout, waitUntil: 'load' }).catch(async (e) => {
    const text = await page.locator('main').innerText().catch(() => '?');
    throw new Error(`${e.message.split('\n')[0]}: still at ${page.url()}, showing: ${text}`);
  });
}

/** The page of a started verification: /sign-in/verify/<id>. */
export const VERIFICATION_PATH = /^\/sign-in\/verify\/[A-Za-z0-9_-]{16,}$/;

/** Signs out with the header's button. */
export async function signOut(page) {
  await clickAndWaitForNavigation(page, page.locator('header form[action="/sign-out"] button'));
  assert.equal(pathOf(page), '/sign-in');
}

/**
 * Answers the sign-in call ringing on the simulated phone `e164` in `phonePage`, presses `keys`,
 * and returns the prompt the caller spoke.
 */
export async function answerCall(phonePage, server, e164, keys = ['#']) {
  await openRingingPhone(phonePage, server, e164);
  await clickAndWaitForNavigation(phonePage, phonePage.locator('#answer'));
  const prompt = await phonePage.locator('#prompt').textContent();
  for (const k of keys) await pressKey(phonePage, k);
  return prompt;
}

/** The `id` query parameter or path id of the verification shown in `page`. */
export function verificationId(page) {
  return pathOf(page).split('/').pop();
}

// ---------------------------------------------------------------------------------------------
// The authenticator app (oathtool) and the companion device (`secinfo authenticator`)

/** The code an authenticator shows at `unixSeconds` (now by default). */
export function totp(secret, unixSeconds = Math.floor(Date.now() / 1000)) {
  return execFileSync('oathtool', ['--totp', '-b', '-N', `@${unixSeconds}`, secret], { encoding: 'utf8' }).trim();
}

/** A six-digit code that none of the codes the server accepts around now is. */
export function wrongCode(secret) {
  const t = Math.floor(Date.now() / 1000);
  const valid = new Set([-90, -60, -30, 0, 30, 60, 90].map((d) => totp(secret, t + d)));
  for (let n = 0; ; n++) {
    const c = String((123456 + n * 111111) % 1_000_000).padStart(6, '0');
    if (!valid.has(c)) return c;
  }
}

/**
 * Adds an authenticator app from Security info in `page` (signed in, allowed to register):
 * names it, reads the key from the QR code with zbarimg, types oathtool's code. Returns the key.
 * `labels`: the page's words in its language ({ name, next, code }).
 */
export async function enrolApp(page, server, test, appName, labels) {
  await page.goto(server.url('/security-info/authenticator'));
  await page.getByLabel(labels.name, { exact: true }).fill(appName);
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: labels.next }));
  const png = path.join(OUTPUT_DIR, test, `qr-${appName.replace(/\W+/g, '-')}.png`);
  await page.locator('#qr').screenshot({ path: png });
  const uri = spawnSync('zbarimg', ['--raw', '-q', png], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).stdout.trim();
  const secret = uri.match(/secret=([A-Z2-7]+)/)?.[1];
  assert.ok(secret, `a key in the QR code: ${uri}`);
  await page.getByLabel(labels.code).fill(totp(secret));
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: labels.next }));
  assert.equal(await page.locator('#app-status').count(), 1, `the app is ready: ${await page.locator('main').innerText()}`);
  return secret;
}

/** The companion (`secinfo authenticator ...`) with its accounts in `store`. */
export class Companion {
  constructor(store, lang = 'en_US.UTF-8') {
    this.store = store;
    this.env = { PATH: process.env.PATH, LANG: lang };
  }

  run(args, { timeout = 30_000 } = {}) {
    const r = spawnSync(SECINFO_BIN, ['authenticator', ...args, '--store', this.store], { encoding: 'utf8', timeout, env: this.env });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  /** `wait --once` in the background; resolves with { code, out } when it has answered. */
  wait(answer, { timeout = 40 } = {}) {
    const child = spawn(SECINFO_BIN, ['authenticator', 'wait', '--once', '--timeout', String(timeout), ...answer, '--store', this.store], { env: this.env });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out })));
  }
}

/**
 * From the app's Approvals page in `page`, creates a registration link and enrols the companion
 * with it. `button`: the "Create a registration link" button's name in the page's language.
 */
export async function bindCompanion(page, companion, button) {
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: button }));
  const command = await page.locator('#enrol-command').textContent();
  const link = command.match(/'([^']+)'/)[1];
  const enrol = companion.run(['enrol', link, '--name', 'Pixel']);
  assert.equal(enrol.status, 0, enrol.stderr + enrol.stdout);
  await clickAndWaitForNavigation(page, page.locator('#check-device'));
  assert.equal(await page.locator('#push-bound').count(), 1, 'the device is bound');
}

/** Polls `fn` (a page's text) until it matches `re`. */
export function waitForText(fn, re, message, timeout = 15_000) {
  return pollUntil(async () => re.test((await fn()) ?? ''), { timeout, message });
}
