// Sign-in approval with number matching, with the companion `secinfo authenticator` as the device.
// Ana (French) registers an app (QR read by zbarimg, code from oathtool), creates a registration
// link, binds the companion with it, sends a test request; the companion, told the number the page
// shows, approves it and the page says so by itself. A wrong number is refused and ends the
// request; a denial reported as suspicious lands in the audit log. axe runs on every page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import {
  OUTPUT_DIR,
  checkA11y,
  checkEveryPage,
  clickAndWaitForNavigation,
  freePort,
  launchBrowser,
  pollUntil,
  screenshot,
  signIn,
  startSeededServer,
} from './lib/harness.mjs';

const NAME = 'push';
const SECINFO_BIN = process.env.SECINFO_BIN;
let env;
let browser;
let a11y;
let page;
let store; // the companion's folder of accounts

before(async () => {
  const port = await freePort();
  env = await startSeededServer(
    { locale: 'fr', allow: 'phone,authenticator', users: [{ email: 'ana@contoso.example', name: 'Ana Lima', locale: 'fr' }] },
    { port, env: { SECINFO_SERVER_PUBLIC_URL: `http://127.0.0.1:${port}` } },
  );
  store = path.join(env.dir, 'companion');
  browser = await launchBrowser(env.dir, { locale: 'fr-FR' });
  a11y = checkEveryPage(browser);
  page = await browser.newPage();
});

after(async () => {
  await browser?.close();
  await env?.stop();
});

/** Runs the companion; returns {status, stdout, stderr}. */
function companion(args, { timeout = 30_000 } = {}) {
  const r = spawnSync(SECINFO_BIN, ['authenticator', ...args, '--store', store], {
    encoding: 'utf8',
    timeout,
    env: { PATH: process.env.PATH, LANG: 'fr_FR.UTF-8' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts `companion wait --once` in the background; resolves with its exit code and output. */
function companionWait(answer) {
  const child = spawn(SECINFO_BIN, ['authenticator', 'wait', '--once', '--timeout', '40', ...answer, '--store', store], {
    env: { PATH: process.env.PATH, LANG: 'fr_FR.UTF-8' },
  });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out })));
}

function totp(key) {
  return execFileSync('oathtool', ['--totp', '-b', key], { encoding: 'utf8' }).trim();
}

async function sendTestRequest() {
  await page.goto(env.server.url('/security-info'));
  await clickAndWaitForNavigation(page, page.getByRole('link', { name: /^Approbations/ }));
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Envoyer une demande de test' }));
  assert.match(new URL(page.url()).pathname, /^\/security-info\/push\/[^/]+$/);
  const number = Number(await page.locator('#match-number').textContent());
  assert.ok(number >= 10 && number <= 99, `a 2-digit number: ${number}`);
  return number;
}

test('Ana registers an app and binds the companion with a registration link', async () => {
  const { server } = env;
  await signIn(page, server, 'ana@contoso.example');
  await page.goto(server.url('/security-info/authenticator'));
  await page.getByLabel('Nom').fill('Téléphone pro');
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Suivant' }));
  const png = path.join(OUTPUT_DIR, NAME, 'qr.png');
  await page.locator('#qr').screenshot({ path: png });
  const uri = spawnSync('zbarimg', ['--raw', '-q', png], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).stdout.trim();
  const secret = uri.match(/secret=([A-Z2-7]+)/)[1];
  await page.getByLabel('Saisissez le code à 6 chiffres').fill(totp(secret));
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Suivant' }));
  assert.match(await page.locator('#app-status').textContent(), /Téléphone pro est prête/);

  // The wizard ends by offering approvals.
  await clickAndWaitForNavigation(page, page.locator('#setup-push'));
  assert.equal(await page.locator('h1').textContent(), 'Approbations de connexion');
  await checkA11y(page, 'push setup');
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: "Créer un lien d'inscription" }));
  const command = await page.locator('#enrol-command').textContent();
  const link = command.match(/'([^']+)'/)[1];
  assert.match(link, new RegExp(`^${server.url('/api/authenticator/enrol/')}[A-Za-z0-9_-]{43}$`));
  await checkA11y(page, 'push link');
  await screenshot(page, NAME, 'link');

  const enrol = companion(['enrol', link, '--name', 'Pixel']);
  assert.equal(enrol.status, 0, enrol.stderr + enrol.stdout);
  const list = companion(['list']);
  assert.match(list.stdout, /Contoso/);
  assert.match(list.stdout, /ana@contoso\.example/);
  // The device also shows the app's codes: the same as oathtool's.
  const codes = companion(['codes']);
  assert.match(codes.stdout, /\b\d{6}\b/);
  // The link works once.
  assert.notEqual(companion(['enrol', link, '--name', 'Again']).status, 0);

  await clickAndWaitForNavigation(page, page.locator('#check-device'));
  assert.equal(await page.locator('#push-bound').textContent(), 'Un appareil est configuré pour approuver les connexions.');
  await screenshot(page, NAME, 'bound');
  assert.ok(server.audit().some((e) => e.action === 'push_device_bind' && e.result === 'success'));
});

test('the right number approves the request, and the page says so by itself', async () => {
  const number = await sendTestRequest();
  await checkA11y(page, 'push request (pending)');
  await screenshot(page, NAME, 'pending');
  const { code, out } = await companionWait(['--approve-with', String(number)]);
  assert.equal(code, 0, out);
  assert.match(out, /127\.0\.0\.1/, 'the device shows where the request comes from');
  await pollUntil(async () => (await page.locator('#push-status').textContent()).startsWith('Approuvé'), {
    timeout: 10_000,
    message: 'the page to show the approval',
  });
  // The status text changes first, then the page reloads with its final links.
  await pollUntil(async () => (await page.locator('#done').count()) === 1, {
    timeout: 10_000,
    message: 'the page to reload with Done',
  });
  await page.waitForLoadState('load');
  await checkA11y(page, 'push request (approved)');
  await screenshot(page, NAME, 'approved');
});

test('a wrong number is refused and ends the request', async () => {
  const number = await sendTestRequest();
  const wrong = number === 42 ? 43 : 42;
  const { code, out } = await companionWait(['--approve-with', String(wrong)]);
  assert.equal(code, 2, out);
  // The status text changes first, then the page reloads with what to do next.
  await pollUntil(async () => (await page.locator('#push-status').textContent()).startsWith('Un autre nombre'), {
    timeout: 10_000,
    message: 'the page to show the wrong number',
  });
  await pollUntil(async () => (await page.locator('#try-again').count()) === 1, {
    timeout: 10_000,
    message: 'the page to offer Try again',
  });
  await screenshot(page, NAME, 'wrong-number');
});

test('a denial reported as suspicious is recorded', async () => {
  await sendTestRequest();
  const { code, out } = await companionWait(['--deny', '--report']);
  assert.equal(code, 0, out);
  await pollUntil(async () => (await page.locator('#push-status').textContent()).startsWith('La demande a été refusée'), {
    timeout: 10_000,
    message: 'the page to show the denial',
  });
  assert.ok(env.server.audit().some((e) => e.action === 'push_report' && e.result === 'denied'));
});

test('axe: no serious or critical violation on any page that loaded', async () => {
  await a11y.assertClean();
});
