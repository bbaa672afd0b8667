// Changing one's password from Security info (French), and the change forced after an
// administrator's temporary password (English): every refusal says why in the person's language,
// the other browser is signed out, the old password stops working and the account is mailed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PASSWORD,
  checkA11y,
  checkEveryPage,
  clickAndWaitForNavigation,
  launchBrowser,
  readMail,
  screenshot,
  signIn,
  startSeededServer,
} from './lib/harness.mjs';

const NAME = 'password_change';
const NEW_PASSWORD = 'tram bleu sous la pluie';
let env;
let browser; // Ana's first browser
let other; // another browser where Ana is signed in too
let a11y;
let page;

before(async () => {
  env = await startSeededServer({
    users: [
      { email: 'ana@contoso.example', name: 'Ana Lima', locale: 'fr' },
      { email: 'ben@contoso.example', name: 'Ben Carter', locale: 'en' },
    ],
  });
  env.server.admin(['add-banned-word', '--tenant', 'contoso.example', '--word', 'Lutèce']);
  browser = await launchBrowser(env.dir, { locale: 'fr-FR' });
  other = await launchBrowser(env.dir, { locale: 'fr-FR' });
  a11y = checkEveryPage(browser);
  page = await browser.newPage();
});

after(async () => {
  await other?.close();
  await browser?.close();
  await env?.stop();
});

/** Fills the change form and submits it; returns the error shown (or null) and the path. */
async function change(current, next, confirm = next) {
  await page.locator('#current-password').fill(current);
  await page.locator('#new-password').fill(next);
  await page.locator('#confirm-password').fill(confirm);
  await clickAndWaitForNavigation(page, page.locator('#password-submit'));
  const error = page.locator('#password-error');
  return {
    path: new URL(page.url()).pathname,
    error: (await error.count()) ? (await error.textContent()).trim() : null,
  };
}

test('Ana changes her password in French: each refusal says why, then the change ends her other session', async () => {
  await signIn(page, env.server, 'ana@contoso.example');
  const otherPage = await other.newPage();
  await signIn(otherPage, env.server, 'ana@contoso.example');

  await clickAndWaitForNavigation(page, page.locator('#password-link'));
  assert.equal(new URL(page.url()).pathname, '/security-info/password');
  assert.equal(await page.locator('h1').textContent(), 'Modifier le mot de passe');
  await checkA11y(page, 'password form');

  // The strength meter follows what is typed (app.js; the server's rule decides).
  await page.locator('#new-password').fill('abc');
  assert.equal(await page.locator('#password-strength-text').textContent(), 'Faible');
  await page.locator('#new-password').fill('un tram bleu sous la pluie de Lyon');
  assert.match(await page.locator('#password-strength-text').textContent(), /Bonne|Élevée/);

  const refusals = [
    [['pas le bon mot de passe', NEW_PASSWORD], "Votre mot de passe actuel n'est pas correct."],
    [[PASSWORD, 'vive LUTÈCE 1999'], 'Le mot de passe contient un mot interdit par votre organisation. Choisissez-en un autre.'],
    [[PASSWORD, 'password1'], 'Le mot de passe est trop facile à deviner : il est fondé sur un mot du dictionnaire ou une suite simple.'],
    [[PASSWORD, 'ana@contoso.example'], "Le mot de passe ne doit pas être votre nom d'utilisateur ni le contenir."],
    [[PASSWORD, NEW_PASSWORD, 'tram bleu sous la neige'], 'Les deux nouveaux mots de passe ne sont pas identiques.'],
  ];
  for (const [args, message] of refusals) {
    const r = await change(...args);
    assert.equal(r.path, '/security-info/password', `${args[1]} stays on the form`);
    assert.equal(r.error, message);
    await checkA11y(page, `password refused: ${args[1]}`);
  }
  await screenshot(page, NAME, 'refused-user-name');

  const done = await change(PASSWORD, NEW_PASSWORD);
  assert.equal(done.path, '/security-info');
  assert.equal(
    (await page.locator('.notice').textContent()).trim(),
    'Votre mot de passe a été modifié. Vos autres navigateurs ont été déconnectés.',
  );
  await screenshot(page, NAME, 'changed');

  // The other browser's session is gone.
  await otherPage.goto(env.server.url('/security-info'));
  assert.equal(new URL(otherPage.url()).pathname, '/sign-in', 'the other browser is signed out');
  // The old password no longer signs in; the new one does.
  await signIn(otherPage, env.server, 'ana@contoso.example', PASSWORD, { expectSuccess: false });
  assert.equal(new URL(otherPage.url()).pathname, '/sign-in');
  assert.ok(await otherPage.locator('#sign-in-error').isVisible(), 'the old password is refused');
  await signIn(otherPage, env.server, 'ana@contoso.example', NEW_PASSWORD);

  const mail = await readMail(env.server, 'ana@contoso.example');
  const notice = mail.find((m) => m.subject === 'Contoso : votre mot de passe a été modifié');
  assert.ok(notice, `the change is mailed in French (got: ${mail.map((m) => m.subject).join(' / ')})`);
  assert.match(notice.body, /Vos autres navigateurs ont été déconnectés/);
  assert.match(notice.body, /127\.0\.0\.1/);

  const audit = env.server.audit().filter((e) => e.action === 'password_change');
  assert.ok(audit.some((e) => e.result === 'success'));
  assert.ok(audit.some((e) => e.result === 'refused' && e.detail === 'password_refused_banned_word'));
});

