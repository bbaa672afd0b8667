// Security questions, in French and in English: Ana registers three answers and sees them listed
// for password reset; Ben types a too-short answer and the same answer twice, is told beside each
// field, and nothing is stored until he fixes them; Ana changes hers; a tenant administrator is
// never offered the method. axe runs on every page that loads and at chosen moments.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkA11y,
  checkEveryPage,
  clickAndWaitForNavigation,
  launchBrowser,
  listedMethods,
  PASSWORD,
  screenshot,
  signIn,
  startSeededServer,
} from './lib/harness.mjs';

const NAME = 'questions';
let env;
let browser;
let a11y; // axe on every page that loads
let page;

before(async () => {
  env = await startSeededServer({
    allow: 'phone,email,questions',
    users: [
      { email: 'ana@contoso.example', name: 'Ana Lima', locale: 'fr' },
      { email: 'ben@contoso.example', name: 'Ben Carter', locale: 'en' },
    ],
  });
  env.server.admin(
    ['create-user', '--email', 'root@contoso.example', '--name', 'Root Admin', '--locale', 'fr', '--password-stdin', '--admin'],
    { input: `${PASSWORD}\n` },
  );
  browser = await launchBrowser(env.dir, { locale: 'fr-FR' });
  a11y = checkEveryPage(browser);
  page = await browser.newPage();
});

after(async () => {
  await browser?.close();
  await env?.stop();
});

/** Signs the browser out (cookies gone) and in again as `email`. */
async function signInAs(email) {
  await browser.clearCookies();
  await signIn(page, env.server, email);
}

/** Picks a question (by value) and types an answer in row `n` of the questions form. */
async function fillRow(n, question, answer) {
  await page.locator(`#question-${n}`).selectOption(question);
  await page.locator(`#answer-${n}`).fill(answer);
}

/** Submits the questions form; returns the status the POST answered with. */
async function submitQuestions(buttonName) {
  const posted = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/security-info/questions'));
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: buttonName }));
  return (await posted).status();
}

/** The questions methods of `email` registered or changed, from the audit log. */
function questionAudit(email) {
  return env.server.audit().filter((e) => e.method === 'questions' && e.actor === email);
}

test('Ana registers three security questions, in French, and sees them listed for password reset', async () => {
  await signInAs('ana@contoso.example');

  // Add method → Questions de sécurité.
  await clickAndWaitForNavigation(page, page.getByRole('link', { name: '+ Ajouter une méthode' }));
  const choices = await page.locator('#method-select option').allTextContents();
  assert.ok(choices.includes('Questions de sécurité'), `offered: ${choices.join(', ')}`);
  await page.getByLabel('Quelle méthode voulez-vous ajouter ?').selectOption({ label: 'Questions de sécurité' });
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Ajouter' }));

  // The form: three questions, translated, answers not remembered by the browser.
  assert.equal(new URL(page.url()).pathname, '/security-info/questions');
  assert.equal(await page.locator('h1').textContent(), 'Questions de sécurité');
  assert.match(await page.locator('main').innerText(), /Choisissez 3 questions et répondez-y\./);
  assert.equal(await page.locator('main select').count(), 3);
  assert.equal(await page.locator('#answer-1').getAttribute('autocomplete'), 'off');
  const firstQuestion = page.getByRole('group', { name: 'Question 1' });
  await firstQuestion.getByLabel('Question', { exact: true }).selectOption({ label: 'Dans quelle ville vos parents se sont-ils rencontrés ?' });
  await firstQuestion.getByLabel('Réponse').fill('Lyon');
  await fillRow(2, 'question_predefined_15', 'Réglisse');
  await fillRow(3, 'question_predefined_21', 'Téléphone');
  await checkA11y(page, 'questions form (filled, fr)');
  await screenshot(page, NAME, 'form-filled-fr');

  // Saved: back on Security info with a notice, listed for password reset only.
  assert.equal(await submitQuestions('Enregistrer les réponses'), 303);
  assert.equal(new URL(page.url()).pathname, '/security-info');
  assert.equal(await page.locator('.notice').textContent(), 'Vos questions de sécurité ont été enregistrées.');
  assert.deepEqual(await listedMethods(page), ['Questions de sécurité|3 réponses enregistrées']);
  assert.equal(await page.locator('li.method .method-usable').textContent(), 'Utilisable pour : réinitialisation du mot de passe');
  assert.equal(await page.locator('#default-select option').count(), 0, 'questions can never be the default sign-in method');
  await checkA11y(page, 'security info (questions, fr)');
  await screenshot(page, NAME, 'security-info-fr');

  const audit = questionAudit('ana@contoso.example');
  assert.equal(audit.length, 1, audit.map((e) => e.line).join('\n'));
  assert.equal(audit[0].action, 'method_register');
  assert.equal(audit[0].result, 'success');
  assert.doesNotMatch(audit[0].line, /Lyon|Réglisse|Téléphone/);
});

