// Signing in and out: a wrong password and an unknown account get the very same answer, the page
// asked for is reached after signing in, and signing out ends the session.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkEveryPage,
  checkA11y,
  clickAndWaitForNavigation,
  launchBrowser,
  screenshot,
  signIn,
  startSeededServer,
} from './lib/harness.mjs';

const NAME = 'sign_in';
let env;
let browser;
let a11y; // axe on every page that loads
let page;

before(async () => {
  env = await startSeededServer({ users: [{ email: 'ana@contoso.example', name: 'Ana Lima', locale: 'fr' }] });
  browser = await launchBrowser(env.dir, { locale: 'en-US' });
  a11y = checkEveryPage(browser);
  page = await browser.newPage();
});

after(async () => {
  await browser?.close();
  await env?.stop();
});

/** Submits the sign-in form and returns what the person sees. */
async function failSignIn(username, password) {
  await page.goto(env.server.url('/sign-in'));
  await page.getByLabel('Work or school account').fill(username);
  await page.getByLabel('Password').fill(password);
  const posted = page.waitForResponse((r) => r.request().method() === 'POST');
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Sign in' }));
  return {
    status: (await posted).status(),
    url: new URL(page.url()).pathname,
    error: await page.locator('#sign-in-error').textContent(),
    username: await page.getByLabel('Work or school account').inputValue(),
    password: await page.getByLabel('Password').inputValue(),
  };
}

test('a wrong password and an unknown account show the same message', async () => {
  const wrongPassword = await failSignIn('ana@contoso.example', 'not her password');
  await checkA11y(page, 'sign-in (error)');
  await screenshot(page, NAME, 'wrong-password');
  const unknownUser = await failSignIn('nobody@contoso.example', 'not her password');
  await screenshot(page, NAME, 'unknown-user');

  assert.equal(wrongPassword.error, 'Your account or password is incorrect.');
  assert.deepEqual(
    { ...unknownUser, username: undefined },
    { ...wrongPassword, username: undefined },
    'nothing tells whether the account exists',
  );
  assert.equal(wrongPassword.url, '/sign-in');
  assert.equal(wrongPassword.username, 'ana@contoso.example', 'the account is kept');
  assert.equal(wrongPassword.password, '', 'the password is not sent back');
  assert.equal(await page.locator('#sign-in-error').getAttribute('role'), 'alert');
});

test('an empty form asks for both fields', async () => {
  const r = await failSignIn('', '');
  assert.equal(r.error, 'Enter your account and your password.');
});

test('signing in leads to the page that was asked for, and signing out ends the session', async () => {
  await page.goto(env.server.url('/security-info/add'));
  assert.equal(new URL(page.url()).pathname, '/sign-in', 'a signed-out person is sent to sign in');
  await page.getByLabel('Work or school account').fill('ana@contoso.example');
  await page.getByLabel('Password').fill('correct horse battery staple');
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Sign in' }));
  assert.equal(new URL(page.url()).pathname, '/security-info/add');
  assert.equal(await page.locator('h1').textContent(), 'Ajouter une méthode', "Ana's own language (fr) wins over the browser's");
  assert.equal(await page.locator('.who').textContent(), 'Ana Lima');

  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Se déconnecter' }));
  assert.equal(new URL(page.url()).pathname, '/sign-in');
  await page.goto(env.server.url('/security-info'));
  assert.equal(new URL(page.url()).pathname, '/sign-in', 'the session has ended');
});

test('after signing out, signing in again works', async () => {
  await signIn(page, env.server, 'ana@contoso.example');
  assert.equal(await page.locator('h1').textContent(), 'Informations de sécurité');
});

test('axe: no serious or critical violation on any page that loaded', async () => {
  await a11y.assertClean();
});