test('after an administrator\'s temporary password Ben must choose a new one before anything else', async () => {
  const printed = env.server.admin(['reset-password', '--tenant', 'contoso.example', '--user', 'ben@contoso.example', '--temporary']);
  const temporary = printed.match(/: ([a-z2-9]{4}(?:-[a-z2-9]{4}){3})\n/)?.[1];
  assert.ok(temporary, `a readable temporary password is printed: ${printed}`);

  const ben = await launchBrowser(env.dir, { locale: 'en-US' });
  const benA11y = checkEveryPage(ben);
  try {
    const p = await ben.newPage();
    await signIn(p, env.server, 'ben@contoso.example', PASSWORD, { expectSuccess: false });
    assert.equal(new URL(p.url()).pathname, '/sign-in', 'the old password no longer works');
    await signIn(p, env.server, 'ben@contoso.example', temporary, { expectSuccess: false });
    assert.equal(new URL(p.url()).pathname, '/security-info/password');
    assert.equal(await p.locator('h1').textContent(), 'Change your password');
    assert.equal(await p.locator('main a[href="/security-info"]').count(), 0, 'no way to cancel');
    await checkA11y(p, 'forced change');
    await screenshot(p, NAME, 'forced-change');

    // Nothing else can be reached until the password is changed.
    for (const path of ['/security-info', '/security-info/add', '/security-info/sessions']) {
      await p.goto(env.server.url(path));
      assert.equal(new URL(p.url()).pathname, '/security-info/password', `${path} leads back`);
    }

    await p.locator('#current-password').fill(temporary);
    await p.locator('#new-password').fill('ben@contoso.example');
    await p.locator('#confirm-password').fill('ben@contoso.example');
    await clickAndWaitForNavigation(p, p.locator('#password-submit'));
    assert.equal((await p.locator('#password-error').textContent()).trim(), 'The password must not be your user name or contain it.');

    await p.locator('#current-password').fill(temporary);
    await p.locator('#new-password').fill('green tram in the rain');
    await p.locator('#confirm-password').fill('green tram in the rain');
    await clickAndWaitForNavigation(p, p.locator('#password-submit'));
    assert.equal(new URL(p.url()).pathname, '/security-info');
    assert.equal((await p.locator('h1').textContent()).trim(), 'Security info');
    await p.goto(env.server.url('/security-info/add'));
    assert.equal(new URL(p.url()).pathname, '/security-info/add', 'free to go anywhere now');
    await benA11y.assertClean();
  } finally {
    await ben.close();
  }
});

test('axe found nothing serious on any page', async () => {
  await a11y.assertClean();
});