test('Ana changes her answers: the questions come preselected and the set is replaced', async () => {
  await page.goto(env.server.url('/security-info'));
  await clickAndWaitForNavigation(page, page.locator('li.method').getByRole('link', { name: /^Modifier/ }));
  assert.equal(new URL(page.url()).pathname, '/security-info/questions');
  assert.equal(await page.locator('#question-2').inputValue(), 'question_predefined_15');
  for (const n of [1, 2, 3]) assert.equal(await page.locator(`#answer-${n}`).inputValue(), '', 'answers are never shown');
  await fillRow(1, 'question_predefined_03', 'Grenoble');
  await page.locator('#answer-2').fill('Caramel');
  await page.locator('#answer-3').fill('Indochine');
  assert.equal(await submitQuestions('Enregistrer les réponses'), 303);
  assert.deepEqual(await listedMethods(page), ['Questions de sécurité|3 réponses enregistrées']);
  assert.equal(questionAudit('ana@contoso.example')[0].action, 'method_change');
});

test('Ben, in English, is told about a too-short answer and a repeated one, and nothing is stored', async () => {
  await signInAs('ben@contoso.example');
  await page.goto(env.server.url('/security-info/questions'));
  assert.equal(await page.locator('h1').textContent(), 'Security questions');
  await fillRow(1, 'question_predefined_02', 'Paris');
  await fillRow(2, 'question_predefined_15', ' paris ');
  await fillRow(3, 'question_predefined_21', 'ab');
  assert.equal(await submitQuestions('Save answers'), 400);

  // Each message beside its field, announced through the summary, linked to the field.
  assert.equal(
    await page.locator('#form-error').textContent(),
    'Some questions or answers need to be changed. See the messages below.',
  );
  assert.equal(await page.locator('#form-error').getAttribute('role'), 'alert');
  assert.equal(await page.locator('#answer-2-error').textContent(), "You've already given this answer. Each answer must be different.");
  assert.equal(await page.locator('#answer-3-error').textContent(), 'Your answer must be at least 3 characters long.');
  assert.equal(await page.locator('#answer-1-error').count(), 0);
  for (const n of [2, 3]) {
    const input = page.locator(`#answer-${n}`);
    assert.equal(await input.getAttribute('aria-invalid'), 'true');
    assert.match(await input.getAttribute('aria-describedby'), new RegExp(`\\banswer-${n}-error\\b`));
  }
  assert.equal(await page.locator('#answer-1').getAttribute('aria-invalid'), null);
  // What Ben picked and typed is still there, so he only fixes the mistakes.
  assert.equal(await page.locator('#question-3').inputValue(), 'question_predefined_21');
  assert.equal(await page.locator('#answer-1').inputValue(), 'Paris');
  await checkA11y(page, 'questions form (errors, en)');
  await screenshot(page, NAME, 'form-errors-en');

  // Nothing was stored.
  await page.goto(env.server.url('/security-info'));
  assert.deepEqual(await listedMethods(page), []);
  assert.equal(questionAudit('ben@contoso.example').length, 0);

  // Fixed, it is saved.
  await page.goto(env.server.url('/security-info/questions'));
  await fillRow(1, 'question_predefined_02', 'Paris');
  await fillRow(2, 'question_predefined_15', 'Rex');
  await fillRow(3, 'question_predefined_21', 'Queen');
  assert.equal(await submitQuestions('Save answers'), 303);
  assert.equal(await page.locator('.notice').textContent(), 'Your security questions have been saved.');
  assert.deepEqual(await listedMethods(page), ['Security questions|3 answers saved']);
  assert.equal(await page.locator('li.method .method-usable').textContent(), 'Can be used for: password reset');
  await checkA11y(page, 'security info (questions, en)');
  await screenshot(page, NAME, 'security-info-en');
});

test('a tenant administrator is not offered security questions', async () => {
  await signInAs('root@contoso.example');
  await page.goto(env.server.url('/security-info/add'));
  const choices = await page.locator('#method-select option').allTextContents();
  assert.ok(choices.includes('Téléphone'), `offered: ${choices.join(', ')}`);
  assert.ok(!choices.includes('Questions de sécurité'), `offered: ${choices.join(', ')}`);

  const response = await page.goto(env.server.url('/security-info/questions'));
  assert.equal(response.status(), 403);
  assert.equal(await page.locator('main select').count(), 0, 'no form');
  const message = page.locator('main .message');
  assert.equal(
    await message.textContent(),
    'Les questions de sécurité ne peuvent pas être utilisées avec un compte administrateur. Choisissez une autre méthode.',
  );
  assert.equal(await message.getAttribute('role'), 'alert');
  await checkA11y(page, 'questions refused (admin)');
  await screenshot(page, NAME, 'admin-refused');
  assert.equal(questionAudit('root@contoso.example').length, 0);
});

test('axe: no serious or critical violation on any page that loaded', async () => {
  await a11y.assertClean();
});
